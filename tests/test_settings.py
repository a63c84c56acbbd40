"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys

from .conftest import ROOT

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 50 + "-a-long-and-random-production-secret",
    "ALLOWED_HOSTS": "ledger.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/reform-settings-test.sqlite3",
}


def run_django(env_overrides, *args):
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django({**PRODUCTION, "SECRET_KEY": ""}, "check")
    assert result.returncode != 0
    assert "Production needs SECRET_KEY and ALLOWED_HOSTS" in result.stderr or "32+" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = dict(PRODUCTION)
    del env["ALLOWED_HOSTS"]
    result = run_django(env, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_an_unknown_environment_name_is_refused():
    result = run_django({"DJANGO_ENV": "staging"}, "check")
    assert result.returncode != 0 and "DJANGO_ENV must be" in result.stderr


def test_development_defaults_need_no_services(settings):
    # The suite itself may run on PostgreSQL/Redis; the defaults are checked in a fresh process.
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_ENV")}
    env["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
    ], out.stderr


def test_pages_forbid_framing_and_sniffing(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_refuses_the_published_development_key():
    from django.conf import settings as django_settings

    result = run_django({**PRODUCTION, "SECRET_KEY": django_settings.DEVELOPMENT_KEY}, "check")
    assert result.returncode != 0 and "development SECRET_KEY" in result.stderr


def test_production_refuses_wildcard_hosts():
    result = run_django({**PRODUCTION, "ALLOWED_HOSTS": "ledger.example.gov.cn,*"}, "check")
    assert result.returncode != 0 and "ALLOWED_HOSTS='*'" in result.stderr


def test_production_refuses_debug():
    result = run_django({**PRODUCTION, "DEBUG": "true"}, "check")
    assert result.returncode != 0 and "DEBUG=true" in result.stderr

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


def _settings_in_a_fresh_process(env_overrides: dict, expression: str, cwd) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "SITE_URL", "DJANGO_ENV", "PORT", "HOST")}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="reform.settings", PYTHONPATH=str(ROOT))
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_emails_are_written_under_var_mail_wherever_the_command_runs(tmp_path):
    """django-environ read filemail:///abs as a relative path: mail landed under the working
    directory (work/main/var/mail inside whatever folder the command ran from)."""
    var = tmp_path / "var"
    assert _settings_in_a_fresh_process({"REFORM_VAR_DIR": str(var)}, "s.EMAIL_FILE_PATH", tmp_path / "..") == str(
        var / "mail"
    )
    elsewhere = tmp_path / "letters"
    written = _settings_in_a_fresh_process({"EMAIL_URL": f"filemail://{elsewhere}"}, "s.EMAIL_FILE_PATH", "/")
    assert written == str(elsewhere)


def test_links_in_emails_follow_the_port_served_unless_site_url_is_set(tmp_path):
    assert _settings_in_a_fresh_process({"PORT": "8123"}, "s.SITE_URL", tmp_path) == "http://127.0.0.1:8123"
    assert _settings_in_a_fresh_process({"HOST": "0.0.0.0", "PORT": "8123"}, "s.SITE_URL", tmp_path) == (
        "http://0.0.0.0:8123"
    )
    overridden = {"PORT": "8123", "SITE_URL": "https://ledger.example.gov.cn/"}
    assert _settings_in_a_fresh_process(overridden, "s.SITE_URL", tmp_path) == "https://ledger.example.gov.cn"

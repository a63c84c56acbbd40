"""The deployment files: render_deploy fills every placeholder, and what it writes is valid."""

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deploy.check.topology import make_certificate, write_nginx_main

from ..conftest import ROOT

NGINX = "/usr/sbin/nginx"


@pytest.fixture
def rendered(tmp_path):
    out = tmp_path / "out"
    call_command(
        "render_deploy", "--output", str(out), "--server-name", "ledger.example.gov.cn", "--user", "reform",
        "--app-dir", "/srv/reform/app", "--venv", "/srv/reform/venv", "--workers", "3",
        "--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem"),
        "--nginx-log-dir", str(tmp_path / "logs"), "--listen-address", "127.0.0.1",
        "--http-port", "18080", "--https-port", "18443", stdout=open(os.devnull, "w"),
    )  # fmt: skip
    return out


def test_every_template_is_rendered_with_no_placeholder_left(rendered):
    files = sorted(str(p.relative_to(rendered)) for p in rendered.rglob("*") if p.is_file())
    assert files == [
        "gunicorn.conf.py", "nginx/reform.conf", "reform.env.example", "systemd/reform-beat.service",
        "systemd/reform-web.service", "systemd/reform-worker@.service", "systemd/reform.target",
    ]  # fmt: skip
    for path in rendered.rglob("*"):
        if path.is_file():
            assert not re.search(r"@[A-Z][A-Z_]*@", path.read_text()), path


def test_the_units_run_the_project_from_its_virtualenv_as_its_user(rendered):
    web = (rendered / "systemd/reform-web.service").read_text()
    assert f"ExecStart=/srv/reform/venv/bin/gunicorn --config {rendered}/gunicorn.conf.py" in web
    assert "User=reform" in web and "WorkingDirectory=/srv/reform/app" in web
    assert "EnvironmentFile=/etc/reform/reform.env" in web
    worker = (rendered / "systemd/reform-worker@.service").read_text()
    assert "ExecStart=/srv/reform/venv/bin/celery -A reform worker --hostname=worker%i@%%H" in worker
    assert (
        "ExecStart=/srv/reform/venv/bin/celery -A reform beat" in (rendered / "systemd/reform-beat.service").read_text()
    )
    target = (rendered / "systemd/reform.target").read_text()
    wanted = "reform-web.service reform-worker@1.service reform-worker@2.service reform-worker@3.service"
    assert f"Wants={wanted} reform-beat.service" in target


def test_nginx_takes_uploads_up_to_the_evidence_limit(tmp_path, settings):
    settings.EVIDENCE_MAX_BYTES = 50 * 1024 * 1024
    call_command("render_deploy", "--output", str(tmp_path), stdout=open(os.devnull, "w"))
    site = (tmp_path / "nginx/reform.conf").read_text()
    assert "client_max_body_size 51m;" in site
    assert "return 301 https://$host$request_uri;" in site  # the standard port needs no suffix


def test_the_nginx_site_is_valid_for_nginx(rendered, tmp_path):
    if not Path(NGINX).exists() or not shutil.which("openssl"):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("nginx and openssl are needed (apt-get install nginx openssl)")
        pytest.skip("nginx or openssl not installed")
    make_certificate(tmp_path / "cert.pem", tmp_path / "key.pem")
    (tmp_path / "logs").mkdir()
    conf = write_nginx_main(tmp_path / "nginx", rendered / "nginx/reform.conf", tmp_path / "logs")
    result = subprocess.run(
        [NGINX, "-t", "-e", str(tmp_path / "logs/startup.log"), "-p", str(tmp_path / "nginx"), "-c", str(conf)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    site = (rendered / "nginx/reform.conf").read_text()
    assert "listen 127.0.0.1:18443 ssl http2;" in site and "return 301 https://$host:18443$request_uri;" in site
    assert "proxy_set_header X-Request-ID $request_id;" in site and "location = /health/" in site


def test_gunicorn_reads_its_settings_from_the_environment(rendered, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    defaults = runpy.run_path(str(rendered / "gunicorn.conf.py"))
    assert defaults["bind"] == ["127.0.0.1:8001"] and defaults["workers"] == 3 and defaults["timeout"] == 60
    assert defaults["chdir"] == "/srv/reform/app" and defaults["forwarded_allow_ips"] == "127.0.0.1"
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.5:8000")
    monkeypatch.setenv("WEB_CONCURRENCY", "9")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "120")
    monkeypatch.setenv("GUNICORN_FORWARDED_ALLOW_IPS", "10.0.0.1")
    tuned = runpy.run_path(str(rendered / "gunicorn.conf.py"))
    assert (tuned["bind"], tuned["workers"], tuned["timeout"]) == (["10.0.0.5:8000"], 9, 120)
    assert tuned["forwarded_allow_ips"] == "10.0.0.1"
    formatters = tuned["logconfig_dict"]["formatters"]
    assert formatters["json"]["()"] == "core.logs.JsonFormatter"  # access lines are JSON, with the request id


def test_an_unknown_placeholder_is_refused(tmp_path, monkeypatch):
    templates = tmp_path / "deploy"
    shutil.copytree(ROOT / "deploy", templates, ignore=shutil.ignore_patterns("check", "__pycache__"))
    (templates / "systemd/reform.target").write_text("Wants=@NO_SUCH_THING@\n")
    monkeypatch.setattr("reform.management.commands.render_deploy.deploy_dir", lambda: templates)
    with pytest.raises(CommandError, match="@NO_SUCH_THING@"):
        call_command("render_deploy", "--output", str(tmp_path / "out"), stdout=open(os.devnull, "w"))


def variables_read(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text()))


def test_the_example_env_file_lists_every_variable_the_project_reads():
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (ROOT / "deploy/reform.env.example").read_text(), re.M))
    read = variables_read(ROOT / "reform/settings.py", r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"')
    read |= variables_read(ROOT / "deploy/gunicorn.conf.py", r'os\.environ\.get\("([A-Z][A-Z0-9_]+)"')
    assert read - listed == set()

"""/health/: public, JSON, 200 when the database, broker, beat and email delivery are fine, 503 otherwise."""

import os
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from deadlines.models import Dispatch
from reform.beat import LOCK_KEY, redis_client

from .conftest import production_env, run_python

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("redis")]


@pytest.fixture
def redis_url(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REDIS_URL is not set")
        pytest.skip("no Redis configured")
    settings.REDIS_URL = url
    return url


@pytest.fixture
def beat_running(redis_url):
    redis_client().set(LOCK_KEY, "a-beat", px=60_000)
    yield
    redis_client().delete(LOCK_KEY)


@pytest.fixture
def no_beat(redis_url):
    redis_client().delete(LOCK_KEY)


def checks(response):
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_healthy_is_200_without_a_login(client, db, beat_running):
    response = client.get("/health/")
    assert response.status_code == 200
    assert checks(response) == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "beat": "ok", "dispatches": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_no_beat_holding_the_lock_is_503(client, db, no_beat):
    response = client.get("/health/")
    assert response.status_code == 503
    assert checks(response)["checks"]["beat"] == "down" and checks(response)["status"] == "fail"


def test_redis_down_is_503_and_says_nothing_of_the_address(client, db, settings, redis_url):
    settings.REDIS_URL = "redis://:hunter2@127.0.0.1:1/0"
    response = client.get("/health/")
    assert response.status_code == 503
    body = checks(response)
    assert body["checks"]["broker"] == "down" and body["checks"]["beat"] == "unknown"
    assert "hunter2" not in response.content.decode() and "6379" not in response.content.decode()


def test_database_down_is_503_and_leaks_no_error_text(client, db, beat_running, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('could not connect to server "db.internal" password=s3cret')

    with monkeypatch.context() as patch:
        patch.setattr("reform.health.connection.cursor", refuse)
        response = client.get("/health/")
    assert response.status_code == 503
    assert checks(response)["checks"]["database"] == "down"
    assert "s3cret" not in response.content.decode() and "db.internal" not in response.content.decode()


def make_dispatch(state, minutes_ago):
    n = Dispatch.objects.count()
    dispatch = Dispatch.objects.create(
        recipient=f"r{n}@example.com", kind="digest", period_key=f"p{n}", subject="s", body_text="t",
        body_html="h", state=state,
    )  # fmt: skip
    Dispatch.objects.filter(pk=dispatch.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))


def test_an_email_unsent_for_longer_than_the_limit_is_503(client, db, beat_running, settings):
    settings.HEALTH_DISPATCH_MAX_AGE_MINUTES = 30
    make_dispatch("pending", minutes_ago=5)  # just planned: being delivered
    make_dispatch("sent", minutes_ago=600)
    make_dispatch("failed", minutes_ago=600)  # given up on: the admin shows it, retrying won't help
    assert client.get("/health/").status_code == 200

    make_dispatch("pending", minutes_ago=45)
    response = client.get("/health/")
    assert response.status_code == 503 and checks(response)["checks"]["dispatches"] == "backlog"


def test_only_get_is_answered(client, db, beat_running):
    assert client.post("/health/").status_code == 405


def test_production_answers_health_over_plain_http_and_redirects_everything_else(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.test import Client; c = Client();"
        "h = c.get('/health/'); p = c.get('/accounts/login/');"
        "print(h.status_code, h['Content-Type'], p.status_code, p['Location'])"
    )
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="reform.settings")
    result = run_python(env, "-c", code)
    health_status, content_type, page_status, location = result.stdout.split()
    assert health_status in ("200", "503") and content_type == "application/json", result.stderr
    assert page_status == "301" and location == "https://testserver/accounts/login/"

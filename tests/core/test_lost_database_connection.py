"""A request in flight when its database connection drops (a restart, a failover, an idle
timeout) is not a 500: a GET or HEAD is run again once on a new connection; anything else — or
a second failure — is a 503 with a Chinese message.

The connection is really dropped: a second session ends the first one's backend
(pg_terminate_backend). Committed data and autocommit, so the tests run outside a transaction,
as a server does (ATOMIC_REQUESTS is off).
"""

import psycopg2
import pytest
from django.db import connection
from django.test import Client

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.get_backend_pid()


def drop_the_connection():
    """End this process's database session from another one, as a database restart would."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings.get("PASSWORD") or "",
        host=settings.get("HOST") or "127.0.0.1", port=settings.get("PORT") or 5432,
    )  # fmt: skip
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid()])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@pytest.fixture(autouse=True)
def usable_connection_afterwards(transactional_db):
    """Whatever a test left, the database is flushed over a working connection."""
    yield
    if connection.connection is not None and not connection.is_usable():
        connection.close()


@pytest.fixture
def signed_in(lead_reporter):
    client = Client(raise_request_exception=False)  # a server answers; it does not raise
    client.force_login(lead_reporter)
    assert client.get("/plan/").status_code == 200
    return client


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_whose_connection_dropped_is_answered_on_a_new_connection(signed_in, method, caplog):
    before = backend_pid()
    drop_the_connection()

    response = getattr(signed_in, method)("/plan/")

    assert response.status_code == 200
    assert backend_pid() != before
    assert f"数据库连接中断,重新执行一次 {method.upper()} /plan/" in caplog.text
    if method == "get":
        assert "大连" in response.content.decode() or "举措" in response.content.decode()


def test_a_read_is_run_again_only_once(signed_in, monkeypatch):
    """When the database stays away, the read is a 503 after one more try, not a loop."""
    drop_the_connection()
    monkeypatch.setitem(connection.settings_dict, "PORT", 1)  # nothing listens there: reconnecting fails

    response = signed_in.get("/plan/")

    assert response.status_code == 503
    assert "数据库连接暂时中断" in response.content.decode()
    assert response["Retry-After"] and response["X-Frame-Options"] == "DENY"


def test_a_write_whose_connection_dropped_is_a_503_and_is_not_repeated(signed_in, lead_reporter, measure):
    drop_the_connection()

    response = signed_in.post("/accounts/logout/")

    assert response.status_code == 503
    assert "数据库连接暂时中断" in response.content.decode()
    assert signed_in.get("/plan/").status_code == 200  # the next request has a connection again


def test_the_api_says_so_in_json(signed_in):
    drop_the_connection()
    response = signed_in.post("/api/v1/measures/", {})
    assert response.status_code == 503
    assert response.json() == {"detail": "数据库连接暂时中断,请稍后重试。"}

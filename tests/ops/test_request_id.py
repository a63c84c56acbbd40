"""Every request has an id — the proxy's or a new one — on the response and in its log lines."""

import json
import logging
import re

import pytest

from core.logs import JsonFormatter, RequestIdFilter

from .conftest import production_env, run_python


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = Records()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


def test_a_request_without_an_id_gets_a_new_one(client, db):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_the_proxys_request_id_is_kept(client, db):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="6f1c0e2a9b7d4c3e8f5a1b2c3d4e5f60")
    assert response["X-Request-ID"] == "6f1c0e2a9b7d4c3e8f5a1b2c3d4e5f60"


@pytest.mark.parametrize("hostile", ["a" * 65, "abc def", "abc\r\nSet-Cookie: x=1", "<script>", "a_b", "ü"])
def test_a_request_id_that_is_not_a_short_plain_token_is_replaced(client, db, hostile):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=hostile)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_records_made_during_a_request_carry_its_id(client, db, records):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 404
    not_found = [r for r in records if r.name == "django.request"]
    assert not_found and {r.request_id for r in not_found} == {"req-42"}


def test_log_records_outside_a_request_say_so(records):
    logging.getLogger("reform.test").warning("outside")
    assert records[-1].request_id == "-"


def test_the_json_format_is_one_object_a_line_with_the_request_id():
    record = logging.LogRecord("deadlines.notify", logging.ERROR, __file__, 1, "发送失败 %s", ("a@b.cn",), None)
    RequestIdFilter().filter(record)
    try:
        raise RuntimeError("SMTP down")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["logger"] == "deadlines.notify"
    assert data["message"] == "发送失败 a@b.cn" and data["request_id"] == "-"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", data["time"])
    assert "SMTP down" in data["exc_info"]


def test_gunicorns_access_line_takes_the_request_id_from_the_response_header():
    atoms = {"h": "127.0.0.1", "r": "GET / HTTP/1.0", "s": "200", "{x-request-id}o": "abc-123"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s %(r)s %(s)s", (atoms,), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "abc-123"


def test_production_logs_json_by_default_and_the_level_is_configurable(tmp_path):
    code = (
        "import django, logging; django.setup();"
        "from django.test import Client;"
        # An API refusal: a JSON answer needs no collected static files (an HTML page would).
        "r = Client().get('/api/v1/measures/', HTTP_X_FORWARDED_PROTO='https', HTTP_X_REQUEST_ID='prod-1');"
        "print(r.status_code, r['X-Request-ID']);"
        "logging.getLogger('reform').info('hidden at WARNING')"
    )
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="reform.settings")
    env["LOG_LEVEL"] = "warning"
    result = run_python(env, "-c", code)
    assert result.stdout.split() == ["403", "prod-1"], result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["logger"], line["level"], line["request_id"]) for line in lines] == [
        ("django.request", "WARNING", "prod-1")
    ]


def test_an_unknown_log_format_is_refused(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", LOG_FORMAT="xml")
    result = run_python(env, "manage.py", "check")
    assert result.returncode != 0 and "LOG_FORMAT must be" in result.stderr


def test_records_logged_inside_a_view_carry_the_id_and_it_is_gone_afterwards(rf, records):
    from django.http import HttpResponse

    from core.middleware import RequestIdMiddleware

    def view(request):
        logging.getLogger("ledger.views").warning("inside the view")
        return HttpResponse()

    response = RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="view-7"))
    logging.getLogger("ledger.views").warning("after the request")
    assert response["X-Request-ID"] == "view-7"
    seen = [(r.getMessage(), r.request_id) for r in records]
    assert seen == [("inside the view", "view-7"), ("after the request", "-")]

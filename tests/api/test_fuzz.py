"""Schemathesis against the API's own OpenAPI schema: whatever a client sends — valid or not,
with a token or a session, as a lead unit's reporter, the office or a supervisor — the API
answers with a 2xx, 3xx or 4xx, never a 5xx.

The schema is drf-spectacular's, generated in process; requests go through Django's WSGI
handler inside the test's transaction, so they see the world below and everything is rolled
back. Random ids mostly meet 404s, so the generated cases (not schemathesis' boundary-value
"coverage" cases, which stay as they are) mostly name rows that exist: the reports of the world,
their ETags in If-Match (`"current"` stands for the report's ETag at the time of the call), the
measure's milestones and targets in the body. Examples are bounded and derandomized: the same
run every time, under a minute. `FUZZ_EXAMPLES=300 FUZZ_SEED=random` explores further by hand.

Found so far (each with a regression test): a username longer than 255 characters on the token
endpoint (django-axes could not store it: tests/api/test_access.py, tests/accounts/test_login.py).
"""

import os
from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from ledger import services
from ledger.models import ProgressReport
from ledger.periods import open_periods
from measures.models import Measure, PolicyDocument, Section
from units.models import Unit, UnitGroup

from ..conftest import PASSWORD

# Generated cases per operation and role (18 operations × 3 roles), on top of the coverage cases.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
DERANDOMIZE = os.environ.get("FUZZ_SEED", "") != "random"

schema = schemathesis.openapi.from_dict(SchemaGenerator(api_version="v1").get_schema(request=None, public=True))
schema.app = WSGIHandler()

# Rows that exist, by kind, filled by the `fuzz_world` fixture. Fixed for the whole test: hypothesis
# replays and shrinks cases, so what a strategy draws from must not change under it.
KNOWN: dict[str, list] = {}


def known_or(value, kind: str, build):
    """Mostly a value built from a row that exists (hypothesis favours the first branch), else
    the generated one."""
    rows = KNOWN.get(kind)
    if not rows:
        return st.just(value)
    return st.one_of(st.sampled_from(rows).map(build), st.just(value))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict) or "id" not in path_parameters:
        return st.just(path_parameters)
    collection = context.operation.path.split("/")[3]  # /api/v1/<collection>/{id}/…
    return known_or(path_parameters, collection, lambda pk: {**path_parameters, "id": pk})


CURRENT = '"current"'  # an If-Match the test replaces with the report's ETag at the time of the call


@schema.hook
def flatmap_headers(context, headers):
    if not isinstance(headers, dict) or "If-Match" not in headers:
        return st.just(headers)
    return known_or(headers, "versions", lambda version: {**headers, "If-Match": version})


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    if "measure" in body and "period" in body:
        return known_or(body, "openable", lambda pair: {**body, "measure": pair[0], "period": pair[1]})
    if isinstance(body.get("claimed_milestones"), list):
        body = {**body}
        return known_or(body, "claims", lambda ids: {**body, "claimed_milestones": ids})
    if isinstance(body.get("actuals"), list) and all(isinstance(row, dict) for row in body["actuals"]):
        targets = KNOWN.get("targets", [])
        rows = [{**row, "target": targets[n % len(targets)]} for n, row in enumerate(body["actuals"])]
        return known_or(body, "targets", lambda _: {**body, "actuals": rows})
    return st.just(body)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Django closes the database connection when a request ends; the test client stops that
    (it would end the test's transaction), and so must our WSGI calls."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(plan, lead_reporter, office_reviewer, measure):
    """Reports in every state the API serves: approved, submitted, a draft; periods to open more."""
    january, february, march = open_periods(date(2019, 1, 1), date(2019, 3, 31))
    content = {"status": "on_track", "progress": "进展", "next_steps": "计划"}
    approved = services.open_report(lead_reporter, measure, january)
    approved = services.save_report_draft(lead_reporter, approved, approved.lock_version, content)
    approved = services.submit_report(lead_reporter, approved, approved.lock_version)
    services.review_report(office_reviewer, approved, "approved")
    submitted = services.open_report(lead_reporter, measure, february)
    submitted = services.save_report_draft(lead_reporter, submitted, submitted.lock_version, content)
    submitted = services.submit_report(lead_reporter, submitted, submitted.lock_version)
    draft = services.open_report(lead_reporter, measure, march)
    milestones = list(measure.milestones.filter(due_date__isnull=False).values_list("pk", flat=True))
    others = list(Measure.objects.exclude(pk=measure.pk).values_list("pk", flat=True)[:2])
    KNOWN.update(
        reports=[draft.pk, submitted.pk, draft.pk, approved.pk],
        versions=[CURRENT, '"0"', '"1"', 'W/"2"'],
        measures=[measure.pk, *others],
        documents=list(PolicyDocument.objects.values_list("pk", flat=True)),
        sections=list(Section.objects.values_list("pk", flat=True)[:3]),
        units=list(Unit.objects.values_list("pk", flat=True)[:3]),
        groups=list(UnitGroup.objects.values_list("pk", flat=True)[:3]),
        openable=[(m, p.pk) for m in (measure.pk, *others) for p in (january, february, march)],
        claims=[milestones[:n] for n in range(len(milestones) + 1)],
        targets=list(measure.targets.values_list("pk", flat=True)),
    )
    yield
    KNOWN.clear()


CSRF_SECRET = "f" * 32  # an unmasked CSRF secret, sent as cookie and header alike


def token_auth(user) -> dict:
    return {"headers": {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}}


def session_auth(user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
        "headers": {"X-CSRFToken": CSRF_SECRET},
    }


ROLES = {
    "lead_reporter-token": ("lead_reporter", token_auth),
    "office_reviewer-session": ("office_reviewer", session_auth),
    "supervisor-token": ("supervisor", token_auth),
}


@pytest.fixture(params=ROLES)
def credentials(request, fuzz_world):
    username, auth = ROLES[request.param]
    return auth(request.getfixturevalue(username))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_with_a_server_error(case, credentials):
    headers = {**(case.headers or {}), **credentials["headers"]}
    if headers.get("If-Match") == CURRENT:
        pk = (case.path_parameters or {}).get("id")
        report = ProgressReport.objects.filter(pk=pk).first() if isinstance(pk, int) else None
        headers["If-Match"] = f'"{report.lock_version}"' if report else CURRENT
    if case.operation.path == "/api/v1/auth/token/" and isinstance(case.body, dict):
        case.body.setdefault("password", PASSWORD)
    response = case.call(headers=headers, cookies=credentials.get("cookies"))
    case.validate_response(response, checks=[not_a_server_error])

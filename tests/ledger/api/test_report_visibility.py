"""Who sees and changes which report through the API. A report outside the user's scope is
a 404 — the API does not confirm it exists — and a visible report the user may not change is a 403."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.roles import UNIT_REPORTER
from accounts.services import ensure_role_groups
from ledger import services
from ledger.models import ReportReview
from units.models import Unit

from ..conftest import fill
from . import etag_of, open_report, patch, report_url, review, submit


def statuses(client, report):
    """What each route answers this client for `report`."""
    responses = {
        "detail": client.get(report_url("detail", report.pk)),
        "patch": patch(client, report.pk, {"progress": "越权修改。"}, if_match=etag_of(report)),
        "submit": submit(client, report.pk, if_match=etag_of(report)),
        "approve": review(client, report.pk, "approve"),
        "return": review(client, report.pk, "return", comment="越权退回。"),
    }
    return {name: response.status_code for name, response in responses.items()}


def everywhere(status):
    return dict.fromkeys(["detail", "patch", "submit", "approve", "return"], status)


def listed_ids(client, **params):
    response = client.get(report_url(), params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.parametrize("actor", ["outsider", "co_reporter"])
def test_units_not_on_measure_2_cannot_see_or_touch_its_draft(client, request, draft, actor):
    client.force_login(request.getfixturevalue(actor))
    assert statuses(client, draft) == everywhere(404)
    assert draft.pk not in listed_ids(client)
    draft.refresh_from_db()
    assert draft.progress != "越权修改。" and draft.state == "draft"


@pytest.mark.parametrize("actor", ["outsider", "co_reporter"])
def test_units_not_on_measure_2_cannot_see_its_submitted_report(client, request, submitted, actor):
    client.force_login(request.getfixturevalue(actor))
    assert statuses(client, submitted) == everywhere(404)
    assert listed_ids(client) == []


@pytest.fixture
def organisation_reporter(plan, django_user_model):
    """A reporter of 市委组织部, which leads measure 12; 市教育局 (co_reporter) is responsible on it."""
    user = django_user_model.objects.create_user(
        username="org_reporter", password="x-Passw0rd-x", unit=Unit.objects.get(name="市委组织部")
    )
    user.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    return user


@pytest.fixture
def measure_12_draft(organisation_reporter, plan, period):
    report = services.open_report(organisation_reporter, plan.measures.get(number=12), period)
    return fill(organisation_reporter, report)


def test_co_unit_sees_the_lead_units_report_only_once_it_is_submitted(
    client, co_reporter, organisation_reporter, measure_12_draft
):
    client.force_login(co_reporter)
    assert client.get(report_url("detail", measure_12_draft.pk)).status_code == 404
    assert listed_ids(client) == []

    report = services.submit_report(organisation_reporter, measure_12_draft, measure_12_draft.lock_version)

    assert listed_ids(client) == [report.pk]
    assert statuses(client, report) == {**everywhere(403), "detail": 200}  # readable, not theirs to change


def test_co_unit_cannot_open_a_report_on_a_measure_it_does_not_lead(client, co_reporter, plan, period):
    client.force_login(co_reporter)
    response = open_report(client, plan.measures.get(number=12), period)
    assert response.status_code == 403
    assert response.json()["detail"] == "只有牵头单位可以填报本举措的进展"


def test_supervisor_lists_submitted_reports_but_cannot_review_or_edit_them(client, supervisor, submitted):
    client.force_login(supervisor)
    assert listed_ids(client) == [submitted.pk]
    assert statuses(client, submitted) == {**everywhere(403), "detail": 200}
    assert not ReportReview.objects.exists()


@pytest.mark.parametrize("actor", ["supervisor", "office_reviewer", "administrator"])
def test_the_office_and_supervisors_do_not_see_drafts_a_unit_has_not_sent(client, request, draft, actor):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(report_url("detail", draft.pk)).status_code == 404
    assert listed_ids(client) == []


def test_lead_unit_cannot_review_its_own_report(client, lead_leader, submitted):
    client.force_login(lead_leader)
    response = review(client, submitted.pk, "approve")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有市营商办审核员可以审核报告"


def test_anonymous_requests_are_refused_on_every_route(client, draft):
    assert client.get(report_url()).status_code == 403
    assert client.post(report_url(), {}).status_code == 403
    assert statuses(client, draft) == everywhere(403)


def test_token_authenticates_reading_and_editing_without_a_session_or_csrf(lead_reporter, draft):
    token = Token.objects.create(user=lead_reporter)
    api = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {token.key}"})
    assert listed_ids(api) == [draft.pk]
    response = patch(api, draft.pk, {"problems": "通过令牌保存。"}, if_match=etag_of(draft))
    assert response.status_code == 200, response.content
    assert response.json()["problems"] == "通过令牌保存。"


def test_session_edit_without_a_csrf_token_is_refused(lead_reporter, draft):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lead_reporter)
    response = patch(browser, draft.pk, {"problems": "跨站请求。"}, if_match=etag_of(draft))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.problems != "跨站请求。"


def test_every_report_route_is_covered_by_these_access_tests():
    from reform.api_v1 import router

    routes = {pattern.name for pattern in router.urls if pattern.name and pattern.name.startswith("report-")}
    # statuses() calls detail (GET and PATCH), submit, approve and return; list and create are tested above.
    covered = {"report-list", "report-detail", "report-submit", "report-approve", "report-return"}
    assert routes == covered, "a new report route needs a row in statuses() above"

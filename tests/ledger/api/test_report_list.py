"""The report list: filters by measure, period, unit, state and latest version, in a fixed
number of SQL queries however many reports, values, claims and files there are."""

from datetime import date

import pytest

from ledger import services
from ledger.models import Evidence
from ledger.periods import open_periods
from units.models import Unit

from ..conftest import fill
from . import report_url

# Session, user, role groups, COUNT for the paginator, reports with their measure, period,
# unit, author and review; then target values, milestone claims and evidence.
REPORT_LIST_QUERIES = 8


def add_evidence(report, user):
    Evidence.objects.create(
        report=report,
        file=f"evidence/2019/03/{report.pk}",
        original_name="佐证.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
    )


def report_with_everything(user, measure, period, decision=None, reviewer=None):
    """A submitted report with a target value, a milestone claim and evidence, reviewed if asked."""
    report = services.open_report(user, measure, period)
    # Each report claims a milestone still open: a confirmed (销号) one cannot be claimed again.
    confirmed = services.confirmed_milestone_ids(measure)
    target = measure.targets.first()
    milestone = next(m for m in measure.milestones.filter(kind="dated").order_by("pk") if m.pk not in confirmed)
    report = services.save_report_draft(
        user,
        report,
        report.lock_version,
        {"progress": "进展。", "next_steps": "计划。"},
        [services.TargetValue(target.pk, 5, date(2019, 2, 28))],
        [milestone.pk],
    )
    add_evidence(report, user)
    report = services.submit_report(user, report, report.lock_version)
    if decision:
        services.review_report(reviewer, report, decision, "意见。")
    return report


@pytest.fixture
def history(settings, lead_reporter, office_reviewer, measure, periods):
    """Measure 2 over four months: Jan returned then approved (v1, v2), Feb submitted,
    Mar a draft, Dec 2018 awaiting the leader's sign-off."""
    january, february, march = periods
    (december,) = open_periods(date(2018, 12, 1), date(2018, 12, 31))
    reports = {
        "returned": report_with_everything(lead_reporter, measure, january, "returned", office_reviewer),
        "approved": report_with_everything(lead_reporter, measure, january, "approved", office_reviewer),
        "submitted": report_with_everything(lead_reporter, measure, february),
        "draft": fill(lead_reporter, services.open_report(lead_reporter, measure, march)),
    }
    settings.REQUIRE_LEADER_SIGNOFF = True
    waiting = fill(lead_reporter, services.open_report(lead_reporter, measure, december))
    reports["awaiting_signoff"] = services.submit_report(lead_reporter, waiting, waiting.lock_version)
    settings.REQUIRE_LEADER_SIGNOFF = False
    return reports


def listed(client, **params):
    response = client.get(report_url(), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(items):
    return sorted(item["id"] for item in items)


@pytest.mark.parametrize("state", ["draft", "awaiting_signoff", "submitted", "approved", "returned"])
def test_state_filter_finds_exactly_the_reports_in_that_state(client, lead_reporter, history, state):
    client.force_login(lead_reporter)
    items = listed(client, state=state)
    assert ids(items) == [history[state].pk]
    assert items[0]["state"] == state


def test_lead_unit_lists_all_its_reports_and_the_office_only_those_sent(
    client, lead_reporter, office_reviewer, history
):
    client.force_login(lead_reporter)
    assert ids(listed(client)) == sorted(r.pk for r in history.values())
    client.force_login(office_reviewer)
    assert ids(listed(client)) == sorted(r.pk for name, r in history.items() if name != "draft")


def test_latest_only_leaves_out_versions_that_have_a_successor(client, lead_reporter, history):
    client.force_login(lead_reporter)
    latest = listed(client, latest_only="true")
    assert history["returned"].pk not in ids(latest)
    assert ids(latest) == sorted(r.pk for name, r in history.items() if name != "returned")
    assert len(listed(client, latest_only="false")) == len(history)


def test_measure_period_and_unit_filters_narrow_the_list(client, lead_reporter, plan, periods, history):
    client.force_login(lead_reporter)
    assert ids(listed(client, period=periods[0].pk)) == ids(
        [{"id": history["returned"].pk}, {"id": history["approved"].pk}]
    )
    assert len(listed(client, measure=history["draft"].measure_id)) == len(history)
    assert listed(client, measure=plan.measures.get(number=12).pk) == []
    assert len(listed(client, unit=lead_reporter.unit_id)) == len(history)
    assert listed(client, unit=Unit.objects.get(name="市税务局").pk) == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"state": "lost"}, "state"),
        ({"latest_only": "maybe"}, "latest_only"),
        ({"measure": "二"}, "measure"),
        ({"period": "999999"}, "period"),
    ],
)
def test_malformed_filter_is_a_400_naming_the_parameter(client, lead_reporter, history, params, field):
    client.force_login(lead_reporter)
    response = client.get(report_url(), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_list_items_carry_values_claims_evidence_and_review(client, lead_reporter, measure, history):
    client.force_login(lead_reporter)
    (item,) = listed(client, state="returned")
    assert item["actuals"] == [{"target": measure.targets.first().pk, "value": "5.00", "as_of": "2019-02-28"}]
    assert item["claimed_milestones"] == [measure.milestones.filter(kind="dated").order_by("pk").first().pk]
    assert [e["original_name"] for e in item["evidence"]] == ["佐证.pdf"]
    assert (item["review"]["decision"], item["review"]["comment"]) == ("returned", "意见。")
    assert (item["measure"]["code"], item["period"]["label"], item["unit"]["name"]) == ("2", "2019年1月", "市工商局")


@pytest.mark.parametrize("actor", ["lead_reporter", "office_reviewer"])
def test_list_query_count_holds_as_reports_are_added(
    client, request, lead_reporter, office_reviewer, measure, history, django_assert_max_num_queries, actor
):
    client.force_login(request.getfixturevalue(actor))
    with django_assert_max_num_queries(REPORT_LIST_QUERIES):
        few = len(listed(client))

    # Returned, so each may claim the same milestone (an approved claim closes it for good).
    for period in open_periods(date(2018, 1, 1), date(2018, 11, 30)):
        report_with_everything(lead_reporter, measure, period, "returned", office_reviewer)

    with django_assert_max_num_queries(REPORT_LIST_QUERIES):
        many = listed(client)
    assert len(many) == few + 11
    complete = [item for item in many if item["evidence"] and item["actuals"] and item["claimed_milestones"]]
    assert len(complete) == 3 + 11  # the reports of January (two versions) and February, and the new ones

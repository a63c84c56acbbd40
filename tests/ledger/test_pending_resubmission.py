"""The resubmission marker (ledger.models.PendingResubmission) is on every returned version that
no newer submitted version of its measure and period has answered — so on every report whose
latest version is returned, which is what 我的任务 needs to find without reading all history.
Checked after every workflow step and after the migration's backfill."""

import importlib

import pytest
from django.db import connection

from ledger import services
from ledger.models import PendingResubmission, ProgressReport, ReportState

from .conftest import fill


def unanswered_by_the_rule() -> set[int]:
    """Returned versions with no newer submitted version of the same measure and period."""
    reports = list(ProgressReport.objects.select_related("review").order_by("version"))
    last_sent = {}
    for report in reports:
        if report.submitted_at:
            last_sent[(report.measure_id, report.period_id)] = report.version
    unanswered = {
        r.pk for r in reports if r.state == ReportState.RETURNED and last_sent[(r.measure_id, r.period_id)] == r.version
    }
    latest = {}
    for report in reports:
        latest[(report.measure_id, report.period_id)] = report
    returned_latest = {r.pk for r in latest.values() if r.state == ReportState.RETURNED}
    assert returned_latest <= unanswered  # what the page looks for is always marked
    return unanswered


def assert_marker_agrees() -> set[int]:
    markers = set(PendingResubmission.objects.values_list("report_id", flat=True))
    assert markers == unanswered_by_the_rule()
    return markers


def test_the_marker_follows_a_return_until_the_next_version_is_sent(
    settings, lead_reporter, lead_leader, office_reviewer, measure, period
):
    report = services.submit_report(
        lead_reporter, (r := fill(lead_reporter, services.open_report(lead_reporter, measure, period))), r.lock_version
    )
    assert assert_marker_agrees() == set()
    services.review_report(office_reviewer, report, "returned", "请补充数据。")
    assert assert_marker_agrees() == {report.pk}
    second = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    assert assert_marker_agrees() == {report.pk}  # a draft answers nothing yet
    settings.REQUIRE_LEADER_SIGNOFF = True
    second = services.submit_report(lead_reporter, second, second.lock_version)
    assert second.state == ReportState.AWAITING_SIGNOFF and assert_marker_agrees() == {report.pk}
    second = services.submit_report(lead_leader, second, second.lock_version)
    assert assert_marker_agrees() == set()
    services.review_report(office_reviewer, second, "returned", "仍需补充。")
    assert assert_marker_agrees() == {second.pk}
    settings.REQUIRE_LEADER_SIGNOFF = False
    third = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    services.submit_report(lead_reporter, third, third.lock_version)
    assert assert_marker_agrees() == set()


def test_an_approval_or_a_refused_return_marks_nothing(lead_reporter, office_reviewer, submitted):
    with pytest.raises(services.ServiceError):
        services.review_report(office_reviewer, submitted, "returned", "")  # a return needs a comment
    assert assert_marker_agrees() == set()
    services.review_report(office_reviewer, submitted, "approved")
    assert assert_marker_agrees() == set()


def test_the_backfill_marks_exactly_the_unanswered_returns(lead_reporter, office_reviewer, measure, periods):
    def send(period):
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
        return services.submit_report(lead_reporter, report, report.lock_version)

    unanswered = set()
    first = send(periods[0])
    services.review_report(office_reviewer, first, "returned", "补充")
    services.review_report(office_reviewer, send(periods[0]), "approved")  # answered
    second = send(periods[1])
    services.review_report(office_reviewer, second, "returned", "补充")
    unanswered.add(second.pk)
    fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]))  # begun, not sent
    third = send(periods[2])
    services.review_report(office_reviewer, third, "returned", "补充")
    unanswered.add(third.pk)
    PendingResubmission.objects.all().delete()  # as before the migration
    migration = importlib.import_module("ledger.migrations.0010_pending_resubmission")
    with connection.schema_editor() as editor:
        migration.backfill(None, editor)
    assert assert_marker_agrees() == unanswered

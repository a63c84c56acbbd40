"""The pending-review marker (ledger.models.PendingReview) says exactly what the rule says:
a version is waiting for the office when it is submitted and has no review — which is always
the latest submitted version of its (measure, period). Checked after every workflow step, after
the migration's backfill, and in the queue's query count."""

import importlib

import pytest
from django.db import connection
from django.urls import reverse

from ledger import services
from ledger.models import PendingReview, ProgressReport, ReportState

from .conftest import fill


def waiting_by_the_rule() -> set[int]:
    """Versions the rule (ProgressReport.stage_on, in Python) puts in the office's queue, each
    checked to be the latest submitted version of its measure and period."""
    reports = list(ProgressReport.objects.select_related("review").order_by("version"))
    latest_submitted = {}
    for report in reports:
        if report.submitted_at:
            latest_submitted[(report.measure_id, report.period_id)] = report.pk
    waiting = {r.pk for r in reports if r.stage_on(None) == ReportState.SUBMITTED}
    assert waiting <= set(latest_submitted.values())
    return waiting


def assert_marker_agrees() -> set[int]:
    markers = dict(PendingReview.objects.values_list("report_id", "submitted_at"))
    assert set(markers) == waiting_by_the_rule()
    for report in ProgressReport.objects.filter(pk__in=markers):
        assert markers[report.pk] == report.submitted_at
    assert set(ProgressReport.objects.in_stage(ReportState.SUBMITTED).values_list("pk", flat=True)) == set(markers)
    return set(markers)


def test_the_marker_follows_every_step_of_a_report(lead_reporter, office_reviewer, measure, period):
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    assert assert_marker_agrees() == set()  # a draft waits for nobody
    report = services.submit_report(lead_reporter, report, report.lock_version)
    assert assert_marker_agrees() == {report.pk}
    services.review_report(office_reviewer, report, "returned", "请补充数据。")
    assert assert_marker_agrees() == set()
    second = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    assert second.version == 2 and assert_marker_agrees() == set()
    second = services.submit_report(lead_reporter, second, second.lock_version)
    assert assert_marker_agrees() == {second.pk}
    services.review_report(office_reviewer, second, "approved")
    assert assert_marker_agrees() == set()
    third = fill(lead_reporter, services.open_report(lead_reporter, measure, period))  # a correction
    assert third.version == 3 and assert_marker_agrees() == set()


def test_the_marker_waits_for_the_leaders_signoff(
    settings, lead_reporter, lead_leader, office_reviewer, measure, period
):
    settings.REQUIRE_LEADER_SIGNOFF = True
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    report = services.submit_report(lead_reporter, report, report.lock_version)
    assert report.state == ReportState.AWAITING_SIGNOFF and assert_marker_agrees() == set()
    report = services.submit_report(lead_leader, report, report.lock_version)
    assert assert_marker_agrees() == {report.pk}
    services.review_report(office_reviewer, report, "approved")
    assert assert_marker_agrees() == set()


def test_a_refused_review_leaves_the_marker(lead_reporter, office_reviewer, submitted):
    with pytest.raises(services.ServiceError):
        services.review_report(office_reviewer, submitted, "returned", "")  # a return needs a comment
    assert assert_marker_agrees() == {submitted.pk}


def test_the_backfill_marks_exactly_the_waiting_versions(lead_reporter, office_reviewer, measure, periods):
    waiting = set()
    for index, period in enumerate(periods):
        report = services.submit_report(
            lead_reporter,
            (r := fill(lead_reporter, services.open_report(lead_reporter, measure, period))),
            r.lock_version,
        )
        if index == 0:
            services.review_report(office_reviewer, report, "approved")
        elif index == 1:
            services.review_report(office_reviewer, report, "returned", "补充")
            again = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
            waiting.add(services.submit_report(lead_reporter, again, again.lock_version).pk)
        else:
            waiting.add(report.pk)
    fill(lead_reporter, services.open_report(lead_reporter, measure, periods[0]))  # a draft: not waiting
    PendingReview.objects.all().delete()  # as before the migration
    migration = importlib.import_module("ledger.migrations.0008_pending_review")
    with connection.schema_editor() as editor:
        migration.backfill(None, editor)
    assert assert_marker_agrees() == waiting


def test_the_default_queue_reads_the_marker_in_a_fixed_number_of_queries(
    client, lead_reporter, office_reviewer, measure, periods, django_assert_num_queries
):
    client.force_login(office_reviewer)
    url = reverse("review-queue")
    client.get(url)
    # 12: one more (a constant) for the documents, which name rows and the 文件 select.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    for period in periods:
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
        services.submit_report(lead_reporter, report, report.lock_version)
    # + the page's reports (their ids, then their rows), evidence, claims, and the owed reports:
    # only who owes each measure and the versions of the pairs shown (engine.owed_in).
    with django_assert_num_queries(21) as full:
        page = client.get(url)
    assert len(page.context["reports"]) == len(periods)
    queue_sql = [q["sql"] for q in full.captured_queries if '"ledger_progressreport"."submitted_at"' in q["sql"]]
    assert any("ledger_pendingreview" in sql for sql in queue_sql)
    assert not any('"ledger_reportreview"."id" IS NULL' in sql for sql in queue_sql)

"""On PostgreSQL the database refuses history written after the fact: a report, contribution or
review inserted (or a draft submitted) with a time that is not the present, and TRUNCATE of the
ledger's tables. Deliberate paths say so to the database first: the demo's replayed history
(core.db.REPLAYING) and `manage.py flush` (core.db.FLUSHING).

These tests are about the database's own clock, so they run on the real one (no frozen clock),
and in a session that declared nothing: the suite as a whole declares that it writes history on
frozen clocks (tests/conftest.py), an intruder's session does not.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from core.db import REPLAYING, declared
from ledger import services
from ledger.models import Contribution, ProgressReport, ReportReview

from .conftest import fill

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL")

LAST_YEAR = datetime(2019, 3, 4, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GUARDED_TABLES = [
    "ledger_progressreport",
    "ledger_contribution",
    "ledger_reportreview",
    "ledger_targetactual",
    "ledger_milestoneclaim",
    "ledger_evidence",
]


@pytest.fixture
def frozen_clock():
    """Overrides the ledger tests' frozen clock: here the application's clock is the database's."""
    yield


@contextmanager
def undeclared():
    """This transaction declares nothing, like a session opened by hand."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, '', true)", [REPLAYING])
    yield


def refused(match="not the present time"):
    return pytest.raises(DatabaseError, match=match)


def truncate(table):
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; a table with checks pending cannot be truncated at all.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table} CASCADE")


def test_a_submitted_report_inserted_with_a_past_time_is_refused(lead_reporter, measure, period):
    with undeclared(), refused(), transaction.atomic():
        ProgressReport.objects.create(
            measure=measure, period=period, unit=lead_reporter.unit, author=lead_reporter, status="on_track",
            progress="补报的历史", submitted_at=LAST_YEAR, created_at=LAST_YEAR, updated_at=LAST_YEAR,
        )  # fmt: skip
    assert not ProgressReport.objects.filter(measure=measure, period=period).exists()


def test_a_submitted_contribution_inserted_with_a_past_time_is_refused(co_reporter, plan, period):
    with undeclared(), refused(), transaction.atomic():
        Contribution.objects.create(
            measure=plan.measures.get(number=12), period=period, unit=co_reporter.unit, author=co_reporter,
            status="on_track", progress="补报的历史", submitted_at=LAST_YEAR,
        )  # fmt: skip


def test_a_review_inserted_with_a_past_time_is_refused(lead_reporter, office_reviewer, measure, period):
    with declared(REPLAYING):  # a report the demo history sent last year, still waiting for review
        report = ProgressReport.objects.create(
            measure=measure, period=period, unit=lead_reporter.unit, author=lead_reporter, status="on_track",
            progress="去年报送", submitted_at=LAST_YEAR, created_at=LAST_YEAR, updated_at=LAST_YEAR,
        )  # fmt: skip
    with undeclared(), refused(), transaction.atomic():
        ReportReview.objects.create(
            report=report, decision="approved", reviewer=office_reviewer, decided_at=LAST_YEAR + timedelta(days=2)
        )
    assert not ReportReview.objects.filter(report=report).exists()


@pytest.mark.parametrize("field", ["submitted_at", "signoff_requested_at"])
def test_a_draft_cannot_be_sent_with_a_past_time_by_sql(draft, field):
    with undeclared(), refused(), transaction.atomic():
        ProgressReport.objects.filter(pk=draft.pk).update(**{field: LAST_YEAR})
    draft.refresh_from_db()
    assert draft.submitted_at is None and draft.signoff_requested_at is None


def test_the_services_write_the_present_without_declaring_anything(
    lead_reporter, office_reviewer, co_reporter, plan, measure, period
):
    with undeclared():
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "returned", "请补充数据。")
        again = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
        again = services.submit_report(lead_reporter, again, again.lock_version)
        services.review_report(office_reviewer, again, "approved")
        share = services.open_contribution(co_reporter, plan.measures.get(number=12), period)
        share = services.save_contribution(co_reporter, share, share.lock_version, {"progress": "配合推进。"})
        services.submit_contribution(co_reporter, share, share.lock_version)
    assert again.review.decision == "approved" and Contribution.objects.get(pk=share.pk).submitted_at


def test_the_services_send_a_draft_to_the_leader_at_the_present(lead_reporter, lead_leader, measure, period, settings):
    settings.REQUIRE_LEADER_SIGNOFF = True
    with undeclared():
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        report = services.submit_report(lead_leader, report, report.lock_version)
    assert report.signoff_requested_at and report.submitted_at


def test_a_declared_replay_writes_history_with_its_own_times(lead_reporter, office_reviewer, measure, period):
    """What the demo history does: a block that says it replays the past may write past times."""
    with undeclared(), declared(REPLAYING):
        report = ProgressReport.objects.create(
            measure=measure, period=period, unit=lead_reporter.unit, author=lead_reporter, status="on_track",
            progress="演示", submitted_at=LAST_YEAR, created_at=LAST_YEAR, updated_at=LAST_YEAR,
        )  # fmt: skip
        ReportReview.objects.create(report=report, decision="approved", reviewer=office_reviewer, decided_at=LAST_YEAR)
    with refused(), transaction.atomic():  # the declaration ended with the block
        ProgressReport.objects.create(
            measure=measure, period=period, unit=lead_reporter.unit, author=lead_reporter, status="on_track",
            progress="演示", previous=report, version=2, submitted_at=LAST_YEAR,
        )  # fmt: skip


@pytest.mark.parametrize("table", GUARDED_TABLES)
def test_truncate_of_a_ledger_table_is_refused(submitted, table):
    with refused("TRUNCATE of"), transaction.atomic():
        truncate(table)
    assert ProgressReport.objects.filter(pk=submitted.pk).exists()


def test_truncate_of_the_plan_cannot_take_the_ledger_with_it(submitted):
    with refused("TRUNCATE of"), transaction.atomic():
        truncate("measures_measure")
    assert ProgressReport.objects.filter(pk=submitted.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_manage_py_flush_still_empties_a_database_with_submitted_reports(
    lead_reporter, office_reviewer, measure, period
):
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    report = services.submit_report(lead_reporter, report, report.lock_version)
    services.review_report(office_reviewer, report, "approved")

    call_command("flush", interactive=False, verbosity=0)

    assert not ProgressReport.objects.exists() and not ReportReview.objects.exists()
    with refused("TRUNCATE of"), transaction.atomic():
        truncate("ledger_progressreport")  # flush's declaration ended with it

"""History cannot be rewritten: submitted rows are refused by the code and, on PostgreSQL, by the database."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from ledger import services
from ledger.models import ImmutableRecordError, ProgressReport, ReportReview, TargetActual

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL")


def test_a_submitted_report_cannot_be_saved_or_deleted(submitted):
    submitted.progress = "改写历史"
    with pytest.raises(ImmutableRecordError):
        submitted.save()
    with pytest.raises(ImmutableRecordError):
        submitted.delete()


def test_a_review_cannot_be_changed(returned):
    review = returned.review
    review.comment = "改写"
    with pytest.raises(ImmutableRecordError):
        review.save()
    with pytest.raises(ImmutableRecordError):
        review.delete()


def test_a_version_is_reviewed_once(office_reviewer, returned):
    with pytest.raises(services.ServiceError, match="已审核过"):
        services.review_report(office_reviewer, returned, "approved")


def test_a_submitted_report_refuses_new_target_values(lead_reporter, submitted, measure):
    with pytest.raises(ImmutableRecordError):
        TargetActual(report=submitted, target=measure.targets.first(), value=1, as_of="2019-02-28").save()


@on_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_progressreport SET progress = 'x' WHERE id = %s",
        "DELETE FROM ledger_progressreport WHERE id = %s",
        "UPDATE ledger_reportreview SET comment = 'x' WHERE report_id = %s",
        "DELETE FROM ledger_reportreview WHERE report_id = %s",
    ],
)
def test_postgresql_refuses_sql_that_rewrites_history(returned, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [returned.pk])
    assert ProgressReport.objects.get(pk=returned.pk).progress == returned.progress
    assert ReportReview.objects.filter(report=returned).exists()


@on_postgresql
def test_postgresql_refuses_rows_added_under_a_submitted_report(submitted, measure):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_targetactual (report_id, target_id, value, as_of) VALUES (%s, %s, 1, '2019-02-28')",
            [submitted.pk, measure.targets.first().pk],
        )


@on_postgresql
def test_postgresql_still_lets_drafts_change(draft):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_progressreport SET problems = 'ok' WHERE id = %s", [draft.pk])
    assert ProgressReport.objects.get(pk=draft.pk).problems == "ok"


def test_reports_survive_attempts_to_delete_their_measure(submitted, measure):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        measure.delete()

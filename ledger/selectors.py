"""Read queries for the ledger pages, each a fixed number of SQL queries whatever the data size."""

import difflib
import re
from datetime import datetime
from functools import lru_cache

from django.db import connection
from django.db.models import Prefetch, QuerySet

from measures.models import Measure

from . import access
from .models import (
    Contribution,
    Evidence,
    PendingResubmission,
    PendingReview,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    TargetActual,
)


def signoff_queue(user) -> list[ProgressReport]:
    """Reports of the leader's unit waiting for its sign-off."""
    if not access.is_unit_leader(user):
        return []
    return list(
        access.visible_reports(user)
        .filter(unit_id=user.unit_id)
        .in_stage(ReportState.AWAITING_SIGNOFF)
        .select_related("measure__section", "period", "author")
    )


def open_report_cells(measure_ids, period_ids, before: datetime) -> set[tuple[int, int]]:
    """(measure id, period id) pairs among `measure_ids` × `period_ids` whose consolidated report
    can still want something of its lead unit or of the office: none sent before the instant
    `before` (one index probe per pair, however many versions it has), a version waiting for
    review (PendingReview) or a return not answered yet (PendingResubmission). Every other pair
    was sent and is approved, or is being corrected: nothing 我的任务 lists. The markers are the
    present: pass the end of today. Two queries."""
    return unsent_report_cells(measure_ids, period_ids, before) | pending_report_cells(measure_ids, period_ids)


def unsent_report_cells(measure_ids, period_ids, before: datetime) -> set[tuple[int, int]]:
    """(measure id, period id) pairs among `measure_ids` × `period_ids` with no consolidated
    report sent before the instant `before`: an anti-join in the database, so the sent ones
    (nearly all of a long ledger) never leave it. The one SQL form of "not sent by then" (the
    engine judges versions by the same rule in Python). On PostgreSQL the pairs come from two
    arrays (unnest): the planner then hashes the sent reports (75 ms for the whole programme)
    instead of sorting both sides to disk (125 ms). One query."""
    measure_ids, period_ids = list(measure_ids), list(period_ids)
    if not measure_ids or not period_ids:
        return set()
    if connection.vendor == "postgresql":
        pairs = "unnest(%s::bigint[]) m(id) CROSS JOIN unnest(%s::bigint[]) p(id) WHERE TRUE"
        params = [measure_ids, period_ids]
    else:
        measures_in, periods_in = (", ".join(["%s"] * len(ids)) for ids in (measure_ids, period_ids))
        tables = f"{Measure._meta.db_table} m, {ReportingPeriod._meta.db_table} p"
        pairs = f"{tables} WHERE m.id IN ({measures_in}) AND p.id IN ({periods_in})"
        params = [*measure_ids, *period_ids]
    sql = (
        f"SELECT m.id, p.id FROM {pairs} AND NOT EXISTS (SELECT 1 FROM {ProgressReport._meta.db_table} r "
        "WHERE r.measure_id = m.id AND r.period_id = p.id AND r.submitted_at < %s)"
    )  # nosec B608: table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, connection.ops.adapt_datetimefield_value(before)])
        return set(cursor.fetchall())


def pending_report_cells(measure_ids, period_ids) -> set[tuple[int, int]]:
    """(measure id, period id) pairs whose consolidated report waits on someone now: a version
    waiting for review (PendingReview) or a return not answered yet (PendingResubmission). One
    query; none when there is nothing to ask about."""
    measure_ids, period_ids = list(measure_ids), list(period_ids)
    if not measure_ids or not period_ids:
        return set()
    waiting, returned = (
        marker.objects.filter(report__measure_id__in=measure_ids, report__period_id__in=period_ids).values_list(
            "report__measure_id", "report__period_id"
        )
        for marker in (PendingReview, PendingResubmission)
    )
    return set(waiting.union(returned))


class ReviewQueue:
    """The review queue, for a Paginator: it counts and orders the reports alone, then reads only
    the page's reports with everything the page shows (three queries a page, plus the count).
    One query joining all of that and sorting before its LIMIT cost more to plan than to run
    (12 ms for its eleven tables, every request), and over every latest version (状态:全部) the
    planner's guess of one row made it take seconds at province scale."""

    def __init__(self, reports: QuerySet[ProgressReport]):
        self._ids = reports.order_by("submitted_at", "pk").values_list("pk", flat=True)

    def count(self) -> int:
        return self._ids.count()

    def __getitem__(self, window: slice) -> list[ProgressReport]:
        ids = list(self._ids[window])
        shown = (
            ProgressReport.objects.filter(pk__in=ids)
            .select_related("measure__section", "period", "unit", "author", "submitted_by", "review__reviewer")
            .prefetch_related("evidence", "claims__milestone")
        )
        by_id = {report.pk: report for report in shown}
        return [by_id[pk] for pk in ids if pk in by_id]  # a row gone between the two reads is left out


def review_queue(
    user,
    *,
    state: str = ReportState.SUBMITTED,
    section: str = "",
    unit: int | None = None,
    period: int | None = None,
    document: int | None = None,
) -> ReviewQueue:
    """Latest versions visible to `user`, filtered like the office's review queue, oldest
    submission first. A section is a numeral: of `document` when given, else of any document."""
    reports = access.visible_reports(user).filter(next_version__isnull=True)
    if state in ReportState.values:
        reports = reports.in_stage(state)
    if document is not None:
        reports = reports.filter(measure__document_id=document)
    if section:
        reports = reports.filter(measure__section__numeral=section)
    if unit is not None:
        reports = reports.filter(unit_id=unit)
    if period is not None:
        reports = reports.filter(period_id=period)
    return ReviewQueue(reports)


def contributions_for(measure: Measure, period: ReportingPeriod) -> list[Contribution]:
    """The latest submitted contribution of each co-unit, for the lead unit writing its report."""
    submitted = Contribution.objects.filter(measure=measure, period=period, submitted_at__isnull=False)
    latest = {c.unit_id: c for c in submitted.select_related("unit", "author").order_by("version")}
    return sorted(latest.values(), key=lambda c: c.unit.name)


def ledger_reports(user, measure: Measure) -> QuerySet[ProgressReport]:
    return (
        access.visible_reports(user)
        .filter(measure=measure)
        .select_related("period", "author", "submitted_by", "signed_off_by", "edited_by", "review__reviewer", "unit")
        .prefetch_related(
            Prefetch("actuals", queryset=TargetActual.objects.select_related("target")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
            "claims__milestone",
        )
        .order_by("-period__starts_on", "-version")
    )


def ledger_contributions(user, measure: Measure) -> QuerySet[Contribution]:
    return (
        access.visible_contributions(user)
        .filter(measure=measure)
        .select_related("period", "unit", "author")
        .prefetch_related("evidence")
        .order_by("-period__starts_on", "unit__name", "-version")
    )


# Changes are found between sentences first, then between the characters of short changed
# runs. Both steps are bounded, so no pair of versions costs more than a few milliseconds:
# a plain character diff is quadratic (two 20,000-character versions took 29 s per page).
MAX_SENTENCES = 1000
CHARACTER_DIFF_LIMIT = 300
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


def _sentences(text: str) -> list[str]:
    parts = [p for p in _SENTENCE_END.split(text) if p]
    if len(parts) > MAX_SENTENCES:  # few stops in a long text: fixed-size chunks instead
        size = -(-len(text) // MAX_SENTENCES)
        parts = [text[i : i + size] for i in range(0, len(text), size)]
    return parts


@lru_cache(maxsize=256)
def text_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Changes between two versions of a text: (op, text) pairs with op "equal", "delete" or
    "insert", for escaped rendering. Chinese has no word spaces, so short changed runs are
    compared character by character; long ones are shown as replaced whole."""
    parts: list[tuple[str, str]] = []
    a, b = _sentences(old), _sentences(new)
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        removed, added = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            parts.append(("equal", removed))
        elif op == "replace" and len(removed) + len(added) <= CHARACTER_DIFF_LIMIT:
            parts.extend(_character_diff(removed, added))
        else:
            parts.extend(part for part in (("delete", removed), ("insert", added)) if part[1])
    return tuple(parts)


def _character_diff(old: str, new: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            parts.append(("delete", old[a1:a2]))
        if op in ("insert", "replace"):
            parts.append(("insert", new[b1:b2]))
    return parts

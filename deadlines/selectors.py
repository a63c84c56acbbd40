"""The pages that show what is owed, read from the as-of engine: a unit's tasks and the
office's review queue. Each runs a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef

from core.clock import end_of_day
from ledger import access
from ledger import selectors as ledger_selectors
from ledger.models import ReportState
from ledger.periods import opened_periods
from measures.models import Measure
from measures.selectors import followed_measures

from . import engine
from .models import ObligationState, ReportObligation

RECENT_CONTRIBUTION_PERIODS = 3


@dataclass
class UnitTasks:
    """What the user's unit owes on `today`, sorted into what it should do next."""

    today: date
    returned: list[engine.OwedReport] = field(default_factory=list)
    overdue: list[engine.OwedReport] = field(default_factory=list)
    current: list[engine.OwedReport] = field(default_factory=list)
    awaiting_review: list[engine.OwedReport] = field(default_factory=list)
    contributions: list[engine.OwedReport] = field(default_factory=list)


def unit_tasks(user, today: date) -> UnitTasks:
    """What the user's unit owes on `today` (the markers ledger.selectors.open_report_cells reads
    are the present: a page of today, not a past day's view). The engine judges only what can
    be open — reports never sent, waiting for review or returned, and the last periods'
    contributions — so the work follows what is open, not the years of settled history."""
    tasks = UnitTasks(today)
    if not access.is_unit_staff(user):
        return tasks
    unit = user.unit_id
    # An archived document owes nothing more, but its reports under way (waiting for review, or
    # returned) still want their unit: the office can still review them.
    followed = followed_measures(Measure.objects.all()).filter(pk=OuterRef("pk"))
    measures = list(
        engine.monitored_measures(access.visible_measures(user), owing_only=True)
        .annotate(followed=Exists(followed))
        .order_by("document", "position")
    )
    periods = list(opened_periods(today).values_list("pk", flat=True))  # newest first
    leads, under_way, shares = [], [], []
    for measure in measures:
        if unit in {u.pk for u in measure.lead_units()}:
            (leads if measure.followed else under_way).append(measure.pk)
        elif measure.followed and unit in {u.pk for u in measure.contributing_units()}:
            shares.append(measure.pk)
    cells = ledger_selectors.open_report_cells(leads, periods, end_of_day(today))
    cells |= ledger_selectors.pending_report_cells(under_way, periods)
    cells |= {(m, p) for m in shares for p in periods[:RECENT_CONTRIBUTION_PERIODS]}
    mine = engine.owed_in(measures, cells, today, unit=unit)
    reports = sorted(
        (r for r in mine if r.kind == ReportObligation.Kind.REPORT), key=lambda r: (r.due_on, r.measure.position)
    )
    tasks.returned = [r for r in reports if r.stage == ReportState.RETURNED]
    tasks.overdue = [r for r in reports if r.state == ObligationState.MISSING]
    tasks.current = [r for r in reports if r.state in (ObligationState.PENDING, ObligationState.DUE_SOON)]
    tasks.awaiting_review = [r for r in reports if r.stage == ReportState.SUBMITTED]
    tasks.contributions = [
        r
        for r in mine
        if r.kind == ReportObligation.Kind.CONTRIBUTION and (r.stage != ReportState.SUBMITTED or r.due_on >= today)
    ]
    return tasks


def timeliness(reports, today: date) -> dict[tuple[int, int], engine.OwedReport]:
    """(measure id, period id) → the consolidated report owed, for showing 按时 or 迟报 beside
    report versions (every lead unit owes the same report, so any of them will do)."""
    # Only the pairs shown, not every shown measure × every shown period (up to 25 × 25 for a
    # page of 25), and of each measure only who owes it: the page must not grow with history or
    # with the plan (the full plan would bring each measure's document, its full text included).
    cells = {(r.measure_id, r.period_id) for r in reports}
    measures = engine.monitored_measures(owing_only=True).filter(pk__in={measure for measure, _period in cells})
    owed = engine.owed_in(measures, cells, today, kinds=(engine.Kind.REPORT,))
    return {(r.measure.pk, r.period.pk): r for r in owed}

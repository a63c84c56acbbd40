"""The pages that show what is owed, read from the as-of engine: a unit's tasks and the
office's review queue. Each runs a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from ledger import access
from ledger.models import ReportState

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
    tasks = UnitTasks(today)
    if not access.is_unit_staff(user):
        return tasks
    state = engine.programme(
        engine.monitored_measures(access.visible_measures(user)).order_by("document", "position"), today
    )
    mine = [row for row in state.owed if row.unit.pk == user.unit_id]
    reports = sorted(
        (r for r in mine if r.kind == ReportObligation.Kind.REPORT), key=lambda r: (r.due_on, r.measure.position)
    )
    tasks.returned = [r for r in reports if r.stage == ReportState.RETURNED]
    tasks.overdue = [r for r in reports if r.state == ObligationState.MISSING]
    tasks.current = [r for r in reports if r.state in (ObligationState.PENDING, ObligationState.DUE_SOON)]
    tasks.awaiting_review = [r for r in reports if r.stage == ReportState.SUBMITTED]
    recent = {p.pk for p in state.periods[-RECENT_CONTRIBUTION_PERIODS:]}
    tasks.contributions = [
        r
        for r in mine
        if r.kind == ReportObligation.Kind.CONTRIBUTION
        and r.period.pk in recent
        and (r.stage != ReportState.SUBMITTED or r.due_on >= today)
    ]
    return tasks


def timeliness(reports, today: date) -> dict[tuple[int, int], engine.OwedReport]:
    """(measure id, period id) → the consolidated report owed, for showing 按时 or 迟报 beside
    report versions (every lead unit owes the same report, so any of them will do)."""
    measure_ids = {r.measure_id for r in reports}
    period_ids = {r.period_id for r in reports}  # only the periods shown: the page must not grow with history
    owed = engine.reports_owed_in(engine.monitored_measures().filter(pk__in=measure_ids), period_ids, today)
    return {(r.measure.pk, r.period.pk): r for r in owed}

"""The daily scan: store the engine's answer for a day, so "what is overdue today" is one
indexed query for the alerts, and record each change of state as an event.

The stored statuses are a cache of deadlines.engine for the day of the last scan, never the
source of a page: after a scan as of any day, the rows are exactly what the engine says for
that day (owed reports it no longer lists are removed). Work goes in batches of measures;
each batch costs a fixed number of statements, however many rows it holds.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from measures.models import Measure

from . import engine
from .models import MilestoneStatus, ReportObligation, StatusEvent
from .rules import warning_horizon
from .workdays import calendar_warning

BATCH_SIZE = 200  # measures per batch


@dataclass
class ScanReport:
    as_of: date
    milestones: int = 0
    obligations: int = 0
    obligations_created: int = 0
    obligations_removed: int = 0
    transitions: Counter = field(default_factory=Counter)
    warning: str = ""

    @property
    def events(self) -> int:
        return sum(self.transitions.values())


def scan_deadlines(as_of: date, batch_size: int = BATCH_SIZE) -> ScanReport:
    """Bring every stored status to what the engine says for `as_of`. Idempotent: a second
    scan for the same day changes nothing and records no event."""
    report = ScanReport(as_of=as_of, warning=calendar_warning(as_of, warning_horizon(as_of)))
    ids = list(engine.monitored_measures().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = engine.monitored_measures(Measure.objects.filter(pk__in=ids[start : start + batch_size]))
        state = engine.programme(batch, as_of)
        with transaction.atomic():
            _store_milestones(state, report)
            _store_owed(state, report)
    return report


def _store_milestones(state: engine.Programme, report: ScanReport) -> None:
    ids = [row.milestone.pk for row in state.milestones]
    stored = {s.milestone_id: s for s in MilestoneStatus.objects.filter(milestone_id__in=ids)}
    changes = []
    for row in state.milestones:
        status = stored.get(row.milestone.pk) or MilestoneStatus(milestone_id=row.milestone.pk, state="")
        values = {"due_date": row.milestone.due_date, "completed_on": row.completed_on}
        changes.append((status, row.state, values, {"milestone_id": row.milestone.pk}))
    _write(MilestoneStatus, changes, state.as_of, report, ["state", "since", "due_date", "completed_on"])
    report.milestones += len(state.milestones)


def _store_owed(state: engine.Programme, report: ScanReport) -> None:
    measure_ids = [m.pk for m in state.measures]
    stored = {
        (o.measure_id, o.period_id, o.unit_id, o.kind): o
        for o in ReportObligation.objects.filter(measure_id__in=measure_ids)
    }
    changes = []
    for row in state.owed:
        obligation = stored.pop(row.key, None)
        if obligation is None:
            obligation = ReportObligation(
                measure=row.measure, period=row.period, unit=row.unit, kind=row.kind, due_on=row.due_on, state=""
            )
            report.obligations_created += 1
        values = {"due_on": row.due_on, "submitted_at": row.submitted_at}
        changes.append((obligation, row.state, values, {"obligation": obligation}))
    _write(ReportObligation, changes, state.as_of, report, ["state", "since", "due_on", "submitted_at"])
    if stored:  # owed no more on this day (the measure was completed, a unit was taken off it …)
        ReportObligation.objects.filter(pk__in=[o.pk for o in stored.values()]).delete()
        report.obligations_removed += len(stored)
    report.obligations += len(state.owed)


def _write(model, changes, as_of, report, fields) -> None:
    """Save the rows that differ and an event for each change of state."""
    new, changed, events = [], [], []
    for row, state, values, subject in changes:
        differs = any(getattr(row, name) != value for name, value in values.items())
        if row.state == state and not differs:
            continue
        if row.state != state:
            events.append((row.state, state, subject))
            report.transitions[state] += 1
            row.state, row.since = state, as_of
        for name, value in values.items():
            setattr(row, name, value)
        (changed if row.pk else new).append(row)
    model.objects.bulk_create(new)  # sets the primary keys the events below point at
    model.objects.bulk_update(changed, fields)
    StatusEvent.objects.bulk_create(
        StatusEvent(from_state=old, to_state=new_state, occurred_on=as_of, **subject)
        for old, new_state, subject in events
    )

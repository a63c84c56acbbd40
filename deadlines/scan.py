"""The daily scan: store the engine's answer for a day, so "what is overdue today" is one
indexed query for the alerts, and record each change of state as an event.

The stored statuses are a cache of deadlines.engine for the day of the last scan, never the
source of a page: after a scan as of any day, the rows are exactly what the engine says for
that day (owed reports it no longer lists are removed). Work goes in batches of measures;
each batch costs a fixed number of statements, however many rows it holds, and writes only
the rows that changed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from measures.models import Measure

from . import engine
from .models import MilestoneStatus, ReportObligation, StatusEvent
from .rules import calendar_warning_on

BATCH_SIZE = 200  # measures per batch
MILESTONE_FIELDS = ("due_date", "completed_on")
OWED_FIELDS = ("due_on", "submitted_at")


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
    report = ScanReport(as_of=as_of, warning=calendar_warning_on(as_of))
    ids = list(engine.monitored_measures().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = engine.monitored_measures(Measure.objects.filter(pk__in=ids[start : start + batch_size]))
        state = engine.programme(batch, as_of)
        with transaction.atomic():
            _store_milestones(state, report)
            _store_owed(state, report)
    return report


@dataclass
class _Wanted:
    """A status the engine gives for a row, and the row as stored (pk, state, since, values)."""

    state: str
    values: dict
    stored: tuple | None
    # What a StatusEvent names: the milestone (its status row's subject), or the obligation row.
    subject: str  # "milestone_id" or "obligation_id"


def _store_milestones(state: engine.Programme, report: ScanReport) -> None:
    ids = [row.milestone.pk for row in state.milestones]
    stored = {
        milestone_id: rest
        for milestone_id, *rest in MilestoneStatus.objects.filter(milestone_id__in=ids).values_list(
            "milestone_id", "pk", "state", "since", *MILESTONE_FIELDS
        )
    }
    wanted = [
        _Wanted(
            row.state,
            {"milestone_id": row.milestone.pk, "due_date": row.milestone.due_date, "completed_on": row.completed_on},
            stored.get(row.milestone.pk),
            "milestone_id",
        )
        for row in state.milestones
    ]
    _write(MilestoneStatus, wanted, MILESTONE_FIELDS, state.as_of, report)
    report.milestones += len(wanted)


def _store_owed(state: engine.Programme, report: ScanReport) -> None:
    stored = {
        (measure, period, unit, kind): rest
        for measure, period, unit, kind, *rest in ReportObligation.objects.filter(
            measure_id__in=[m.pk for m in state.measures]
        ).values_list("measure_id", "period_id", "unit_id", "kind", "pk", "state", "since", *OWED_FIELDS)
    }
    wanted = []
    for row in state.owed:
        measure, period, unit, kind = row.key
        values = {"measure_id": measure, "period_id": period, "unit_id": unit, "kind": kind}
        values |= {"due_on": row.due_on, "submitted_at": row.submitted_at}
        wanted.append(_Wanted(row.state, values, stored.pop(row.key, None), "obligation_id"))
    report.obligations_created += sum(1 for w in wanted if w.stored is None)
    _write(ReportObligation, wanted, OWED_FIELDS, state.as_of, report)
    if stored:  # owed no more on this day (the measure was completed, a unit was taken off it …)
        ReportObligation.objects.filter(pk__in=[rest[0] for rest in stored.values()]).delete()
        report.obligations_removed += len(stored)
    report.obligations += len(wanted)


def _write(model, wanted: list[_Wanted], fields, as_of: date, report: ScanReport) -> None:
    """Create the new rows, update those that differ, and record an event for each change of state."""
    new, changed, events = [], [], []
    for item in wanted:
        if item.stored is None:
            row = model(state=item.state, since=as_of, **item.values)
            new.append(row)
            events.append(("", item.state, item, row))
            continue
        pk, old_state, since, *old_values = item.stored
        values = [item.values[name] for name in fields]
        if old_state == item.state and old_values == values:
            continue
        row = model(pk=pk, state=item.state, since=since, **dict(zip(fields, values, strict=True)))
        if old_state != item.state:
            row.since = as_of
            events.append((old_state, item.state, item, row))
        changed.append(row)
    model.objects.bulk_create(new)  # sets the primary keys the obligation events point at
    model.objects.bulk_update(changed, ["state", "since", *fields])
    report.transitions.update(new_state for _, new_state, _, _ in events)
    StatusEvent.objects.bulk_create(
        StatusEvent(from_state=old_state, to_state=new_state, occurred_on=as_of, **_subject(item, row))
        for old_state, new_state, item, row in events
    )


def _subject(item: _Wanted, row) -> dict:
    if item.subject == "milestone_id":
        return {"milestone_id": item.values["milestone_id"]}
    return {"obligation_id": row.pk}

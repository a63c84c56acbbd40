"""The daily scan: bring every stored status up to `as_of` and record each change as an event.

Work goes in batches of rows ordered by primary key; each batch costs a fixed number of
statements (three reads; when something changed, BEGIN, up to three bulk writes, COMMIT),
so 100,000 milestones are a few hundred statements, not 100,000 (bench/scan_deadlines.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from ledger.models import Contribution, MilestoneClaim, ProgressReport, ProgressStatus, ReportingPeriod, ReviewDecision
from measures.models import Assignment, AssignmentRole, MeasureKind

from .models import Milestone, MilestoneStatus, ReportObligation, StatusEvent
from .rules import closed_after, final_due_date, milestone_state, obligation_state, warning_horizon
from .workdays import calendar_warning

BATCH_SIZE = 2000


@dataclass
class ScanReport:
    as_of: date
    milestones: int = 0
    obligations: int = 0
    obligations_created: int = 0
    transitions: Counter = field(default_factory=Counter)
    warning: str = ""

    @property
    def events(self) -> int:
        return sum(self.transitions.values())


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Asia/Shanghai: what was submitted before it counts for `day`."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def scan_deadlines(as_of: date, batch_size: int = BATCH_SIZE) -> ScanReport:
    """Update every milestone's and every owed report's status to `as_of`. Idempotent:
    a second scan for the same day changes nothing and records no event."""
    report = ScanReport(as_of=as_of)
    horizon = warning_horizon(as_of)
    report.warning = calendar_warning(as_of, horizon)
    _scan_milestones(as_of, horizon, report, batch_size)
    _open_obligations(as_of, report)
    _scan_obligations(as_of, horizon, report, batch_size)
    return report


def _batches(queryset, batch_size):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _scan_milestones(as_of, horizon, report, batch_size) -> None:
    milestones = Milestone.objects.only("pk", "due_date")  # model rows: _batches pages by .pk
    for batch in _batches(milestones, batch_size):
        ids = [m.pk for m in batch]
        stored = {s.milestone_id: s for s in MilestoneStatus.objects.filter(milestone_id__in=ids)}
        completed = dict(
            MilestoneClaim.objects.filter(
                milestone_id__in=ids,
                report__review__decision=ReviewDecision.APPROVED,
                report__review__decided_at__lt=end_of_day(as_of),
            )
            .values("milestone_id")
            .annotate(first=Min("report__review__decided_at"))
            .values_list("milestone_id", "first")
        )
        changes = []
        for milestone in batch:
            completed_on = local_day(completed.get(milestone.pk))
            state = milestone_state(milestone.due_date, completed_on, as_of, horizon)
            status = stored.get(milestone.pk) or MilestoneStatus(milestone_id=milestone.pk, since=as_of, state="")
            values = {"due_date": milestone.due_date, "completed_on": completed_on}
            changes.append((status, state, values, {"milestone_id": milestone.pk}))
        _write(MilestoneStatus, changes, as_of, report, ["state", "since", "due_date", "completed_on"])
        report.milestones += len(batch)


def _write(model, changes, as_of, report, fields) -> None:
    """Save the statuses that differ and an event for each change of state, in one transaction."""
    new, changed, events = [], [], []
    for status, state, values, subject in changes:
        differs = any(getattr(status, name) != value for name, value in values.items())
        if status.state == state and not differs:
            continue
        if status.state != state:
            events.append(StatusEvent(from_state=status.state, to_state=state, occurred_on=as_of, **subject))
            report.transitions[state] += 1
            status.state, status.since = state, as_of
        for name, value in values.items():
            setattr(status, name, value)
        (changed if status.pk else new).append(status)
    if not (new or changed):
        return  # an unchanged batch costs no write and no transaction
    with transaction.atomic():
        model.objects.bulk_create(new)
        model.objects.bulk_update(changed, fields)
        StatusEvent.objects.bulk_create(events)


def _open_obligations(as_of: date, report: ScanReport) -> None:
    """Create the owed-report rows of every opened period that has begun: one per lead unit
    (the consolidated report) and one per named responsible unit (its contribution). A
    completed measure past its final deadline owes nothing after its completion period."""
    periods = list(ReportingPeriod.objects.filter(cycle=settings.REPORTING_CYCLE, starts_on__lte=as_of))
    if not periods:
        return
    assignments = list(
        Assignment.objects.filter(unit__isnull=False, measure__kind=MeasureKind.MEASURE).values_list(
            "measure_id", "unit_id", "role"
        )
    )
    closed_after = _closed_after_by_measure(as_of)
    for period in periods:
        existing = set(ReportObligation.objects.filter(period=period).values_list("measure_id", "unit_id", "kind"))
        missing = []
        for measure_id, unit_id, role in assignments:
            kind = ReportObligation.Kind.REPORT if role == AssignmentRole.LEAD else ReportObligation.Kind.CONTRIBUTION
            closed = closed_after.get(measure_id)
            if (measure_id, unit_id, kind) in existing or (closed and period.starts_on > closed):
                continue
            missing.append(
                ReportObligation(
                    measure_id=measure_id,
                    period=period,
                    unit_id=unit_id,
                    kind=kind,
                    due_on=period.due_on,
                    state="",
                    since=as_of,
                )
            )
        ReportObligation.objects.bulk_create(missing, ignore_conflicts=True)
        report.obligations_created += len(missing)


def _closed_after_by_measure(as_of: date) -> dict[int, date]:
    """measure id → end of its closing period (deadlines.rules.closed_after), in two queries."""
    milestones = defaultdict(list)
    for measure_id, kind, due in Milestone.objects.values_list("measure_id", "kind", "due_date"):
        milestones[measure_id].append((kind, due))
    completed = defaultdict(list)
    for measure_id, ends_on in ProgressReport.objects.filter(
        status=ProgressStatus.COMPLETED,
        review__decision=ReviewDecision.APPROVED,
        review__decided_at__lt=end_of_day(as_of),
    ).values_list("measure_id", "period__ends_on"):
        completed[measure_id].append(ends_on)
    closed = {m: closed_after(final_due_date(milestones[m]), ends) for m, ends in completed.items()}
    return {m: end for m, end in closed.items() if end is not None}


def _scan_obligations(as_of, horizon, report, batch_size) -> None:
    before = end_of_day(as_of)
    for batch in _batches(ReportObligation.objects.all(), batch_size):
        measure_ids = {o.measure_id for o in batch}
        period_ids = {o.period_id for o in batch}
        reports = dict(
            ((m, p), first)
            for m, p, first in ProgressReport.objects.filter(
                measure_id__in=measure_ids, period_id__in=period_ids, submitted_at__lt=before
            )
            .values("measure_id", "period_id")
            .annotate(first=Min("submitted_at"))
            .values_list("measure_id", "period_id", "first")
        )
        contributions = dict(
            ((m, p, u), first)
            for m, p, u, first in Contribution.objects.filter(
                measure_id__in=measure_ids, period_id__in=period_ids, submitted_at__lt=before
            )
            .values("measure_id", "period_id", "unit_id")
            .annotate(first=Min("submitted_at"))
            .values_list("measure_id", "period_id", "unit_id", "first")
        )
        changes = []
        for obligation in batch:
            if obligation.kind == ReportObligation.Kind.REPORT:
                submitted_at = reports.get((obligation.measure_id, obligation.period_id))
            else:
                submitted_at = contributions.get((obligation.measure_id, obligation.period_id, obligation.unit_id))
            state = obligation_state(obligation.due_on, local_day(submitted_at), as_of, horizon)
            changes.append((obligation, state, {"submitted_at": submitted_at}, {"obligation_id": obligation.pk}))
        _write(ReportObligation, changes, as_of, report, ["state", "since", "submitted_at"])
        report.obligations += len(batch)

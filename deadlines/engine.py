"""The as-of engine: the state of the programme on any day, from the plan and the ledger.

For a set of measures and a date it answers:
- each milestone's state, and the day it was done (deadlines.rules);
- what each unit owes for each opened period — the lead units' consolidated report, each named
  responsible unit's contribution — and in what state; a completed measure owes nothing for the
  periods after the one in which it was reported done;
- each owed report's newest version and its workflow stage that day (ProgressReport.stage_on);
- each target's verdict, a yearly target once for every year of the ledger;
- what became overdue since another day.

It reads only the plan and the append-only ledger, never the stored statuses: the daily scan
stores today's answer as a cache (deadlines.scan), and any past day replays as it was known
then, however often the scan ran. The scan, the task lists, the review queue, the boards,
the ranking, the bulletin, the Excel ledger and the digests all read it. A fixed number of
queries per call, whatever the number of measures.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse

from core.clock import end_of_day, local_day
from ledger.models import (
    Contribution,
    MilestoneClaim,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReviewDecision,
    TargetActual,
    report_stage,
)
from ledger.periods import due_date_for, opened_periods, period_bounds
from ledger.selectors import unsent_report_cells
from measures.models import Measure, MeasureKind, Milestone, Target
from measures.selectors import assignments_prefetch, measures_with_plan
from units.models import Unit

from . import rules
from .models import MilestoneState, ObligationState, ReportObligation

Kind = ReportObligation.Kind
DECISIONS = frozenset(ReviewDecision.values)


def monitored_measures(queryset: QuerySet[Measure] | None = None, *, owing_only: bool = False) -> QuerySet[Measure]:
    """The measures deadlines are watched for: numbered measures (保障措施 have no lead unit and
    owe nothing), with the plan loaded the way the engine reads it — only who owes what (their
    assignments) when `owing_only`, which is all owed_in reads (not even the document, whose
    full text would come along with every measure)."""
    queryset = (Measure.objects.all() if queryset is None else queryset).filter(kind=MeasureKind.MEASURE)
    if owing_only:
        return queryset.select_related("section").prefetch_related(assignments_prefetch(True))
    return measures_with_plan(queryset, with_group_members=True)


@dataclass(eq=False)
class MilestoneRow:
    milestone: Milestone
    measure: Measure
    state: str
    completed_on: date | None
    as_of: date

    @property
    def light(self) -> str:
        return rules.LIGHTS[self.state]

    @property
    def days_overdue(self) -> int:
        return rules.days_overdue(self.milestone.due_date, self.as_of) if self.state == MilestoneState.OVERDUE else 0

    @property
    def state_label(self) -> str:
        return str(MilestoneState(self.state).label)


@dataclass(slots=True)
class Version:
    """One version of a report or contribution as it stood at the end of the day: the facts
    the engine reads, kept as plain values (a day's ledger is thousands of them)."""

    pk: int
    measure_id: int
    period_id: int
    unit_id: int
    version: int
    status: str
    submitted_at: datetime | None
    stage: str | None  # ledger.models.report_stage at the end of the day
    decided_at: datetime | None = None
    comment: str = ""  # the office's comment when reviewed
    period_ends_on: date | None = None
    is_report: bool = True
    submitted_on: date | None = None  # local day of submitted_at

    def __post_init__(self):
        self.submitted_on = local_day(self.submitted_at)

    def get_absolute_url(self) -> str:
        return reverse("report-detail", args=[self.pk]) if self.is_report else ""


@dataclass(eq=False)
class OwedReport:
    """A report one unit owes for one measure and period: the lead unit's consolidated report
    (kind "report", one ProgressReport shared by all lead units) or a contribution."""

    measure: Measure
    period: ReportingPeriod
    unit: Unit
    kind: str
    state: str
    submitted_at: datetime | None  # the first submission by the end of the day
    latest: Version | None  # the newest version that existed that day
    stage: str | None  # its workflow stage that day
    first_decision: str | None  # the office's decision on the first version it had reviewed by then
    as_of: date
    key: tuple[int, int, int, str]  # (measure, period, unit, kind) ids: what the scan's cache rows are keyed by

    @property
    def due_on(self) -> date:
        return self.period.due_on

    @property
    def light(self) -> str:
        return rules.LIGHTS[self.state]

    @property
    def days_overdue(self) -> int:
        return rules.days_overdue(self.due_on, self.as_of) if self.state == ObligationState.MISSING else 0

    @property
    def state_label(self) -> str:
        return str(ObligationState(self.state).label)

    @property
    def stage_label(self) -> str:
        return str(ReportState(self.stage).label) if self.stage else "未填报"


@dataclass(eq=False)
class TargetRow:
    """A target as judged on the day; a yearly target has one row per year."""

    target: Target
    measure: Measure
    year: int | None  # the year judged, for a yearly target
    due_date: date | None
    judged_on: date | None
    value: Decimal | None  # the approved value that counts
    value_as_of: date | None
    verdict: str

    @property
    def label(self) -> str:
        target = self.target
        when = f"{self.year}年" if self.year else (f"{self.due_date:%Y-%m-%d}前" if self.due_date else "")
        return f"{target.metric} {target.get_comparator_display()} {target.value_display}{target.unit}({when})"


@dataclass
class Programme:
    """Everything the engine knows about `measures` at the end of `as_of`."""

    as_of: date
    horizon: date
    measures: list[Measure]
    periods: list[ReportingPeriod]  # opened and begun by as_of, oldest first
    milestones: list[MilestoneRow]
    owed: list[OwedReport]
    targets: list[TargetRow]
    completed_on: dict[int, date] = field(default_factory=dict)  # measure id → day it was confirmed done

    @property
    def reports(self) -> list[OwedReport]:
        """The lead units' consolidated reports."""
        return [o for o in self.owed if o.kind == Kind.REPORT]

    @cached_property
    def measure_lights(self) -> dict[int, str]:
        milestones, reports = defaultdict(list), defaultdict(list)
        for row in self.milestones:
            milestones[row.measure.pk].append(row.state)
        for row in self.reports:
            reports[row.measure.pk].append(row.state)
        return {
            m.pk: rules.measure_light(milestones[m.pk], reports[m.pk], m.pk in self.completed_on) for m in self.measures
        }

    @property
    def judged_period(self) -> ReportingPeriod | None:
        """The latest period whose reports were due before `as_of`: "this period" on the boards."""
        return latest_judged(self.periods, self.as_of)

    def newly_overdue(self, since: date) -> tuple[list[MilestoneRow], list[OwedReport]]:
        """What became overdue after `since`: a milestone the day after its due date, a report
        the day after it was due (unless done or sent by then, which the state says)."""
        milestones = [r for r in self.milestones if r.state == MilestoneState.OVERDUE and r.milestone.due_date >= since]
        reports = [r for r in self.reports if r.state == ObligationState.MISSING and r.due_on >= since]
        return milestones, reports


def is_judged(period: ReportingPeriod, as_of: date) -> bool:
    """A period is judged on `as_of` once its due date has passed: its reports are on time,
    late or missing, no longer pending. (judged_periods is the same rule as a query.)"""
    return period.due_on < as_of


def latest_judged(periods, as_of: date) -> ReportingPeriod | None:
    return max((p for p in periods if is_judged(p, as_of)), key=lambda p: p.due_on, default=None)


def judged_periods(as_of: date) -> QuerySet[ReportingPeriod]:
    return opened_periods(as_of).filter(due_on__lt=as_of)


def programme(measures, as_of: date) -> Programme:
    """The state of `measures` (from monitored_measures) at the end of `as_of`."""
    measures = list(measures)
    ids = [m.pk for m in measures]
    before = end_of_day(as_of)
    horizon = rules.warning_horizon(as_of)
    periods = sorted(opened_periods(as_of), key=lambda p: p.starts_on)

    done_on = milestones_done(ids, before)
    reports = report_versions(Q(measure_id__in=ids, period__in=periods), before)
    contributions = _contribution_versions(Q(measure_id__in=ids, period__in=periods), before)
    completed_after, completed_on = completions(reports)

    milestones = _milestone_rows(measures, done_on, as_of, horizon)
    owed = _judged(owed_reports(measures, periods, completed_after), reports, contributions, as_of, horizon, before)
    targets = judge_targets([(m, t) for m in measures for t in m.targets.all()], periods, before, as_of)
    return Programme(as_of, horizon, measures, periods, milestones, owed, targets, completed_on)


def owed_in(measures, cells, as_of: date, *, unit: int | None = None, kinds=tuple(Kind.values)) -> list[OwedReport]:
    """What `measures` owe for the (measure id, period id) pairs in `cells` that are opened, as
    `programme(measures, as_of).owed` has them (only unit `unit`'s rows, of `kinds`, when given),
    reading only those pairs' versions and, for completions, the approved 已完成 versions of any
    period: a page showing a few owed reports pays for them, not for the whole history."""
    measures = list(measures)
    opened = sorted(opened_periods(as_of), key=lambda p: p.starts_on)
    completed_after, _completed_on = completions(
        report_versions(
            Q(measure_id__in=[m.pk for m in measures], period__in=opened),
            end_of_day(as_of),
            status=ProgressStatus.COMPLETED,
        )
    )
    return _owed_in(measures, cells, as_of, opened, completed_after, unit=unit, kinds=kinds)


def _owed_in(measures, cells, as_of: date, opened, completed_after, *, unit=None, kinds=tuple(Kind.values)):
    """owed_in, given the opened periods (oldest first) and the completions already read."""
    before = end_of_day(as_of)
    horizon = rules.warning_horizon(as_of)
    position = {p.pk: index for index, p in enumerate(opened)}
    asked = defaultdict(list)  # measure id → its opened periods in `cells`, oldest first
    for measure_id, period_id in sorted(cells, key=lambda cell: position.get(cell[1], -1)):
        if period_id in position:
            asked[measure_id].append(opened[position[period_id]])
    owed = [
        row
        for measure in measures
        if measure.pk in asked
        for row in owed_reports([measure], asked[measure.pk], completed_after)
        if row[3] in kinds and (unit is None or row[2].pk == unit)
    ]
    report_cells = {(m.pk, p.pk) for m, p, _unit, kind in owed if kind == Kind.REPORT}
    contribution_cells = {(m.pk, p.pk) for m, p, _unit, kind in owed if kind == Kind.CONTRIBUTION}
    reports = report_versions(_in_cells(ProgressReport, report_cells), before) if report_cells else []
    contributions = []
    if contribution_cells:
        mine = {"unit_id": unit} if unit is not None else {}
        contributions = _contribution_versions(_in_cells(Contribution, contribution_cells), before, **mine)
    return _judged(owed, reports, contributions, as_of, horizon, before)


def _in_cells(model, cells) -> RawSQL:
    """Rows of `model` for the (measure id, period id) pairs in `cells`: a row-value IN over a
    VALUES list, which the database joins. (Many Q objects took longer to compile than the query
    to run; an OR per measure took seconds to plan and run for the whole programme's 3,000.)"""
    if not cells:
        return RawSQL("1 = 0", [], output_field=BooleanField())
    table, measure, period = (
        connection.ops.quote_name(name) for name in (model._meta.db_table, "measure_id", "period_id")
    )
    pairs = sorted(cells)
    rows = ", ".join(["(%s, %s)"] * len(pairs))
    params = [number for pair in pairs for number in pair]
    return RawSQL(f"({table}.{measure}, {table}.{period}) IN (VALUES {rows})", params, output_field=BooleanField())


def _judged(owed, reports: list[Version], contributions: list[Version], as_of, horizon, before) -> list[OwedReport]:
    """Each (measure, period, unit, kind) owed, judged on its versions; the consolidated report
    once for all its lead units."""
    report_rows = _by_key(reports, lambda r: (r.measure_id, r.period_id))
    contribution_rows = _by_key(contributions, lambda c: (c.measure_id, c.period_id, c.unit_id))
    rows, shared = [], {}
    for measure, period, unit, kind in owed:
        if kind == Kind.REPORT:  # one consolidated report for all lead units: judge it once
            key = (measure.id, period.id)
            if key not in shared:
                shared[key] = _owed_row(measure, period, unit, kind, report_rows.get(key, []), as_of, horizon, before)
            rows.append(replace(shared[key], unit=unit, key=(measure.id, period.id, unit.id, kind)))
        else:
            versions = contribution_rows.get((measure.id, period.id, unit.id), [])
            rows.append(_owed_row(measure, period, unit, kind, versions, as_of, horizon, before))
    return rows


def tally(measures, as_of: date) -> Programme:
    """What the boards count on `as_of`, without a row per sent report: a Programme whose
    milestones, targets, completions and measure lights are programme()'s, and whose owed rows
    are only the consolidated reports a board counts — those of the judged period, and those not
    sent by the end of the day (missing, due soon or pending) — exactly as programme() has them
    (owed_in). A measure's light reads only its missing and due-soon reports, so it is the same.
    The sent reports, nearly all of a long ledger, stay in the database
    (tests/demo/test_demo_ledger.py checks the equality day by day)."""

    def counted(ids, periods, before):
        cells = unsent_report_cells(ids, [p.pk for p in periods], before)
        if (judged := latest_judged(periods, as_of)) is not None:
            cells |= {(pk, judged.pk) for pk in ids}
        return cells

    return _with_reports(measures, as_of, counted)


def within(measures, as_of: date, first: date, last: date) -> Programme:
    """programme(measures, as_of) with, of the owed rows, only the consolidated reports of the
    opened periods beginning from `first` to `last`, exactly as programme() has them: the
    ranking's year to date, without judging every contribution and every earlier year."""

    def in_window(ids, periods, _before):
        return {(pk, p.pk) for pk in ids for p in periods if first <= p.starts_on <= last}

    return _with_reports(measures, as_of, in_window)


def _with_reports(measures, as_of: date, cells_of) -> Programme:
    """programme()'s milestones, targets and completions, and the consolidated reports of the
    (measure id, period id) pairs `cells_of(measure ids, opened periods, end of day)` names."""
    measures = list(measures)
    ids = [m.pk for m in measures]
    before = end_of_day(as_of)
    horizon = rules.warning_horizon(as_of)
    periods = sorted(opened_periods(as_of), key=lambda p: p.starts_on)
    done_on = milestones_done(ids, before)
    completed_after, completed_on = completions(
        report_versions(Q(measure_id__in=ids, period__in=periods), before, status=ProgressStatus.COMPLETED)
    )
    milestones = _milestone_rows(measures, done_on, as_of, horizon)
    owed = _owed_in(measures, cells_of(ids, periods, before), as_of, periods, completed_after, kinds=(Kind.REPORT,))
    targets = judge_targets([(m, t) for m in measures for t in m.targets.all()], periods, before, as_of)
    return Programme(as_of, horizon, measures, periods, milestones, owed, targets, completed_on)


def owed_reports(measures, periods, completed_after: dict[int, date]):
    """(measure, period, unit, kind) for every report owed: a pure function of the plan, the
    opened periods and the completions. Each lead unit owes the consolidated report; each
    named responsible unit that does not also lead owes its contribution. A measure owes
    nothing for periods that begin after the period in which it was reported done."""
    for measure in measures:
        if measure.kind != MeasureKind.MEASURE:
            continue
        leads = measure.lead_units()
        co_units = measure.contributing_units()
        closed = completed_after.get(measure.pk)
        for period in periods:
            if not still_owed(period, closed):
                continue
            for unit in leads:
                yield measure, period, unit, Kind.REPORT
            for unit in co_units:
                yield measure, period, unit, Kind.CONTRIBUTION


def still_owed(period: ReportingPeriod, closed: date | None) -> bool:
    """Whether a measure owes reports for `period`, `closed` being the end of the period in
    which it was reported done (None: not done)."""
    return closed is None or period.starts_on <= closed


def _milestone_rows(measures, done_on: dict[int, date], as_of: date, horizon: date) -> list[MilestoneRow]:
    return [
        MilestoneRow(
            m, measure, rules.milestone_state(m.due_date, done_on.get(m.pk), as_of, horizon), done_on.get(m.pk), as_of
        )
        for measure in measures
        for m in measure.milestones.all()
    ]


def milestones_done(measure_ids, before: datetime) -> dict[int, date]:
    """milestone id → the day it was done, for claims the office had approved by `before`."""
    done = {}
    for milestone_id, submitted_at, ends_on in MilestoneClaim.objects.filter(
        milestone__measure_id__in=measure_ids,
        report__review__decision=ReviewDecision.APPROVED,
        report__review__decided_at__lt=before,
    ).values_list("milestone_id", "report__submitted_at", "report__period__ends_on"):
        day = rules.claimed_done_on(submitted_at, ends_on)
        done[milestone_id] = min(day, done.get(milestone_id, day))
    return done


def report_versions(where: Q | RawSQL, before: datetime, **only) -> list[Version]:
    """Every version of the consolidated reports `where` selects that existed by `before`
    (`only`: further field filters, e.g. status)."""
    rows = (
        ProgressReport.objects.filter(ProgressReport.existed_by(before), where, **only)
        .order_by("version")
        .values_list(
            "pk", "measure_id", "period_id", "unit_id", "version", "status", "created_at", "signoff_requested_at",
            "submitted_at", "review__decision", "review__decided_at", "review__comment", "period__ends_on",
        )
    )  # fmt: skip
    versions = []
    for (
        pk,
        measure_id,
        period_id,
        unit_id,
        number,
        status,
        created,
        signoff,
        submitted,
        decision,
        decided,
        comment,
        ends,
    ) in rows:
        stage = report_stage(
            before,
            created_at=created,
            signoff_requested_at=signoff,
            submitted_at=submitted,
            decision=decision,
            decided_at=decided,
        )
        known = decided is not None and decided < before
        versions.append(
            Version(
                pk, measure_id, period_id, unit_id, number, status, submitted, stage,
                decided if known else None, comment if known else "", ends,
            )
        )  # fmt: skip
    return versions


def _contribution_versions(where: Q | RawSQL, before: datetime, **only) -> list[Version]:
    rows = (
        Contribution.objects.filter(Contribution.existed_by(before), where, **only)
        .order_by("version")
        .values_list("pk", "measure_id", "period_id", "unit_id", "version", "status", "created_at", "submitted_at")
    )
    return [
        Version(
            pk, measure_id, period_id, unit_id, number, status, submitted,
            report_stage(before, created_at=created, signoff_requested_at=None, submitted_at=submitted),
            is_report=False,
        )
        for pk, measure_id, period_id, unit_id, number, status, created, submitted in rows
    ]  # fmt: skip


def _by_key(rows, key) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def completions(reports: list[Version]) -> tuple[dict[int, date], dict[int, date]]:
    """Per measure, from approved 已完成 reports known that day: the end of the period it was
    reported done in (nothing is owed after it) and the day the office confirmed it."""
    completed_after, completed_on = {}, {}
    for report in reports:
        if report.status != ProgressStatus.COMPLETED or report.stage != ReviewDecision.APPROVED:
            continue
        measure_id, ends_on, day = report.measure_id, report.period_ends_on, local_day(report.decided_at)
        completed_after[measure_id] = min(ends_on, completed_after.get(measure_id, ends_on))
        completed_on[measure_id] = min(day, completed_on.get(measure_id, day))
    return completed_after, completed_on


def _owed_row(measure, period, unit, kind, versions: list[Version], as_of, horizon, before) -> OwedReport:
    # Versions are in order, and each is submitted after the one before: the first sent is the first.
    first = next((v for v in versions if v.submitted_at and v.submitted_at < before), None)
    latest = versions[-1] if versions else None
    state = rules.obligation_state(period.due_on, first.submitted_on if first else None, as_of, horizon)
    return OwedReport(
        measure=measure,
        period=period,
        unit=unit,
        kind=kind,
        state=state,
        submitted_at=first.submitted_at if first else None,
        latest=latest,
        stage=latest.stage if latest else None,
        first_decision=next((v.stage for v in versions if v.stage in DECISIONS), None),
        as_of=as_of,
        key=(measure.id, period.id, unit.id, kind),
    )


def _report_due_for(day: date, periods) -> date:
    """When the report covering `day` is due: its opened period's (editable) due date, or the
    configured rule for a period not opened yet."""
    for period in periods:
        if period.starts_on <= day <= period.ends_on:
            return period.due_on
    return due_date_for(period_bounds(settings.REPORTING_CYCLE, day)[1])


def judge_targets(pairs, periods, before: datetime, as_of: date) -> list[TargetRow]:
    """A row per target of the (measure, target) `pairs` as judged on `as_of` (a yearly target
    once per year of the ledger), from the values the office had approved by `before`."""
    values = defaultdict(list)  # target id → [(measured on, approved at, value)]
    for target_id, value, measured_on, decided_at in TargetActual.objects.filter(
        target_id__in=[target.pk for _measure, target in pairs],
        report__review__decision=ReviewDecision.APPROVED,
        report__review__decided_at__lt=before,
    ).values_list("target_id", "value", "as_of", "report__review__decided_at"):
        values[target_id].append((measured_on, decided_at, value))
    first_year = min((p.starts_on.year for p in periods), default=as_of.year)
    rows = []
    for measure, target in pairs:
        if target.recurrence:
            instances = [(year, date(year, 12, 31)) for year in range(first_year, as_of.year + 1)]
        else:
            instances = [(None, target.due_date)]
        for year, due in instances:
            counted = [
                v for v in values[target.pk] if (due is None or v[0] <= due) and (year is None or v[0].year == year)
            ]
            measured_on, _, value = max(counted, default=(None, None, None), key=lambda v: (v[0], v[1]))
            judged_on = _report_due_for(due, periods) if due else None
            verdict = rules.target_verdict(target.comparator, target.value, value, as_of, judged_on)
            rows.append(TargetRow(target, measure, year, due, judged_on, value, measured_on, verdict))
    return rows

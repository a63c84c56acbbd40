"""The state of the programme as of any date, computed from the append-only ledger.

Nothing here reads the stored statuses: a milestone's state on a date follows from its
due date and the first approval (before the end of that date) of a report claiming it
done; a report obligation's from the first submission before then. So the office can
replay any past day and get what was known on it. A fixed number of queries per call.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Min

from deadlines.models import Light, MilestoneState, ObligationState, ReportObligation
from deadlines.rules import LIGHTS, days_overdue, milestone_state, obligation_state, warning_horizon
from deadlines.scan import end_of_day, local_day
from ledger.models import MilestoneClaim, ProgressReport, ReviewDecision, TargetActual
from measures.models import AssignmentRole, Comparator, MeasureKind, PolicyDocument
from measures.selectors import measures_with_plan

LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREEN, Light.DONE, Light.NONE]


@dataclass
class MilestoneRow:
    milestone: object
    measure: object
    state: str
    completed_on: date | None
    as_of: date

    @property
    def light(self) -> str:
        return LIGHTS[self.state]

    @property
    def days_overdue(self) -> int:
        return days_overdue(self.milestone.due_date, self.as_of) if self.state == MilestoneState.OVERDUE else 0


@dataclass
class ObligationRow:
    obligation: ReportObligation
    state: str
    submitted_on: date | None

    @property
    def light(self) -> str:
        return LIGHTS[self.state]


@dataclass
class TargetRow:
    target: object
    actual: TargetActual | None
    due_passed: bool

    @property
    def verdict(self) -> str:
        """met / missed / not reported / not yet due."""
        if self.actual is None:
            return "not_reported" if self.due_passed else "pending"
        return "met" if meets(self.target, self.actual.value) else ("missed" if self.due_passed else "behind")


def meets(target, value: Decimal) -> bool:
    goal = target.value
    return {
        Comparator.AT_MOST: value <= goal,
        Comparator.AT_LEAST: value >= goal,
        Comparator.EQUAL: value == goal,
        Comparator.ABOUT: abs(value - goal) <= goal * Decimal("0.1"),
    }[target.comparator]


@dataclass
class ProgrammeState:
    as_of: date
    document: PolicyDocument
    measures: list
    milestones: list[MilestoneRow]
    obligations: list[ObligationRow]
    targets: list[TargetRow]
    measure_lights: dict[int, str] = field(default_factory=dict)

    def lead_units(self, measure) -> list:
        return [a.unit for a in measure.assignments.all() if a.role == AssignmentRole.LEAD and a.unit_id]


def programme_state(document: PolicyDocument, as_of: date, *, section: str = "", unit_id: int | None = None):
    """Everything the dashboards show for `document` on `as_of`, optionally for one section
    (numeral) or one lead unit."""
    measures = document.measures.filter(kind=MeasureKind.MEASURE)
    if section:
        measures = measures.filter(section__numeral=section)
    if unit_id:
        measures = measures.filter(assignments__unit_id=unit_id, assignments__role=AssignmentRole.LEAD)
    measures = list(measures_with_plan(measures.order_by("position").distinct()))
    measure_ids = [m.pk for m in measures]
    before = end_of_day(as_of)
    horizon = warning_horizon(as_of)

    completions = dict(
        MilestoneClaim.objects.filter(
            milestone__measure_id__in=measure_ids,
            report__review__decision=ReviewDecision.APPROVED,
            report__review__decided_at__lt=before,
        )
        .values("milestone_id")
        .annotate(first=Min("report__review__decided_at"))
        .values_list("milestone_id", "first")
    )
    milestones = []
    for measure in measures:
        for milestone in measure.milestones.all():
            done = local_day(completions.get(milestone.pk))
            state = milestone_state(milestone.due_date, done, as_of, horizon)
            milestones.append(MilestoneRow(milestone, measure, state, done, as_of))

    obligations = list(
        ReportObligation.objects.filter(
            measure_id__in=measure_ids, kind=ReportObligation.Kind.REPORT, period__starts_on__lte=as_of
        ).select_related("period", "unit")
    )
    if unit_id:
        obligations = [o for o in obligations if o.unit_id == unit_id]
    submitted = {
        (m, p): first
        for m, p, first in ProgressReport.objects.filter(measure_id__in=measure_ids, submitted_at__lt=before)
        .values("measure_id", "period_id")
        .annotate(first=Min("submitted_at"))
        .values_list("measure_id", "period_id", "first")
    }
    obligation_rows = []
    for obligation in obligations:
        day = local_day(submitted.get((obligation.measure_id, obligation.period_id)))
        obligation_rows.append(ObligationRow(obligation, obligation_state(obligation.due_on, day, as_of, horizon), day))

    actuals = {}
    for actual in TargetActual.objects.filter(
        target__measure_id__in=measure_ids,
        report__review__decision=ReviewDecision.APPROVED,
        report__review__decided_at__lt=before,
    ).order_by("as_of", "report__review__decided_at"):
        actuals[actual.target_id] = actual  # the latest approved value wins
    targets = [
        TargetRow(t, actuals.get(t.pk), t.recurrence != "" or (t.due_date is not None and t.due_date < as_of))
        for m in measures
        for t in m.targets.all()
    ]
    state = ProgrammeState(as_of, document, measures, milestones, obligation_rows, targets)
    state.measure_lights = _measure_lights(state)
    return state


def _measure_lights(state: ProgrammeState) -> dict[int, str]:
    """A measure is as red as its worst milestone or lead-unit report; done when all its
    dated milestones are done and nothing is open."""
    lights = defaultdict(list)
    for row in state.milestones:
        lights[row.measure.pk].append(row.light)
    for row in state.obligations:
        if row.state in (ObligationState.MISSING, ObligationState.DUE_SOON):
            lights[row.obligation.measure_id].append(row.light)
    result = {}
    for measure in state.measures:
        seen = lights.get(measure.pk, [])
        result[measure.pk] = next((light for light in LIGHT_ORDER if light in seen), Light.NONE)
    return result


@dataclass
class Overview:
    state: ProgrammeState
    measures_by_light: list
    milestones_by_light: list
    by_section: list  # (section, Counter of lights)
    by_unit: list  # (unit, Counter of lights)
    newly_overdue: list[MilestoneRow]
    newly_missing: list[ObligationRow]
    this_period: object | None
    period_missing: list[ObligationRow]
    period_late: list[ObligationRow]
    targets_behind: list[TargetRow]


def light_counts(counter: Counter) -> list[tuple[str, str, int]]:
    """(light, label, count) for every light, in board order — templates can't index a Counter."""
    return [(light.value, str(light.label), counter[light.value]) for light in LIGHT_ORDER]


def overview(state: ProgrammeState) -> Overview:
    as_of = state.as_of
    week_ago = as_of - timedelta(days=7)
    sections, units = {}, {}
    by_section, by_unit = defaultdict(Counter), defaultdict(Counter)
    for measure in state.measures:
        light = state.measure_lights[measure.pk]
        sections[measure.section_id] = measure.section
        by_section[measure.section_id][light] += 1
        for unit in state.lead_units(measure):
            units[unit.pk] = unit
            by_unit[unit.pk][light] += 1
    due = [o for o in state.obligations if o.obligation.period.due_on < as_of]
    this_period = max((o.obligation.period for o in due), key=lambda p: p.due_on, default=None)
    in_period = [o for o in due if this_period and o.obligation.period_id == this_period.pk]
    return Overview(
        state=state,
        measures_by_light=light_counts(Counter(state.measure_lights.values())),
        milestones_by_light=light_counts(Counter(row.light for row in state.milestones)),
        by_section=[(sections[pk], by_section[pk]) for pk in sorted(sections, key=lambda pk: sections[pk].position)],
        by_unit=sorted(
            ((units[pk], counts) for pk, counts in by_unit.items()),
            key=lambda item: (-item[1][Light.RED], item[0].name),
        ),
        newly_overdue=[
            r for r in state.milestones if r.state == MilestoneState.OVERDUE and r.milestone.due_date >= week_ago
        ],
        newly_missing=[
            o for o in state.obligations if o.state == ObligationState.MISSING and o.obligation.due_on >= week_ago
        ],
        this_period=this_period,
        period_missing=[o for o in in_period if o.state == ObligationState.MISSING],
        period_late=[o for o in in_period if o.state == ObligationState.LATE],
        targets_behind=[t for t in state.targets if t.verdict in ("missed", "not_reported", "behind")],
    )

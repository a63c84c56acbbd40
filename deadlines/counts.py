"""The boards' counts for many measures at once, from plain values: each measure's light, its
milestones' lights, its judged-period report's state and its targets' verdicts, as the as-of
engine (deadlines.engine) has them — without loading the plan as models or making a row per
owed report. The whole-programme board counts 3,000 measures with it.

It applies the engine's own rules to the engine's own sets (deadlines.rules; ledger.selectors.unsent_report_cells,
engine.completions, engine.milestones_done, engine.judge_targets); only the assembly differs:
a report never sent by the end of the day has no version to judge (its state follows from its
due date alone), and the judged period's reports need only their first submission.
tests/demo/test_demo_ledger.py holds it equal to engine.programme day by day.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Min, Q

from core.clock import end_of_day, local_day
from ledger.models import ProgressReport, ProgressStatus, ReportingPeriod
from ledger.periods import opened_periods
from ledger.selectors import unsent_report_cells
from measures.models import MeasureKind, Milestone, Target
from measures.selectors import lead_unit_ids

from . import engine, rules
from .models import TargetVerdict

SHORT_OF_TARGET = (TargetVerdict.BEHIND, TargetVerdict.MISSED)  # what the boards call 未达进度


@dataclass
class MeasureCount:
    """One measure on a day: what a board counts of it."""

    pk: int
    document_id: int
    section_id: int
    lead_unit_ids: frozenset
    light: str = ""
    milestone_lights: Counter = field(default_factory=Counter)
    period_state: str | None = None  # its consolidated report's state for the judged period (None: not owed)
    targets: int = 0  # target rows (a yearly target once per year)
    targets_behind: int = 0  # of which behind or missed


@dataclass
class Counts:
    as_of: date
    judged_period: ReportingPeriod | None
    measures: list[MeasureCount]


def count(measures, as_of: date) -> Counts:
    """`measures` (a queryset, in the order wanted) counted on `as_of`: a fixed number of queries."""
    rows = list(measures.filter(kind=MeasureKind.MEASURE).values_list("pk", "document_id", "section_id"))
    ids = [pk for pk, _document, _section in rows]
    leads = lead_unit_ids(ids)
    counted = {pk: MeasureCount(pk, document, section, frozenset(leads[pk])) for pk, document, section in rows}
    before = end_of_day(as_of)
    horizon = rules.warning_horizon(as_of)
    periods = sorted(opened_periods(as_of), key=lambda p: p.starts_on)
    completed_after, completed_on = engine.completions(
        engine.report_versions(Q(measure_id__in=ids, period__in=periods), before, status=ProgressStatus.COMPLETED)
    )
    milestone_states = _milestone_states(ids, before, as_of, horizon)
    report_states = defaultdict(list)  # measure id → the states of its reports never sent by the day
    by_id = {p.pk: p for p in periods}
    for measure_id, period_id in unsent_report_cells(ids, list(by_id), before):
        period = by_id[period_id]
        if counted[measure_id].lead_unit_ids and engine.still_owed(period, completed_after.get(measure_id)):
            report_states[measure_id].append(rules.obligation_state(period.due_on, None, as_of, horizon))
    judged = engine.latest_judged(periods, as_of)
    if judged is not None:
        _judge_period(counted, judged, completed_after, before, as_of, horizon)
    _count_targets(counted, ids, periods, before, as_of)
    for pk, measure in counted.items():
        states = milestone_states.get(pk, [])
        measure.milestone_lights = Counter(rules.LIGHTS[state] for state in states)
        measure.light = rules.measure_light(states, report_states[pk], pk in completed_on)
    return Counts(as_of, judged, list(counted.values()))


def _milestone_states(ids, before, as_of: date, horizon: date) -> dict[int, list[str]]:
    done_on = engine.milestones_done(ids, before)
    states = defaultdict(list)
    milestones = Milestone.objects.filter(measure_id__in=ids).order_by().values_list("pk", "measure_id", "due_date")
    for pk, measure_id, due in milestones:
        states[measure_id].append(rules.milestone_state(due, done_on.get(pk), as_of, horizon))
    return states


def _judge_period(counted, period, completed_after, before, as_of: date, horizon: date) -> None:
    """Each measure's consolidated report for the judged period: its first submission by the
    end of the day decides (versions are submitted in order, so the earliest is the first)."""
    first_sent = dict(
        ProgressReport.objects.filter(measure_id__in=list(counted), period=period, submitted_at__lt=before)
        .values("measure_id")
        .annotate(first=Min("submitted_at"))
        .values_list("measure_id", "first")
    )
    for pk, measure in counted.items():
        if measure.lead_unit_ids and engine.still_owed(period, completed_after.get(pk)):
            sent_on = local_day(first_sent[pk]) if pk in first_sent else None
            measure.period_state = rules.obligation_state(period.due_on, sent_on, as_of, horizon)


def _count_targets(counted, ids, periods, before, as_of: date) -> None:
    fields = ("pk", "measure_id", "comparator", "value", "recurrence", "due_date")
    targets = Target.objects.filter(measure_id__in=ids).order_by().only(*fields)
    for row in engine.judge_targets([(None, t) for t in targets], periods, before, as_of):
        measure = counted[row.target.measure_id]
        measure.targets += 1
        measure.targets_behind += row.verdict in SHORT_OF_TARGET

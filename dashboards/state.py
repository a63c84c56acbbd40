"""What the boards show for a document on a day: the as-of engine's answer (deadlines.engine),
filtered and counted. Nothing here derives a state; it only selects and groups."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import QuerySet

from deadlines import engine
from deadlines.models import Light, ObligationState, TargetVerdict
from deadlines.rules import LIGHT_ORDER
from measures.models import Assignment, PolicyDocument

NEW_WINDOW_DAYS = 7  # "newly overdue" on the boards: in the last week


@dataclass
class Board:
    """The engine's answer for one document, optionally narrowed to a section or a lead unit.
    Computed on first use: a page that needs only the document and the day costs nothing."""

    document: PolicyDocument
    as_of: date
    measures_query: QuerySet
    unit_id: int | None = None

    @cached_property
    def programme(self) -> engine.Programme:
        return engine.programme(engine.monitored_measures(self.measures_query).order_by("position"), self.as_of)

    @property
    def measures(self) -> list:
        return self.programme.measures

    @property
    def milestones(self) -> list[engine.MilestoneRow]:
        return self.programme.milestones

    @property
    def targets(self) -> list[engine.TargetRow]:
        return self.programme.targets

    @property
    def measure_lights(self) -> dict[int, str]:
        return self.programme.measure_lights

    @property
    def reports(self) -> list[engine.OwedReport]:
        """The lead units' consolidated reports (only the chosen unit's when one is chosen)."""
        rows = self.programme.reports
        return [r for r in rows if r.unit.pk == self.unit_id] if self.unit_id else rows


def board(document: PolicyDocument, as_of: date, *, section: str = "", unit_id: int | None = None) -> Board:
    """The document's monitored measures on `as_of`, optionally of one section (numeral) or led
    by one unit (named, or through a group)."""
    measures = document.measures.all()
    if section:
        measures = measures.filter(section__numeral=section)
    if unit_id:
        measures = measures.filter(pk__in=Assignment.objects.leads_of(unit_id).values("measure_id"))
    return Board(document, as_of, measures, unit_id)


@dataclass
class Overview:
    board: Board
    measures_by_light: list
    milestones_by_light: list
    by_section: list  # (section, Counter of lights)
    by_unit: list  # (unit, Counter of lights)
    newly_overdue: list[engine.MilestoneRow]
    newly_missing: list[engine.OwedReport]
    this_period: object | None
    period_missing: list[engine.OwedReport] = field(default_factory=list)
    period_late: list[engine.OwedReport] = field(default_factory=list)
    targets_behind: list[engine.TargetRow] = field(default_factory=list)


def light_counts(counter: Counter) -> list[tuple[str, str, int]]:
    """(light, label, count) for every light, in board order — templates can't index a Counter."""
    return [(light.value, str(light.label), counter[light.value]) for light in LIGHT_ORDER]


SHORT_OF_TARGET = (TargetVerdict.BEHIND, TargetVerdict.MISSED)


def overview(state: Board) -> Overview:
    sections, units = {}, {}
    by_section, by_unit = defaultdict(Counter), defaultdict(Counter)
    for measure in state.measures:
        light = state.measure_lights[measure.pk]
        sections[measure.section_id] = measure.section
        by_section[measure.section_id][light] += 1
        for unit in measure.lead_units():
            units[unit.pk] = unit
            by_unit[unit.pk][light] += 1
    new_milestones, new_reports = state.programme.newly_overdue(state.as_of - timedelta(days=NEW_WINDOW_DAYS))
    this_period = state.programme.judged_period
    in_period = [r for r in state.reports if this_period and r.period.pk == this_period.pk]
    return Overview(
        board=state,
        measures_by_light=light_counts(Counter(state.measure_lights.values())),
        milestones_by_light=light_counts(Counter(row.light for row in state.milestones)),
        by_section=[(sections[pk], by_section[pk]) for pk in sorted(sections, key=lambda pk: sections[pk].position)],
        by_unit=sorted(
            ((units[pk], counts) for pk, counts in by_unit.items()),
            key=lambda item: (-item[1][Light.RED], item[0].name),
        ),
        newly_overdue=new_milestones,
        newly_missing=[r for r in new_reports if not state.unit_id or r.unit.pk == state.unit_id],
        this_period=this_period,
        period_missing=[r for r in in_period if r.state == ObligationState.MISSING],
        period_late=[r for r in in_period if r.state == ObligationState.LATE],
        targets_behind=[t for t in state.targets if t.verdict in SHORT_OF_TARGET],
    )

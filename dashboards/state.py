"""What the boards show for a document on a day: the as-of engine's answer (deadlines.engine),
filtered and counted. Nothing here derives a state; it only selects and groups."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import QuerySet

from deadlines import counts, engine
from deadlines.counts import SHORT_OF_TARGET
from deadlines.models import Light, ObligationState
from deadlines.rules import LIGHT_ORDER
from measures.models import Assignment, Measure, PolicyDocument
from measures.selectors import active_documents, followed_measures
from units.models import Unit

NEW_WINDOW_DAYS = 7  # "newly overdue" on the boards: in the last week


@dataclass
class Board:
    """The engine's answer for one document (None: all active documents), optionally narrowed
    to a section or a lead unit. Computed on first use: a page that needs only the document and
    the day costs nothing."""

    document: PolicyDocument | None
    as_of: date
    measures_query: QuerySet
    unit_id: int | None = None

    @cached_property
    def programme(self) -> engine.Programme:
        measures = engine.monitored_measures(self.measures_query).order_by("document_id", "position")
        return engine.programme(measures, self.as_of)

    @cached_property
    def counts(self) -> engine.Programme:
        """The engine's tally: what the overview counts, without a row per sent report."""
        return engine.tally(engine.monitored_measures(self.measures_query).order_by("position"), self.as_of)

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


def board(document: PolicyDocument | None, as_of: date, *, section: str = "", unit_id: int | None = None) -> Board:
    """The document's monitored measures on `as_of` (with no document, those of every active
    one), optionally of one section (numeral) or led by one unit (named, or through a group)."""
    if document is None:
        measures = followed_measures()
    else:
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


def by_section_and_unit(measures, lights: dict[int, str]) -> tuple[list, list]:
    """(section, Counter of lights) in document order and (unit, Counter of lights) reddest
    first: the measures counted by section and by lead unit (a measure counts for each unit
    that leads it)."""
    sections, units = {}, {}
    by_section, by_unit = defaultdict(Counter), defaultdict(Counter)
    for measure in measures:
        light = lights[measure.pk]
        sections[measure.section_id] = measure.section
        by_section[measure.section_id][light] += 1
        for unit in measure.lead_units():
            units[unit.pk] = unit
            by_unit[unit.pk][light] += 1
    return (
        [(sections[pk], by_section[pk]) for pk in sorted(sections, key=lambda pk: sections[pk].position)],
        sorted(
            ((units[pk], counts) for pk, counts in by_unit.items()),
            key=lambda item: (-item[1][Light.RED], item[0].name),
        ),
    )


def recently_overdue(answer: engine.Programme) -> tuple[list, list]:
    """What became overdue in the last NEW_WINDOW_DAYS: milestones, reports."""
    return answer.newly_overdue(answer.as_of - timedelta(days=NEW_WINDOW_DAYS))


def overview(state: Board) -> Overview:
    answer = state.counts
    sections, units = by_section_and_unit(answer.measures, answer.measure_lights)
    new_milestones, new_reports = recently_overdue(answer)
    this_period = answer.judged_period
    reports = [r for r in answer.reports if not state.unit_id or r.unit.pk == state.unit_id]
    in_period = [r for r in reports if this_period and r.period.pk == this_period.pk]
    return Overview(
        board=state,
        measures_by_light=light_counts(Counter(answer.measure_lights.values())),
        milestones_by_light=light_counts(Counter(row.light for row in answer.milestones)),
        by_section=sections,
        by_unit=units,
        newly_overdue=new_milestones,
        newly_missing=[r for r in new_reports if not state.unit_id or r.unit.pk == state.unit_id],
        this_period=this_period,
        period_missing=[r for r in in_period if r.state == ObligationState.MISSING],
        period_late=[r for r in in_period if r.state == ObligationState.LATE],
        targets_behind=[t for t in answer.targets if t.verdict in SHORT_OF_TARGET],
    )


# The whole programme: every active document on one board. One engine call over all their
# monitored measures, grouped here by document, section and lead unit, so the page costs the
# same number of queries for one document as for a hundred.

BOARD_LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE)  # the columns of the tables


@dataclass
class DocumentRow:
    """One document's line on the programme board: what its own board's overview counts."""

    document: PolicyDocument
    query: str  # the document board's filters for this row (document, as_of, unit)
    measures: int = 0
    measure_lights: Counter = field(default_factory=Counter)
    milestone_lights: Counter = field(default_factory=Counter)
    period_missing: int = 0
    period_late: int = 0
    targets: int = 0
    targets_behind: int = 0

    @property
    def measures_by_light(self) -> list[tuple[str, str, int]]:
        return [(light.value, str(light.label), self.measure_lights[light.value]) for light in BOARD_LIGHTS]

    @property
    def milestones_by_light(self) -> list[tuple[str, str, int]]:
        return [(light.value, str(light.label), self.milestone_lights[light.value]) for light in BOARD_LIGHTS]


@dataclass
class WholeProgramme:
    as_of: date
    unit_id: int | None
    documents: list[DocumentRow]  # active documents, most recent first (under a unit filter, only those it leads in)
    this_period: object | None  # the period judged on as_of: the same for every document
    by_unit: list  # (unit, Counter of measure lights, number of documents it leads in), reddest first


def _query(**params) -> str:
    return urlencode({name: value for name, value in params.items() if value not in (None, "")})


def whole_programme(as_of: date, *, unit_id: int | None = None) -> WholeProgramme:
    """Every active (not archived) document on `as_of`, optionally only the measures one unit
    leads (named, or through a group) and that unit's reports: counted for all at once
    (deadlines.counts). Each document's breakdown by section and lead unit is its own board's
    (a link away): a hundred of them on one page made it 4.4 MB."""
    documents = list(active_documents().only("id", "title", "published_on", "archived_at"))
    measures = Measure.objects.filter(document__in=[d.pk for d in documents])  # exactly the listed ones
    if unit_id:
        measures = measures.filter(pk__in=Assignment.objects.leads_of(unit_id).values("measure_id"))
    answer = counts.count(measures.order_by("document_id", "position"), as_of)
    day = f"{as_of:%Y-%m-%d}"
    rows = {d.pk: DocumentRow(d, _query(document=d.pk, as_of=day, unit=unit_id)) for d in documents}
    by_unit, led_in = defaultdict(Counter), defaultdict(set)
    for measure in answer.measures:
        row = rows[measure.document_id]
        row.measures += 1
        row.measure_lights[measure.light] += 1
        row.milestone_lights.update(measure.milestone_lights)
        reports = len(measure.lead_unit_ids) if not unit_id else int(unit_id in measure.lead_unit_ids)
        row.period_missing += reports * (measure.period_state == ObligationState.MISSING)
        row.period_late += reports * (measure.period_state == ObligationState.LATE)
        row.targets += measure.targets
        row.targets_behind += measure.targets_behind
        for pk in measure.lead_unit_ids:
            by_unit[pk][measure.light] += 1
            led_in[pk].add(measure.document_id)
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=list(by_unit)).only("id", "name")}
    shown = [rows[d.pk] for d in documents if not unit_id or rows[d.pk].measures]
    return WholeProgramme(
        as_of=as_of,
        unit_id=unit_id,
        documents=shown,
        this_period=answer.judged_period,
        by_unit=sorted(
            ((units[pk], tally, len(led_in[pk])) for pk, tally in by_unit.items()),
            key=lambda item: (-item[1][Light.RED], item[0].name),
        ),
    )

"""Excel exports of the ledger (台账) and of the plan, in the government template.

What goes into a ledger export is scoped through `ledger.access`, the one place the
read rules live: a unit exports the measures it may see and, of their reports, the
versions it may see — the office does not get a unit's unsent draft, a co-unit does not
get the lead unit's draft. Each export runs a fixed number of queries, however many
measures and reports there are.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Subquery

from core.params import parse_id
from deadlines import engine
from deadlines.rules import calendar_warning_on
from ledger import access
from ledger.models import ProgressReport, ReportingPeriod, ReportState
from measures.models import Assignment, AssignmentRole, Measure, MeasureKind, PolicyDocument, Section
from measures.selectors import plan_measures
from units.models import Unit

from .xlsx import NOT_REPORTED, LedgerRow, PlanRow, chinese_date, write_ledger_xlsx, write_plan_rows_xlsx

__all__ = [
    "BadExportRequest",
    "LATEST",
    "LedgerExport",
    "NothingToExport",
    "LedgerRow",
    "ledger_export",
    "write_ledger_export",
    "write_ledger_xlsx",
    "write_plan_xlsx",
]

LATEST = "latest"
LATEST_LABEL = "最新"


class BadExportRequest(ValueError):
    """A filter the export cannot use; the message names the parameter, in Chinese."""


class NothingToExport(Exception):
    """The user sees no measure of the document at all."""


@dataclass
class LedgerExport:
    """What one ledger export contains and what to call it."""

    document: PolicyDocument
    label: str  # the period's label, or 最新
    title: str
    as_of: date
    rows: list[LedgerRow]
    with_period: bool
    notes: list[str] = field(default_factory=list)


def ledger_export(
    user, document: PolicyDocument, *, period: str = "", section: str = "", unit: str = "", as_of: date
) -> LedgerExport:
    """The ledger rows `user` may export, with the review queue's filters.

    - `period`: a period id — each measure's latest version visible to `user` in that period —
      or "latest"/empty — each measure's most recent visible report over all periods, with its
      period in a 周期 column.
    - `section`: a section numeral of the document ("四"); `unit`: a unit id, keeping the
      measures that unit leads.
    Every measure of the document that `user` may see is listed, in document order; one without
    a visible report reads 未报送. Raises NothingToExport when `user` sees no measure of the
    document, and BadExportRequest for a filter that names nothing.
    """
    visible = access.visible_measures(user).filter(document=document, kind=MeasureKind.MEASURE)
    if not visible.exists():
        raise NothingToExport("没有可导出的举措")
    chosen_period = _period(period)
    measures = visible
    notes = []
    if section:
        chosen_section = _section(document, section)
        measures = measures.filter(section=chosen_section)
        notes.append(f"章节:{chosen_section}")
    if unit:
        chosen_unit = _unit(unit)
        measures = measures.filter(pk__in=Assignment.objects.leads_of(chosen_unit.pk).values("measure_id"))
        notes.append(f"牵头单位:{chosen_unit.name}")
    if chosen_period is None:
        notes.append("各举措取最近一期报送")

    measures = list(engine.monitored_measures(measures).order_by("position"))
    latest = _latest_reports(user, [m.pk for m in measures], chosen_period, as_of)
    state = engine.programme(measures, as_of)
    if warning := calendar_warning_on(as_of):
        notes.append(warning)
    owed = {(r.measure.pk, r.period.pk): r for r in state.reports}
    label = chosen_period.label if chosen_period else LATEST_LABEL
    rows = []
    for measure in measures:
        report = latest.get(measure.pk)
        period_id = report.period_id if report else chosen_period.pk if chosen_period else None
        owed_report = owed.get((measure.pk, period_id))
        completed = measure.pk in state.completed_on
        rows.append(
            _ledger_row(measure, report, owed_report, completed, with_period=chosen_period is None, as_of=as_of)
        )
    return LedgerExport(
        document=document,
        label=label,
        title=f"《{document.title}》落实情况台账({label})",
        as_of=as_of,
        rows=rows,
        with_period=chosen_period is None,
        notes=notes,
    )


def write_ledger_export(output, export: LedgerExport) -> int:
    return write_ledger_xlsx(
        output,
        export.rows,
        title=export.title,
        as_of=export.as_of,
        sheet=export.label,
        with_period=export.with_period,
        notes=export.notes,
    )


def write_plan_xlsx(output, document: PolicyDocument) -> int:
    """The whole plan (measures and safeguards) as the document writes it: units by their
    written names, milestones and quantified targets, no progress. Returns the measure rows."""
    rows = [_plan_row(measure) for measure in plan_measures(document)]
    published = f"{chinese_date(document.published_on)}印发" if document.published_on else ""
    subtitle = "  ".join(part for part in (document.source, published, f"共 {len(rows)} 项") if part)
    return write_plan_rows_xlsx(output, rows, title=f"《{document.title}》任务分工", subtitle=subtitle)


def _period(value: str) -> ReportingPeriod | None:
    if value in ("", LATEST):
        return None
    found = ReportingPeriod.objects.filter(pk=parse_id(value, "period")).first()
    if found is None:
        raise BadExportRequest(f"没有编号为 {value} 的填报周期")
    return found


def _section(document: PolicyDocument, numeral: str) -> Section:
    found = document.sections.filter(numeral=numeral).first()
    if found is None:
        raise BadExportRequest(f"参数 section:本文件没有“({numeral[:10]})”这一章节")
    return found


def _unit(value: str) -> Unit:
    pk = parse_id(value, "unit")
    found = Unit.objects.filter(pk=pk).first()
    if found is None:
        raise BadExportRequest(f"参数 unit:没有编号为 {pk} 的单位")
    return found


def _latest_reports(
    user, measure_ids: list[int], period: ReportingPeriod | None, as_of: date
) -> dict[int, ProgressReport]:
    """Per measure, the newest report version `user` could see (in `period`, or in any period) at
    the end of `as_of` — so an export for a past day shows what was known then: one query.

    Visibility comes before "newest": when the newest version is a draft the office may not see,
    the office gets the version before it, not nothing.
    """
    scope = access.visible_reports(user, as_of=as_of).filter(measure_id__in=measure_ids)
    if period is not None:
        scope = scope.filter(period=period)
    newest = scope.filter(measure_id=OuterRef("measure_id")).order_by(
        "-period__starts_on", "-period__ends_on", "-version", "-pk"
    )
    reports = scope.filter(pk=Subquery(newest.values("pk")[:1])).select_related("period", "review")
    return {report.measure_id: report for report in reports}


def _names(measure: Measure, role: str) -> str:
    return "、".join(a.written_name for a in measure.assignments.all() if a.role == role)


def _ledger_row(
    measure: Measure,
    report: ProgressReport | None,
    owed: engine.OwedReport | None,
    completed: bool,
    *,
    with_period: bool,
    as_of: date,
) -> LedgerRow:
    """The measure's line: its report's text and a status naming the progress, the report's stage
    and whether it came on time — all as of the export's day (deadlines.engine). A measure that
    owes no report says why."""
    plan = {
        "section": str(measure.section),
        "code": measure.code,
        "title": measure.title,
        "lead_units": _names(measure, AssignmentRole.LEAD),
        "responsible_units": _names(measure, AssignmentRole.RESPONSIBLE),
        "deadline": measure.deadline_text,
    }
    timeliness = owed.state_label if owed else ""
    if report is None:
        return LedgerRow(**plan, status=timeliness or _why_nothing_is_owed(measure, completed))
    stage = ReportState(report.stage_on(as_of)).label
    return LedgerRow(
        **plan,
        progress=report.progress,
        problems=report.problems,
        next_steps=report.next_steps,
        status="·".join(part for part in (f"{report.get_status_display()}({stage})", timeliness) if part),
        period=report.period.label if with_period else "",
    )


def _why_nothing_is_owed(measure: Measure, completed: bool) -> str:
    if not measure.lead_units():
        return "牵头单位未明确,无需报送"
    return "已完成,无需报送" if completed else NOT_REPORTED


def _plan_row(measure: Measure) -> PlanRow:
    milestones = [_milestone_text(m) for m in measure.milestones.all()]
    targets = [_target_text(t) for t in measure.targets.all()]
    return PlanRow(
        section=str(measure.section),
        code=measure.code,
        title=measure.title,
        lead_units=_names(measure, AssignmentRole.LEAD),
        responsible_units=_names(measure, AssignmentRole.RESPONSIBLE),
        deadline=measure.deadline_text,
        milestones="\n".join(milestones),
        targets="\n".join(targets),
    )


def _milestone_text(milestone) -> str:
    if milestone.due_date:
        return f"{milestone.due_date:%Y-%m-%d} {milestone.description}"
    kind = milestone.get_kind_display()
    return kind if milestone.description in ("", kind) else f"{kind}:{milestone.description}"


def _target_text(target) -> str:
    when = f"({target.due_date:%Y-%m-%d}前)" if target.due_date else ""
    every = f"({target.get_recurrence_display()})" if target.recurrence else ""
    return f"{target.metric} {target.get_comparator_display()} {target.value_display}{target.unit}{when}{every}"

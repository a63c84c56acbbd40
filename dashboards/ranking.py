"""The composite ranking (综合排名) and the bulletin's lists, as plain data.

Score = 100 × Σ weightᵢ × componentᵢ / Σ weightᵢ over the components a unit has data
for (a component with nothing to judge is left out rather than guessed). Components, per
lead unit and period:
- milestones: share of its measures' milestones due by the period's end done on time;
- reports: this period's consolidated reports — on time 1, late (迟报) ½, missing (漏报) 0;
- targets: share of its measures' targets due by then (or yearly) met by approved values;
- returns: share of its reports of this period approved without being returned.
Every component keeps the items it counted, so each number drills down to its rows. The
result is JSON-ready: a published snapshot stores it, and the bulletin is rendered from it.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Max

from deadlines.models import MilestoneKind, MilestoneState, ObligationState
from deadlines.scan import end_of_day
from ledger.models import ProgressReport, ReportingPeriod, ReportReview, ReviewDecision

from .models import RankingFormula, RankingSnapshot
from .state import ProgrammeState, programme_state

COMPONENTS = {
    "milestones": "节点按期完成率",
    "reports": "按时报送率",
    "targets": "指标达标率",
    "returns": "报告一次通过率",
}
REPORT_CREDIT = {ObligationState.ON_TIME: 1.0, ObligationState.LATE: 0.5, ObligationState.MISSING: 0.0}


def current_formula() -> RankingFormula:
    formula = RankingFormula.objects.order_by("-version").first()
    return formula or RankingFormula.objects.create(version=1, note="默认权重")


def compute_ranking(document, period: ReportingPeriod, formula: RankingFormula, as_of: date) -> dict:
    state = programme_state(document, as_of)
    items: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    units: dict[int, str] = {}
    for measure in state.measures:
        for unit in state.lead_units(measure):
            units[unit.pk] = unit.name
    _milestone_items(state, period, items)
    _report_items(state, period, items)
    _target_items(state, period, items)
    _return_items(period, as_of, items)
    rows = [_row(unit_id, units[unit_id], items[unit_id], formula) for unit_id in units]
    _rank(rows, formula.bottom_n)
    return {
        "document": document.title,
        "period": {"id": period.pk, "label": period.label, "due_on": period.due_on.isoformat()},
        "as_of": as_of.isoformat(),
        "formula": {"version": formula.version, "weights": formula.weights(), "bottom_n": formula.bottom_n},
        "components": COMPONENTS,
        "rows": rows,
        **_bulletin_lists(state, period, as_of),
    }


def _milestone_items(state: ProgrammeState, period, items) -> None:
    for row in state.milestones:
        due = row.milestone.due_date
        if row.milestone.kind not in (MilestoneKind.DATED, MilestoneKind.PHASE) or due > period.ends_on:
            continue
        if due >= state.as_of and row.state != MilestoneState.DONE:
            continue  # not yet judgeable
        for unit in state.lead_units(row.measure):
            items[unit.pk]["milestones"].append(
                {
                    "measure": row.measure.code,
                    "measure_id": row.measure.pk,
                    "label": row.milestone.description[:60],
                    "due": due.isoformat(),
                    "state": row.state,
                    "credit": 1.0 if row.state == MilestoneState.DONE else 0.0,
                }
            )


def _report_items(state: ProgrammeState, period, items) -> None:
    codes = {m.pk: m.code for m in state.measures}
    for row in state.obligations:
        obligation = row.obligation
        if obligation.period_id != period.pk or row.state not in REPORT_CREDIT:
            continue
        items[obligation.unit_id]["reports"].append(
            {
                "measure": codes[obligation.measure_id],
                "measure_id": obligation.measure_id,
                "label": f"{period.label}进展报告",
                "due": obligation.due_on.isoformat(),
                "state": row.state,
                "credit": REPORT_CREDIT[row.state],
            }
        )


def _target_items(state: ProgrammeState, period, items) -> None:
    by_measure = {m.pk: m for m in state.measures}
    for row in state.targets:
        target = row.target
        due_by_period = target.recurrence or (target.due_date is not None and target.due_date <= period.ends_on)
        if not due_by_period or row.verdict == "pending":
            continue
        measure = by_measure[target.measure_id]
        for unit in state.lead_units(measure):
            items[unit.pk]["targets"].append(
                {
                    "measure": measure.code,
                    "measure_id": measure.pk,
                    "label": f"{target.metric} {target.get_comparator_display()} {target.value_display}{target.unit}",
                    "due": target.due_date.isoformat() if target.due_date else "每年",
                    "state": row.verdict,
                    "credit": 1.0 if row.verdict == "met" else 0.0,
                }
            )


def _return_items(period, as_of: date, items) -> None:
    reviewed = ProgressReport.objects.filter(period=period, review__decided_at__lt=end_of_day(as_of)).values_list(
        "unit_id", "measure_id", "version", "review__decision"
    )
    for unit_id, measure_id, version, decision in reviewed:
        items[unit_id]["returns"].append(
            {
                "measure": "",
                "measure_id": measure_id,
                "label": f"第 {version} 版",
                "due": "",
                "state": decision,
                "credit": 1.0 if decision == ReviewDecision.APPROVED else 0.0,
            }
        )


def _row(unit_id: int, name: str, items: dict, formula: RankingFormula) -> dict:
    components = {}
    weighted = total_weight = 0.0
    for key, weight in formula.weights().items():
        counted = items.get(key, [])
        value = sum(i["credit"] for i in counted) / len(counted) if counted else None
        components[key] = {"value": value, "count": len(counted), "weight": weight}
        if value is not None and weight:
            weighted += weight * value
            total_weight += weight
    score = round(100 * weighted / total_weight, 1) if total_weight else None
    return {"unit_id": unit_id, "unit": name, "score": score, "components": components, "items": dict(items)}


def _rank(rows: list[dict], bottom_n: int) -> None:
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["unit"]))
    scored = [r for r in rows if r["score"] is not None]
    for position, row in enumerate(rows, start=1):
        row["rank"] = position if row["score"] is not None else None
        row["interview"] = False
    for row in scored[-bottom_n:] if bottom_n else []:
        row["interview"] = True


def _bulletin_lists(state: ProgrammeState, period, as_of: date) -> dict:
    overdue = defaultdict(list)
    for row in state.milestones:
        if row.state == MilestoneState.OVERDUE:
            for unit in state.lead_units(row.measure):
                overdue[unit.name].append(
                    {
                        "measure": row.measure.code,
                        "title": row.measure.title,
                        "label": row.milestone.description[:60],
                        "due": row.milestone.due_date.isoformat(),
                        "days": row.days_overdue,
                    }
                )
    missed = [
        {
            "measure": t.target.measure.code,  # cached by the prefetch that loaded the target
            "label": f"{t.target.metric} {t.target.get_comparator_display()} {t.target.value_display}{t.target.unit}",
            "actual": f"{t.actual.value.normalize()}{t.target.unit}" if t.actual else "未报告",
        }
        for t in state.targets
        if t.verdict in ("missed", "not_reported")
    ]
    good = [
        {"measure": review.report.measure.code, "title": review.report.measure.title, "unit": review.report.unit.name,
         "progress": review.report.progress[:200], "comment": review.comment}
        for review in ReportReview.objects.filter(
            good_practice=True, report__period=period, decided_at__lt=end_of_day(as_of)
        ).select_related("report__measure__section", "report__unit")
    ]  # fmt: skip
    return {"overdue": dict(sorted(overdue.items())), "targets_missed": missed, "good_practice": good}


@transaction.atomic
def publish(user, document, period: ReportingPeriod, as_of: date) -> RankingSnapshot:
    """Freeze the period's ranking; a period is published once."""
    if RankingSnapshot.objects.filter(document=document, period=period).exists():
        raise ValueError(f"{period.label}的排名已发布,不能重复发布")
    formula = current_formula()
    data = compute_ranking(document, period, formula, as_of)
    return RankingSnapshot.objects.create(
        document=document, period=period, formula=formula, as_of=as_of, data=data, published_by=user
    )


def next_formula_version() -> int:
    return (RankingFormula.objects.aggregate(top=Max("version"))["top"] or 0) + 1

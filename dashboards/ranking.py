"""The composite ranking (综合排名) and the bulletin's lists, as plain data.

The rules, as the README and the ranking page state them:
- Window: the ranking of a period counts the year to date — from 1 January of the period's
  year to the period's end — so a month with little to judge does not decide a unit's place.
- Components, per lead unit, from the as-of engine (deadlines.engine):
  - milestones: its measures' dated milestones due in the window and judgeable (done, or past
    due): done on time 1, otherwise 0;
  - reports: its consolidated reports of the window's periods that are due: on time 1,
    late (迟报) ½, missing (漏报) 0;
  - targets: its measures' targets due in the window that have been judged: met 1, missed 0;
  - returns: of those reports the office has reviewed, approved at the first review 1, else 0.
- A component with fewer than `formula.min_items` items is insufficient: shown, not counted.
  Score = 100 × Σ weightᵢ × componentᵢ / Σ weightᵢ over the sufficient components, one decimal.
  A unit with no sufficient component is listed but neither ranked nor marked.
- Ties share a rank (1, 1, 3 …); 0 is a score like any other.
- 末位约谈 marks the bottom `formula.bottom_n` ranked units; units tied with the last of them
  are marked too and shown as a tie. With no more ranked units than that, nobody is marked.
Every item is kept, so each number drills down to its rows. The result is JSON-ready: a
published snapshot stores it, and the bulletin is rendered from it.

The ranking is of one document, or (document None) of every active (not archived) document at
once: the same rules over all their monitored measures, in one engine call, so a unit leading
in several documents is ranked on its items from all of them; each item, overdue milestone and
missed target then names its document, and the data lists the documents it covers.
"""

from collections import defaultdict
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max

from core import clock
from core.errors import NotAllowed, ServiceError
from deadlines import engine
from deadlines.models import MilestoneState, ObligationState, TargetVerdict
from ledger import access
from ledger.models import ReportingPeriod, ReportReview, ReviewDecision
from measures.models import DATED_KINDS, Measure
from measures.selectors import active_documents
from supervision import selectors as supervision

from .models import RankingFormula, RankingSnapshot

COMPONENTS = {
    "milestones": "节点按期完成率",
    "reports": "按时报送率",
    "targets": "指标达标率",
    "returns": "报告一次通过率",
}
REPORT_CREDIT = {ObligationState.ON_TIME: 1.0, ObligationState.LATE: 0.5, ObligationState.MISSING: 0.0}
JUDGED_MILESTONES = (MilestoneState.DONE, MilestoneState.DONE_LATE, MilestoneState.OVERDUE)
JUDGED_TARGETS = (TargetVerdict.MET, TargetVerdict.MISSED)


def current_formula() -> RankingFormula:
    formula = RankingFormula.objects.order_by("-version").first()
    return formula or RankingFormula.objects.create(version=1, note="默认权重")


def window_start(period: ReportingPeriod) -> date:
    return date(period.starts_on.year, 1, 1)


ALL_DOCUMENTS_TITLE = "全部政策文件"


def compute_ranking(document, period: ReportingPeriod, formula: RankingFormula, as_of: date) -> dict:
    """The ranking of `document`'s lead units, or with `document` None of every active
    document's lead units together (one engine call whatever the number of documents)."""
    if document is None:
        documents = list(active_documents().only("id", "title"))
        measures = Measure.objects.filter(document__in=[d.pk for d in documents])  # exactly the listed ones
    else:
        documents, measures = None, document.measures.all()
    start, end = window_start(period), period.ends_on
    monitored = engine.monitored_measures(measures).order_by("document_id", "position")
    state = engine.within(monitored, as_of, start, period.starts_on)  # the window's reports only
    items: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    units = {unit.pk: unit.name for measure in state.measures for unit in measure.lead_units()}
    _milestone_items(state, start, end, items)
    _report_items(state, items)
    _target_items(state, start, end, items)
    if documents is not None:
        _name_documents(state, (item for unit in items.values() for rows in unit.values() for item in rows))
    rows = [_row(unit_id, units[unit_id], items[unit_id], formula) for unit_id in units]
    notes = _rank(rows, formula.bottom_n)
    covered = {} if documents is None else {"documents": [{"id": d.pk, "title": d.title} for d in documents]}
    return {
        "document": document.title if document is not None else ALL_DOCUMENTS_TITLE,
        **covered,
        "period": {"id": period.pk, "label": period.label, "due_on": period.due_on.isoformat()},
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "as_of": as_of.isoformat(),
        "formula": {
            "version": formula.version,
            "weights": formula.weights(),
            "bottom_n": formula.bottom_n,
            "min_items": formula.min_items,
        },
        "components": COMPONENTS,
        "rows": rows,
        "notes": notes,
        **_bulletin_lists(state, period, as_of, documents),
        # The bulletin's 督查整改 section: from the period's start to the day the data stands.
        "supervision": supervision.bulletin_section(period.starts_on, as_of),
    }


def _item(measure, label: str, due: str, state_label: str, credit: float) -> dict:
    return {
        "measure": measure.code,
        "measure_id": measure.pk,
        "label": label,
        "due": due,
        "state": state_label,
        "credit": credit,
    }


def _name_documents(state: engine.Programme, items) -> None:
    """Across documents a measure's code is not enough: each item also names its document."""
    titles = {measure.pk: measure.document.title for measure in state.measures}
    for item in items:
        item["document"] = titles[item["measure_id"]]


def _milestone_items(state: engine.Programme, start: date, end: date, items) -> None:
    for row in state.milestones:
        due = row.milestone.due_date
        if row.milestone.kind not in DATED_KINDS or not start <= due <= end or row.state not in JUDGED_MILESTONES:
            continue
        credit = 1.0 if row.state == MilestoneState.DONE else 0.0
        for unit in row.measure.lead_units():
            item = _item(row.measure, row.milestone.description[:60], due.isoformat(), row.state_label, credit)
            items[unit.pk]["milestones"].append(item)


def _report_items(state: engine.Programme, items) -> None:
    for row in state.reports:  # the window's only (engine.within)
        label = f"{row.period.label}进展报告"
        if row.state in REPORT_CREDIT:
            item = _item(row.measure, label, row.due_on.isoformat(), row.state_label, REPORT_CREDIT[row.state])
            items[row.unit.pk]["reports"].append(item)
        if row.first_decision is not None:
            approved = row.first_decision == ReviewDecision.APPROVED
            outcome = "首次报送即审核通过" if approved else "首次报送被退回"
            items[row.unit.pk]["returns"].append(_item(row.measure, label, "", outcome, 1.0 if approved else 0.0))


def _target_items(state: engine.Programme, start: date, end: date, items) -> None:
    for row in state.targets:
        if row.due_date is None or not start <= row.due_date <= end or row.verdict not in JUDGED_TARGETS:
            continue
        credit = 1.0 if row.verdict == TargetVerdict.MET else 0.0
        label = TargetVerdict(row.verdict).label
        for unit in row.measure.lead_units():
            item = _item(row.measure, row.label, row.due_date.isoformat(), str(label), credit)
            items[unit.pk]["targets"].append(item)


def _row(unit_id: int, name: str, items: dict, formula: RankingFormula) -> dict:
    components = {}
    weighted = total_weight = 0.0
    for key, weight in formula.weights().items():
        counted = items.get(key, [])
        value = sum(i["credit"] for i in counted) / len(counted) if counted else None
        sufficient = len(counted) >= formula.min_items
        components[key] = {"value": value, "count": len(counted), "weight": weight, "sufficient": sufficient}
        if sufficient and weight:
            weighted += weight * value
            total_weight += weight
    score = round(100 * weighted / total_weight, 1) if total_weight else None
    return {
        "unit_id": unit_id,
        "unit": name,
        "score": score,
        "ranked": score is not None,
        "components": components,
        "items": {key: items.get(key, []) for key in COMPONENTS},
    }


def _rank(rows: list[dict], bottom_n: int) -> list[str]:
    """Order, rank and mark the rows in place (see the module's rules); returns notes to show."""
    rows.sort(key=lambda r: (not r["ranked"], -(r["score"] or 0), r["unit"]))
    ranked = [r for r in rows if r["ranked"]]
    for row in rows:
        row.update(rank=None, tied=False, interview=False, interview_tie=False)
    scores = [r["score"] for r in ranked]
    for row in ranked:
        row["rank"] = 1 + sum(1 for score in scores if score > row["score"])
        row["tied"] = scores.count(row["score"]) > 1
    notes = []
    if not bottom_n:
        return notes
    if len(ranked) <= bottom_n:
        if ranked:
            notes.append(f"参与排名的单位不足 {bottom_n + 1} 家,本期不设末位约谈。")
        return notes
    threshold = ranked[-bottom_n]["score"]
    marked = [r for r in ranked if r["score"] <= threshold]
    if len(marked) == len(ranked):
        notes.append("参与排名的单位得分全部并列,本期不设末位约谈。")
        return notes
    for row in marked:
        row["interview"] = True
        row["interview_tie"] = row["score"] == threshold and len(marked) > bottom_n
    if len(marked) > bottom_n:
        notes.append(f"末位第 {bottom_n} 名有 {len(marked) - bottom_n + 1} 个单位得分并列,均列入末位约谈。")
    return notes


def _bulletin_lists(state: engine.Programme, period: ReportingPeriod, as_of: date, documents=None) -> dict:
    """The bulletin's lists; across `documents` (all active ones) each entry names its document."""

    def named(measure) -> dict:
        return {} if documents is None else {"document": measure.document.title}

    overdue = defaultdict(list)
    for row in state.milestones:
        if row.state == MilestoneState.OVERDUE:
            for unit in row.measure.lead_units():
                overdue[unit.name].append(
                    {
                        "measure": row.measure.code,
                        "title": row.measure.title,
                        "label": row.milestone.description[:60],
                        "due": row.milestone.due_date.isoformat(),
                        "days": row.days_overdue,
                        **named(row.measure),
                    }
                )
    missed = [
        {
            "measure": row.measure.code,
            "label": row.label,
            "actual": f"{row.value.normalize()}{row.target.unit}" if row.value is not None else "未报告",
            **named(row.measure),
        }
        for row in state.targets
        if row.verdict == TargetVerdict.MISSED
    ]
    before = clock.end_of_day(as_of)
    reviews = ReportReview.objects.filter(good_practice=True, report__period=period, decided_at__lt=before)
    if documents is not None:
        reviews = reviews.filter(report__measure__document__in=[d.pk for d in documents])
    good = [
        {"measure": review.report.measure.code, "title": review.report.measure.title, "unit": review.report.unit.name,
         "progress": review.report.progress[:200], "comment": review.comment, **named(review.report.measure)}
        for review in reviews.select_related("report__measure__section", "report__measure__document", "report__unit")
    ]  # fmt: skip
    return {"overdue": dict(sorted(overdue.items())), "targets_missed": missed, "good_practice": good}


def default_period(as_of: date) -> ReportingPeriod | None:
    """The latest period whose reports were due before `as_of` (the boards' "this period")."""
    return engine.judged_periods(as_of).order_by("-due_on").first()


@transaction.atomic
def publish(user, document, period: ReportingPeriod, as_of: date) -> RankingSnapshot:
    """Freeze the period's ranking of `document` (None: of all active documents together) as of
    `as_of`. One live (not withdrawn) ranking per document, or of all documents, and period."""
    if not access.can_review(user):
        raise NotAllowed("只有市营商办可以发布排名")
    if as_of < period.due_on:
        raise ServiceError(f"{period.label}的报告截止日为 {period.due_on:%Y-%m-%d},截止后才能发布该期排名")
    if RankingSnapshot.objects.live().filter(document=document, period=period).exists():
        scope = "" if document is not None else ALL_DOCUMENTS_TITLE
        raise ServiceError(f"{period.label}{scope}的排名已发布;如需更正,请先撤回已发布的排名")
    if document is None and not active_documents().exists():
        raise ServiceError("没有未归档的政策文件,无法发布全部文件的排名")
    formula = current_formula()
    data = compute_ranking(document, period, formula, as_of)
    try:
        with transaction.atomic():
            return RankingSnapshot.objects.create(
                document=document, period=period, formula=formula, as_of=as_of, data=data, published_by=user
            )
    except IntegrityError:
        raise ServiceError(f"{period.label}的排名已发布") from None


@transaction.atomic
def withdraw(user, snapshot: RankingSnapshot, reason: str) -> RankingSnapshot:
    """Withdraw a published ranking, with a reason: the snapshot is kept, marked and audited;
    the period can then be published again."""
    if not access.can_review(user):
        raise NotAllowed("只有市营商办可以撤回排名")
    reason = reason.strip()
    if not reason:
        raise ServiceError("请填写撤回原因")
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.withdrawn_at is not None:
        raise ServiceError("该排名已撤回")
    snapshot.withdrawn_at, snapshot.withdrawn_by, snapshot.withdrawal_reason = clock.now(), user, reason
    snapshot.save()
    return snapshot


def next_formula_version() -> int:
    return (RankingFormula.objects.aggregate(top=Max("version"))["top"] or 0) + 1

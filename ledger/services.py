"""The ledger's workflow: drafts, submission, sign-off, review, versions, evidence.

draft → (awaiting sign-off →) submitted → approved | returned. A returned or approved
report is changed only by starting a new version, which copies the last one's content,
target values, milestone claims and evidence. Draft saves carry the `lock_version` the
user started from; a save from a stale copy is refused (StaleEdit) and nothing is lost.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import clock
from core.errors import NotAllowed, ServiceError
from measures.models import DATED_KINDS, Measure

from . import access, signals
from .models import (
    COMMENT_LIMIT,
    TEXT_LIMIT,
    Contribution,
    ContributionRequest,
    Evidence,
    MilestoneClaim,
    PendingResubmission,
    PendingReview,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportReview,
    ReportState,
    ReviewDecision,
    TargetActual,
)
from .uploads import check_upload, stored_file

CONTENT_FIELDS = ("status", "progress", "problems", "next_steps")


class StaleEdit(ServiceError):
    """Someone saved the draft since this user loaded it. `current` is what is stored now."""

    def __init__(self, current):
        self.current = current
        who = current.edited_by or current.author
        when = timezone.localtime(current.updated_at).strftime("%H:%M:%S")
        super().__init__(f"该草稿已被{who}于 {when} 修改,您的修改尚未保存。请对照下方的最新内容后再保存。")


@dataclass(frozen=True)
class TargetValue:
    target_id: int
    value: Decimal
    as_of: date


def latest_report(measure: Measure, period: ReportingPeriod) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(measure=measure, period=period)
        .select_related("review", "author")
        .order_by("-version")
        .first()
    )


@transaction.atomic
def open_report(user, measure: Measure, period: ReportingPeriod) -> ProgressReport:
    """The draft this user's unit edits for `measure` and `period`: the open one, or a new
    version continuing the last returned/approved one, or a first version."""
    if not access.can_write_report(user, measure):
        raise NotAllowed("只有牵头单位可以填报本举措的进展")
    # Lock the measure row so two people opening the same report don't both create a version.
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    latest = latest_report(measure, period)
    if latest is None:
        return ProgressReport.objects.create(
            measure=measure, period=period, unit_id=user.unit_id, author=user, status=ProgressStatus.ON_TRACK
        )
    if latest.state in (ReportState.DRAFT, ReportState.AWAITING_SIGNOFF):
        return latest
    if latest.state == ReportState.SUBMITTED:
        raise ServiceError("该期报告已提交,正在等待市营商办审核,审核后才能修改")
    return _new_version(latest, user)


def _new_version(previous: ProgressReport, user) -> ProgressReport:
    report = ProgressReport.objects.create(
        measure=previous.measure,
        period=previous.period,
        unit_id=user.unit_id,
        author=user,
        previous=previous,
        version=previous.version + 1,
        **{field: getattr(previous, field) for field in CONTENT_FIELDS},
    )
    TargetActual.objects.bulk_create(
        TargetActual(report=report, target_id=a.target_id, value=a.value, as_of=a.as_of) for a in previous.actuals.all()
    )
    # Claims carry over while open; a milestone the office has confirmed (销号) is done for good.
    confirmed = confirmed_milestone_ids(previous.measure)
    MilestoneClaim.objects.bulk_create(
        MilestoneClaim(report=report, milestone_id=c.milestone_id)
        for c in previous.claims.all()
        if c.milestone_id not in confirmed
    )
    Evidence.objects.bulk_create(
        Evidence(
            report=report,
            file=e.file.name,
            original_name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            sha256=e.sha256,
            uploaded_by_id=e.uploaded_by_id,
        )
        for e in previous.evidence.all()
    )
    return report


def _guarded_update(model, pk: int, lock_version: int, user, **values):
    """Write `values` only if the row is still an unsubmitted draft at `lock_version`."""
    updated = model.objects.filter(pk=pk, lock_version=lock_version, submitted_at__isnull=True).update(
        lock_version=lock_version + 1, updated_at=clock.now(), edited_by=user, **values
    )
    current = model.objects.get(pk=pk)
    if not updated:
        if current.submitted_at:
            raise ServiceError("该记录已提交,不能再修改")
        raise StaleEdit(current)
    return current


@transaction.atomic
def save_report_draft(
    user,
    report: ProgressReport,
    lock_version: int,
    content: dict,
    target_values: list[TargetValue] | None = None,
    claimed_milestone_ids: list[int] | None = None,
) -> ProgressReport:
    """Save the draft's narrative; target values and milestone claims replace the stored ones
    when given, and stay as they are when None (a partial edit, as the API's PATCH allows)."""
    _check_editable(user, report)
    if report.signoff_requested_at and not access.signs_for(user, report):
        raise ServiceError("报告已提请负责人审签,审签前只有本单位负责人可以修改")
    report = _guarded_update(ProgressReport, report.pk, lock_version, user, **_content(content))
    _replace_children(report, target_values, claimed_milestone_ids)
    return report


FIELD_LABELS = {"progress": "工作进展", "problems": "存在问题", "next_steps": "下步计划"}


def _content(content: dict) -> dict:
    for field, label in FIELD_LABELS.items():
        _check_length(content.get(field), label, TEXT_LIMIT)
    return {field: content[field] for field in CONTENT_FIELDS if field in content}


def _check_length(text: str | None, label: str, limit: int) -> None:
    if text and len(text) > limit:
        raise ServiceError(f"{label}最多 {limit} 字,当前 {len(text)} 字")


def _replace_children(report, target_values, claimed_milestone_ids) -> None:
    if target_values is not None:
        if not {v.target_id for v in target_values} <= set(report.measure.targets.values_list("pk", flat=True)):
            raise ServiceError("指标不属于本举措")
        report.actuals.all().delete()
        TargetActual.objects.bulk_create(
            TargetActual(report=report, target_id=v.target_id, value=v.value, as_of=v.as_of) for v in target_values
        )
    if claimed_milestone_ids is not None:
        check_claims(report.measure, claimed_milestone_ids)
        report.claims.all().delete()
        MilestoneClaim.objects.bulk_create(MilestoneClaim(report=report, milestone_id=m) for m in claimed_milestone_ids)


def check_claims(measure: Measure, milestone_ids) -> None:
    """Milestones a report may claim done: this measure's, each once, and only dated ones —
    an ongoing, yearly or per-schedule milestone has no date to be done by."""
    if len(milestone_ids) != len(set(milestone_ids)):
        raise ServiceError("同一节点只能申报一次")
    kinds = dict(measure.milestones.values_list("pk", "kind"))
    foreign = sorted(set(milestone_ids) - set(kinds))
    if foreign:
        raise ServiceError(f"节点 {', '.join(map(str, foreign))} 不属于本举措")
    if any(kinds[m] not in DATED_KINDS for m in milestone_ids):
        raise ServiceError("长期推进、每年、按序时进度推进的节点没有截止日期,不能申报完成;请申报具体的限时节点")
    if closed := set(milestone_ids) & confirmed_milestone_ids(measure):
        raise ServiceError(f"节点 {', '.join(map(str, sorted(closed)))} 已销号,不能再次申报")


def confirmed_milestone_ids(measure: Measure) -> set[int]:
    """Milestones of `measure` already confirmed (销号): claimed in a report the office approved."""
    return set(
        MilestoneClaim.objects.filter(
            milestone__measure=measure, report__review__decision=ReviewDecision.APPROVED
        ).values_list("milestone_id", flat=True)
    )


def _check_editable(user, report) -> None:
    if not access.can_write_report(user, report.measure):
        raise NotAllowed("只有牵头单位可以修改本举措的进展报告")
    if report.submitted_at:
        raise ServiceError("该报告已提交,不能再修改;如需更正请新建版本")


def _check_complete(report: ProgressReport) -> None:
    missing = [
        label
        for field, label in (("progress", "工作进展"), ("next_steps", "下步计划"))
        if not getattr(report, field).strip()
    ]
    if missing:
        raise ServiceError(f"请先填写{'、'.join(missing)}再提交")
    if report.claims.exists() and not report.evidence.exists():
        raise ServiceError("申报节点完成须上传佐证材料")
    if report.status == ProgressStatus.COMPLETED:
        _check_completion(report)


def _check_completion(report: ProgressReport) -> None:
    """已完成 means the whole measure is done: it can end (no ongoing or yearly part), every dated
    milestone is confirmed or claimed in this report, and there is evidence. Approval then
    confirms the claims and the measure stops owing reports (deadlines.engine)."""
    measure = report.measure
    if not measure.can_complete:
        raise ServiceError("本举措含长期推进或每年任务,不能报“已完成”;请报“按计划推进”")
    if not report.evidence.exists():
        raise ServiceError("状态为“已完成”的报告须上传佐证材料")
    confirmed = confirmed_milestone_ids(measure)
    claimed = set(report.claims.values_list("milestone_id", flat=True))
    open_milestones = [m for m in measure.milestones.all() if m.kind in DATED_KINDS and m.pk not in confirmed | claimed]
    if open_milestones:
        names = "、".join(f"{m.due_date:%Y-%m-%d} {m.description[:20]}" for m in open_milestones)
        raise ServiceError(f"报“已完成”须同时申报尚未销号的节点:{names}")


@transaction.atomic
def submit_report(user, report: ProgressReport, lock_version: int) -> ProgressReport:
    """Send the draft to the office — or, when leaders must sign off and the user is not
    one, to the unit leader first."""
    _check_editable(user, report)
    _check_complete(report)
    now = clock.now()
    signs = access.signs_for(user, report)
    if settings.REQUIRE_LEADER_SIGNOFF and not signs:
        if report.signoff_requested_at:
            raise NotAllowed("报告已提请审签,只有填报单位的负责人可以审签提交")
        report = _guarded_update(ProgressReport, report.pk, lock_version, user, signoff_requested_at=now)
        signals.signoff_requested.send(ProgressReport, report=report, actor=user)
        return report
    signed_off = {"signed_off_by": user} if signs else {}
    report = _guarded_update(
        ProgressReport, report.pk, lock_version, user, submitted_at=now, submitted_by=user, **signed_off
    )
    PendingReview.objects.create(report=report, submitted_at=report.submitted_at)
    # A return of this measure and period is answered now (models.PendingResubmission).
    PendingResubmission.objects.filter(report__measure=report.measure_id, report__period=report.period_id).delete()
    signals.report_submitted.send(ProgressReport, report=report, actor=user)
    return report


@transaction.atomic
def review_report(
    reviewer,
    report: ProgressReport,
    decision: str,
    comment: str = "",
    good_practice: bool = False,
    own_unit_reason: str = "",
) -> ReportReview:
    """The office approves or returns a submitted version, once. Approval confirms (销号)
    the milestones the report claims done.

    Segregation of duties: nobody reviews a version they wrote, submitted or signed off, and a
    report of the reviewer's own unit (市营商办 leads measure 22) needs a stated reason, kept
    with the decision for the supervisors to see."""
    if not access.can_review(reviewer):
        raise NotAllowed("只有市营商办审核员可以审核报告")
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if reviewer.pk in (report.author_id, report.submitted_by_id, report.signed_off_by_id):
        raise NotAllowed("不能审核本人填报、提交或审签的报告,请由其他审核员审核")
    own_unit_reason = own_unit_reason.strip()
    if access.reviews_own_unit(reviewer, report) and not own_unit_reason:
        raise NotAllowed(f"这是本单位({report.unit})填报的报告:须填写本单位报告审核说明,随审核记录留痕")
    if not access.reviews_own_unit(reviewer, report):
        own_unit_reason = ""
    _check_length(own_unit_reason, "本单位报告审核说明", COMMENT_LIMIT)
    if not report.submitted_at:
        raise ServiceError("报告尚未提交,不能审核")
    if ReportReview.objects.filter(report=report).exists():
        raise ServiceError("该版本已审核过;如需更正,请由牵头单位提交新版本")
    if decision not in ReviewDecision.values:
        raise ServiceError("审核结果无效")
    comment = comment.strip()
    _check_length(comment, "审核意见", COMMENT_LIMIT)
    if decision == ReviewDecision.RETURNED and not comment:
        raise ServiceError("退回时须填写审核意见,说明需要修改的地方")
    review = ReportReview.objects.create(
        report=report,
        decision=decision,
        comment=comment,
        reviewer=reviewer,
        good_practice=good_practice,
        own_unit_reason=own_unit_reason,
        decided_at=clock.now(),
    )
    PendingReview.objects.filter(report=report).delete()
    if decision == ReviewDecision.RETURNED:
        PendingResubmission.objects.create(report=report)
    signals.report_reviewed.send(ReportReview, review=review, actor=reviewer)
    return review


def attach_evidence(user, owner: ProgressReport | Contribution, uploaded) -> Evidence:
    if isinstance(owner, ProgressReport):
        _check_editable(user, owner)
    else:
        _check_contribution_editable(user, owner)
    owned_by = {"report": owner} if isinstance(owner, ProgressReport) else {"contribution": owner}
    return Evidence.objects.create(**stored_file(uploaded, check_upload(uploaded), user), **owned_by)


def remove_evidence(user, evidence: Evidence) -> None:
    owner = evidence.report or evidence.contribution
    if isinstance(owner, ProgressReport):
        _check_editable(user, owner)
    else:
        _check_contribution_editable(user, owner)
    evidence.delete()  # the file stays: earlier versions may share it


# Contributions: the same life, without review: a co-unit submits its share to the lead unit.


@transaction.atomic
def open_contribution(user, measure: Measure, period: ReportingPeriod) -> Contribution:
    if not access.can_contribute(user, measure):
        raise NotAllowed("只有本举措的责任单位可以报送")
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    latest = (
        Contribution.objects.filter(measure=measure, period=period, unit_id=user.unit_id).order_by("-version").first()
    )
    if latest is not None and not latest.submitted_at:
        return latest
    return Contribution.objects.create(
        measure=measure,
        period=period,
        unit_id=user.unit_id,
        author=user,
        previous=latest,
        version=latest.version + 1 if latest else 1,
        **(
            {field: getattr(latest, field) for field in CONTENT_FIELDS}
            if latest
            else {"status": ProgressStatus.ON_TRACK}
        ),
    )


def _check_contribution_editable(user, contribution: Contribution) -> None:
    if contribution.unit_id != user.unit_id or not access.can_contribute(user, contribution.measure):
        raise NotAllowed("只能修改本单位的报送")
    if contribution.submitted_at:
        raise ServiceError("该报送已提交,不能再修改;如需更正请新建版本")


@transaction.atomic
def save_contribution(user, contribution: Contribution, lock_version: int, content: dict) -> Contribution:
    _check_contribution_editable(user, contribution)
    return _guarded_update(Contribution, contribution.pk, lock_version, user, **_content(content))


@transaction.atomic
def submit_contribution(user, contribution: Contribution, lock_version: int) -> Contribution:
    _check_contribution_editable(user, contribution)
    if not contribution.progress.strip():
        raise ServiceError("请先填写工作进展再报送")
    contribution = _guarded_update(Contribution, contribution.pk, lock_version, user, submitted_at=clock.now())
    signals.contribution_submitted.send(Contribution, contribution=contribution, actor=user)
    return contribution


def units_to_ask(measure: Measure, period: ReportingPeriod) -> list:
    """The responsible units that have not yet submitted their share of `period`, each with
    `asked_at`: when the lead unit last asked it (None if never)."""
    submitted = set(
        Contribution.objects.filter(measure=measure, period=period, submitted_at__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    asked = {}
    for unit_id, at in ContributionRequest.objects.filter(measure=measure, period=period).values_list(
        "unit_id", "requested_at"
    ):
        asked[unit_id] = max(at, asked.get(unit_id, at))
    units = [unit for unit in measure.contributing_units() if unit.pk not in submitted]
    for unit in units:
        unit.asked_at = asked.get(unit.pk)
    return units


@transaction.atomic
def request_contributions(user, measure: Measure, period: ReportingPeriod, unit_ids, note: str = ""):
    """The lead unit asks responsible units for their share. A unit is asked at most once a
    day: asking again the same day would only repeat the same email."""
    if not access.can_write_report(user, measure):
        raise NotAllowed("只有本举措的牵头单位可以请求责任单位报送")
    note = note.strip()
    _check_length(note, "说明", COMMENT_LIMIT)
    Measure.objects.select_for_update().filter(pk=measure.pk).first()  # one request per unit per day
    open_units = {unit.pk: unit for unit in units_to_ask(measure, period)}
    chosen = [open_units[pk] for pk in unit_ids if pk in open_units]
    if not chosen:
        raise ServiceError("请选择尚未报送的责任单位")
    today = clock.today()
    already = [unit.name for unit in chosen if unit.asked_at and timezone.localdate(unit.asked_at) == today]
    if already:
        raise ServiceError(f"今天已请求过:{'、'.join(already)};明天可再次提醒")
    now = clock.now()
    requests = ContributionRequest.objects.bulk_create(
        ContributionRequest(measure=measure, period=period, unit=unit, requested_by=user, requested_at=now, note=note)
        for unit in chosen
    )
    signals.contributions_requested.send(ContributionRequest, requests=requests, actor=user)
    return requests

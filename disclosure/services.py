"""Writes of the public site and its management, and the rules they enforce.

- Only the office (营商办审核员) publishes, withdraws and triages; `ledger.access.can_review`.
  Turning feedback into a finding also passes supervision's rule (`turn_into_finding`).
- A publication freezes, from the ledger, only approved report versions reviewed by the end of
  its as-of day: never drafts, returned versions, review comments, own-unit reasons, problems,
  next steps or evidence.
- Interpretations and good practice are edited only as drafts; published, they are withdrawn
  once with a reason, never edited.
- Feedback is plain text within its limits, from one address at most `PUBLIC_FEEDBACK_PER_HOUR`
  times an hour; closing it records the reply, whether it is public, and who closed it when.
"""

import hashlib
import hmac
import re
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from core import clock
from core.errors import NotAllowed, ServiceError
from ledger import access
from ledger.models import ProgressReport, ProgressStatus, ReportReview, ReviewDecision
from ledger.uploads import UploadRejected, check_upload, stored_file
from measures.models import MilestoneKind
from measures.selectors import plan_measures
from supervision.models import FindingSource, Severity
from supervision.services import open_finding

from .models import (
    CONTACT_LIMIT,
    FEEDBACK_LIMIT,
    PUBLIC_TEXT_LIMIT,
    REPLY_LIMIT,
    Feedback,
    FeedbackAction,
    FeedbackActionKind,
    FeedbackStatus,
    GoodPractice,
    InterpretationAttachment,
    PolicyInterpretation,
    Publication,
    PublicState,
)

_MARKUP = re.compile(r"<\s*[A-Za-z!/?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RateLimited(ServiceError):
    """The sender's address has sent as much as it may for now."""


def _require_office(user, what: str) -> None:
    if not access.can_review(user):
        raise NotAllowed(f"只有市营商办审核员可以{what}")


def _check_text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    value = _CONTROL.sub("", value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}")
    if len(value) > limit:
        raise ServiceError(f"{label}最多 {limit} 字,现有 {len(value)} 字")
    return value


# --- the frozen plan -------------------------------------------------------------------------


def _approved_reports(document, as_of) -> dict[int, ProgressReport]:
    """Each measure's latest version approved by the end of `as_of`: the latest period, then the
    latest version. One query."""
    reports = (
        ProgressReport.objects.filter(
            measure__document=document,
            review__decision=ReviewDecision.APPROVED,
            review__decided_at__lt=clock.end_of_day(as_of),
        )
        .select_related("period", "review")
        .order_by("measure_id", "-period__starts_on", "-version")
    )
    latest: dict[int, ProgressReport] = {}
    for report in reports:
        latest.setdefault(report.measure_id, report)
    return latest


def freeze_plan(document, as_of) -> dict:
    """What the public reads: the plan as the document writes it and, for each measure, the
    status and 工作进展 of its latest approved report. JSON-ready; labels, never codes."""
    approved = _approved_reports(document, as_of)
    sections: dict[int, dict] = {}
    for measure in plan_measures(document):
        section = sections.setdefault(
            measure.section_id,
            {"numeral": measure.section.numeral, "title": measure.section.title, "measures": []},
        )
        report = approved.get(measure.pk)
        section["measures"].append(
            {
                "id": measure.pk,
                "code": measure.code,
                "numbered": measure.number is not None,
                "title": measure.title,
                "body": measure.body,
                "lead": [a.written_name for a in measure.lead_assignments()],
                "responsible": [a.written_name for a in measure.responsible_assignments()],
                "deadline": measure.deadline_text,
                "milestones": [
                    {
                        "due": m.due_date.isoformat() if m.due_date else "",
                        "kind": str(MilestoneKind(m.kind).label),
                        "description": m.description,
                    }
                    for m in measure.milestones.all()
                ],
                "progress": {
                    "period": report.period.label,
                    "status": str(ProgressStatus(report.status).label),
                    "text": report.progress,
                    "approved_on": clock.local_day(report.review.decided_at).isoformat(),
                }
                if report
                else None,
            }
        )
    return {
        "document": {
            "title": document.title,
            "source": document.source,
            "published_on": document.published_on.isoformat() if document.published_on else "",
        },
        "as_of": as_of.isoformat(),
        "sections": list(sections.values()),
    }


@transaction.atomic
def publish_plan(*, user, document, as_of, note: str = "") -> Publication:
    """Freeze the plan and approved progress as of `as_of` (not a day still to come)."""
    _require_office(user, "发布公开内容")
    if as_of > clock.today():
        raise ServiceError("进展截至日期不能晚于今天")
    note = _check_text(note, "发布说明", 200, required=False)
    return Publication.objects.create(
        document=document, as_of=as_of, note=note, data=freeze_plan(document, as_of), published_by=user
    )


@transaction.atomic
def withdraw_publication(*, user, publication: Publication, reason: str) -> Publication:
    """Withdraw once, with a reason; the public then sees the previous live publication, or none."""
    _require_office(user, "撤回公开内容")
    reason = _check_text(reason, "撤回原因", 2000)
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.withdrawn:
        raise ServiceError("该次发布已撤回")
    publication.withdrawn_at, publication.withdrawn_by, publication.withdrawal_reason = clock.now(), user, reason
    publication.save()
    return publication


# --- interpretations and good practice ------------------------------------------------------


def _draft_only(item) -> None:
    if not item.is_draft:
        raise ServiceError(f"已公开或已撤回的{item._meta.verbose_name}不能修改")


@transaction.atomic
def save_interpretation(
    *, user, interpretation: PolicyInterpretation | None, title: str, issuer: str, text: str, measures
) -> PolicyInterpretation:
    _require_office(user, "编辑政策解读")
    if interpretation is None:
        interpretation = PolicyInterpretation(created_by=user)
    else:
        interpretation = PolicyInterpretation.objects.select_for_update().get(pk=interpretation.pk)
        _draft_only(interpretation)
    interpretation.title = _check_text(title, "标题", 200)
    interpretation.issuer = _check_text(issuer, "发布单位", 100, required=False)
    interpretation.text = _check_text(text, "解读正文", PUBLIC_TEXT_LIMIT)
    interpretation.save()
    interpretation.measures.set(measures)
    return interpretation


@transaction.atomic
def attach_file(*, user, interpretation: PolicyInterpretation, uploaded) -> InterpretationAttachment:
    """The type is read from the content, as for evidence (ledger.uploads); drafts only."""
    _require_office(user, "上传附件")
    interpretation = PolicyInterpretation.objects.select_for_update().get(pk=interpretation.pk)
    _draft_only(interpretation)
    try:
        checked = check_upload(uploaded)
    except UploadRejected as exc:
        raise ServiceError(str(exc)) from None
    columns = stored_file(uploaded, checked, user)
    return InterpretationAttachment.objects.create(interpretation=interpretation, **columns)


def good_practice_candidates():
    """Approved reports a reviewer marked as good practice and not yet told publicly (a draft or
    a published text exists for none of them)."""
    taken = GoodPractice.objects.exclude(state=PublicState.WITHDRAWN).values("review_id")
    return (
        ReportReview.objects.filter(good_practice=True, decision=ReviewDecision.APPROVED)
        .exclude(pk__in=taken)
        .select_related("report__measure__section", "report__unit", "report__period")
        .order_by("-decided_at")
    )


@transaction.atomic
def start_good_practice(*, user, review: ReportReview) -> GoodPractice:
    """A draft from a review marked good practice: the office rewrites the text before publishing."""
    _require_office(user, "整理典型经验")
    if not (review.good_practice and review.decision == ReviewDecision.APPROVED):
        raise ServiceError("只有审核通过并列为典型经验的报告可以整理为典型经验")
    report = review.report
    try:
        with transaction.atomic():
            return GoodPractice.objects.create(
                review=review,
                measure=report.measure,
                unit_name=report.unit.name,
                title=report.measure.title,
                text=report.progress[:PUBLIC_TEXT_LIMIT],
                created_by=user,
            )
    except IntegrityError:
        raise ServiceError("该报告已整理为典型经验") from None


@transaction.atomic
def edit_good_practice(*, user, item: GoodPractice, title: str, text: str) -> GoodPractice:
    _require_office(user, "编辑典型经验")
    item = GoodPractice.objects.select_for_update().get(pk=item.pk)
    _draft_only(item)
    item.title = _check_text(title, "标题", 200)
    item.text = _check_text(text, "公开文本", PUBLIC_TEXT_LIMIT)
    item.save()
    return item


@transaction.atomic
def publish_item(*, user, item):
    """Publish a draft interpretation or good practice: from now on the public reads it as it is."""
    _require_office(user, "公开")
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not item.is_draft:
        raise ServiceError(f"该{item._meta.verbose_name}已公开或已撤回")
    item.state, item.published_by, item.published_at = PublicState.PUBLISHED, user, clock.now()
    item.save()
    return item


@transaction.atomic
def withdraw_item(*, user, item, reason: str):
    _require_office(user, "撤回")
    reason = _check_text(reason, "撤回原因", 2000)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not item.is_public:
        raise ServiceError(f"该{item._meta.verbose_name}未公开,无需撤回")
    item.state, item.withdrawn_by, item.withdrawn_at, item.withdrawal_reason = (
        PublicState.WITHDRAWN,
        user,
        clock.now(),
        reason,
    )
    item.save()
    return item


# --- feedback --------------------------------------------------------------------------------


def feedback_per_hour() -> int:
    return settings.PUBLIC_FEEDBACK_PER_HOUR


def sender_key(client_address: str) -> str:
    """A keyed hash of the client's address: enough to count, not to find anyone by."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"feedback:{client_address}".encode(), hashlib.sha256).hexdigest()[:32]


def plain_text(value: str, label: str, limit: int, *, required: bool) -> str:
    """Plain text only: markup is refused rather than silently changed, so the sender knows."""
    value = _check_text(value, label, limit, required=required)
    if _MARKUP.search(value):
        raise ServiceError(f"{label}请使用纯文本,不要包含 HTML 标签(“<”后紧跟字母或符号)")
    return value


@transaction.atomic
def receive_feedback(*, content: str, contact: str, measure_id: int | None, client_address: str) -> Feedback:
    """Store one message from the public. One address may send `feedback_per_hour()` an hour."""
    content = plain_text(content, "反映内容", FEEDBACK_LIMIT, required=True)
    contact = plain_text(contact, "联系方式", CONTACT_LIMIT, required=False)
    key = sender_key(client_address)
    since = clock.now() - timedelta(hours=1)
    if Feedback.objects.filter(sender_key=key, received_at__gte=since).count() >= feedback_per_hour():
        raise RateLimited("您提交得过于频繁,请一小时后再试。如情况紧急,请拨打 12345 热线。")
    return Feedback.objects.create(measure_id=measure_id, content=content, contact=contact, sender_key=key)


@transaction.atomic
def close_feedback(*, user, feedback: Feedback, reply: str, publish: bool, public_summary: str = "") -> Feedback:
    """Close with a reply. A public reply needs a public summary of the problem the office wrote
    (the sender's own words may name people or carry contact details, so they are never shown)."""
    _require_office(user, "处理群众反映")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status != FeedbackStatus.NEW:
        raise ServiceError("该反映已处理")
    reply = plain_text(reply, "答复", REPLY_LIMIT, required=True)
    public_summary = plain_text(public_summary, "公开的问题摘要", FEEDBACK_LIMIT, required=publish)
    now = clock.now()
    feedback.status, feedback.reply, feedback.reply_public = FeedbackStatus.CLOSED, reply, publish
    feedback.public_summary = public_summary if publish else ""
    feedback.closed_by, feedback.closed_at = user, now
    feedback.save()
    note = f"答复({'公开' if publish else '不公开'}):{reply}"
    FeedbackAction.objects.create(feedback=feedback, kind=FeedbackActionKind.CLOSED, actor=user, at=now, note=note)
    return feedback


@transaction.atomic
def turn_into_finding(
    *,
    user,
    feedback: Feedback,
    unit,
    problem: str,
    measures=(),
    severity: str = Severity.GENERAL,
    deadline: date | None = None,
    workdays: int | None = None,
):
    """Put the feedback on the supervision list (问题清单, source 社会监督) for `unit` to rectify by
    a date or within N working days, and mark the feedback as turned into that finding.

    Who may: both apps' rules apply and they agree. Triage is the office's (营商办审核员, like
    closing with a reply: `ledger.access.can_review`), and that check decides — it runs first,
    so a supervisor, who may open findings in 督查整改 but only reads 社会公开, is refused here.
    `supervision.services.open_finding` then applies supervision's own rule
    (`supervision.access.supervises`: supervisors and the office), which every office reviewer
    passes; if supervision ever narrowed it, its NotAllowed would roll the whole step back.

    One transaction, the feedback row locked: the finding (and the unit's notices), the
    feedback's status and link to it, and a FeedbackAction naming it commit together or not at all.
    """
    _require_office(user, "处理群众反映")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status != FeedbackStatus.NEW:
        raise ServiceError("该反映已处理")
    finding = open_finding(
        user=user,
        unit=unit,
        problem=problem,
        source=FindingSource.PUBLIC_FEEDBACK,
        origin=f"feedback:{feedback.pk}",
        measures=measures,
        severity=severity,
        deadline=deadline,
        workdays=workdays,
    )
    feedback.status, feedback.finding = FeedbackStatus.FINDING, finding
    feedback.save(update_fields=["status", "finding"])
    note = f"转为督查问题 {finding.pk}:责任单位 {unit.name},整改时限 {finding.deadline:%Y-%m-%d}"
    FeedbackAction.objects.create(feedback=feedback, kind=FeedbackActionKind.FINDING, actor=user, note=note)
    return finding

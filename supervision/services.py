"""Supervision's writes and business rules. Views, tasks and other apps (the public site turns
feedback into a finding with `open_finding`) call these; each checks who acts.

A finding moves only by appending a step; the step and the finding's new `state` are written in
one transaction with the finding row locked, so two people acting at once cannot both move it:

    待制定整改方案 --plan--> 整改中 --progress--> 整改中 --apply_close--> 已申请销号
    已申请销号 --close--> 已销号        已申请销号 --return--> 整改中
    已销号 --recheck--> 已销号          已销号 --reopen--> 整改中

The unit writes plan, progress and apply_close; the supervision offices close, return,
recheck and reopen.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse

from core import clock
from core.errors import NotAllowed, ServiceError
from core.workdays import shift_working_days
from ledger.uploads import UploadRejected, check_upload, stored_file
from notices.events import Event, tell, unit_staff
from notices.models import NoticeKind

from . import access
from .models import (
    TEXT_LIMIT,
    Accountability,
    Commitment,
    Finding,
    FindingEvidence,
    FindingSource,
    FindingState,
    FindingStep,
    Inspection,
    Interview,
    Severity,
    StepKind,
)

MAX_DEADLINE_WORKDAYS = 250


def _require_supervisor(user, what: str) -> None:
    if not access.supervises(user):
        raise NotAllowed(f"只有督查人员和市营商办可以{what}")


def _text(value: str, label: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}")
    if len(value) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 字(现 {len(value)} 字)")
    return value


# ---- inspections and findings ----------------------------------------------------------


@transaction.atomic
def create_inspection(*, user, topic, starts_on: date, ends_on: date, inspectors, measures=(), units=()) -> Inspection:
    """专项督查: recorded by the supervision offices, dates in order."""
    _require_supervisor(user, "记录专项督查")
    if ends_on < starts_on:
        raise ServiceError("结束日期不能早于开始日期")
    inspection = Inspection.objects.create(
        topic=_text(topic, "督查主题", limit=200),
        starts_on=starts_on,
        ends_on=ends_on,
        inspectors=_text(inspectors, "督查人员", limit=500),
        created_by=user,
    )
    inspection.measures.set(measures)
    inspection.units.set(units)
    return inspection


def rectification_deadline(*, opened_on: date, deadline: date | None = None, workdays: int | None = None) -> date:
    """A deadline given as a date, or as N working days after the day the finding is recorded
    (the holiday calendar's working days, core.workdays) — exactly one of the two."""
    if (deadline is None) == (workdays is None):
        raise ServiceError("请填写整改时限:一个日期,或若干个工作日(二选一)")
    if workdays is not None:
        if not 1 <= workdays <= MAX_DEADLINE_WORKDAYS:
            raise ServiceError(f"整改工作日数应在 1 至 {MAX_DEADLINE_WORKDAYS} 之间")
        return shift_working_days(opened_on, workdays)
    if deadline < opened_on:
        raise ServiceError("整改时限不能早于挂账日期")
    return deadline


@transaction.atomic
def open_finding(
    *,
    user,
    unit,
    problem: str,
    source: str = FindingSource.INSPECTION,
    measures=(),
    inspection: Inspection | None = None,
    severity: str = Severity.GENERAL,
    deadline: date | None = None,
    workdays: int | None = None,
    origin: str = "",
) -> Finding:
    """Put a problem on the list (挂账) for `unit` to rectify by a deadline. Recorded by the
    supervision offices, whatever the source: an inspection, the ranking, the digest, public
    feedback (`source=FindingSource.PUBLIC_FEEDBACK`, `origin="feedback:<id>"`) or the
    measure itself. The unit's staff are told."""
    _require_supervisor(user, "挂账督查问题")
    if source not in FindingSource.values:
        raise ServiceError("问题来源无效")
    if severity not in Severity.values:
        raise ServiceError("严重程度无效")
    if source == FindingSource.INSPECTION and inspection is None:
        raise ServiceError("来源为专项督查的问题须属于一次专项督查")
    opened_on = clock.today()
    finding = Finding.objects.create(
        inspection=inspection,
        unit=unit,
        problem=_text(problem, "问题描述"),
        source=source,
        origin=(origin or "")[:100],
        severity=severity,
        deadline=rectification_deadline(opened_on=opened_on, deadline=deadline, workdays=workdays),
        opened_on=opened_on,
        created_by=user,
    )
    finding.measures.set(measures)
    body = f"请于 {finding.deadline:%Y-%m-%d} 前完成整改,先制定整改方案(措施、责任人、时限)。"
    _tell_unit(finding, NoticeKind.FINDING_OPENED, f"新的督查问题:{finding.problem[:40]}", body, user, "opened")
    return finding


def _tell_unit(finding: Finding, kind: str, title: str, body: str, actor, key: str) -> None:
    event = Event(kind, f"finding:{finding.pk}:{key}", title, body, reverse("finding-detail", args=[finding.pk]))
    tell(event, unit_staff([finding.unit_id]), actor)


# ---- the rectification ledger ----------------------------------------------------------

UNIT_STEPS = {
    StepKind.PLAN: ((FindingState.OPEN, FindingState.RECTIFYING), FindingState.RECTIFYING),
    StepKind.PROGRESS: ((FindingState.RECTIFYING,), FindingState.RECTIFYING),
    StepKind.APPLY_CLOSE: ((FindingState.RECTIFYING,), FindingState.CLOSE_REQUESTED),
}
OFFICE_STEPS = {
    StepKind.CLOSE: ((FindingState.CLOSE_REQUESTED,), FindingState.CLOSED),
    StepKind.RETURN: ((FindingState.CLOSE_REQUESTED,), FindingState.RECTIFYING),
    StepKind.RECHECK: ((FindingState.CLOSED,), FindingState.CLOSED),
    StepKind.REOPEN: ((FindingState.CLOSED,), FindingState.RECTIFYING),
}
IRREVERSIBLE = (StepKind.CLOSE, StepKind.REOPEN)
VERBS = {
    StepKind.PLAN: "提交整改方案",
    StepKind.PROGRESS: "报告整改进展",
    StepKind.APPLY_CLOSE: "申请销号",
    StepKind.CLOSE: "销号",
    StepKind.RETURN: "退回整改",
    StepKind.RECHECK: "记录回头看",
    StepKind.REOPEN: "重新挂账",
}


def allowed_steps(user, finding: Finding) -> list[str]:
    """The steps `user` may take on `finding` in its current state (for the page's forms)."""
    table = {}
    if access.rectifies(user, finding):
        table |= UNIT_STEPS
    if access.supervises(user):
        table |= OFFICE_STEPS
    return [kind for kind, (sources, _) in table.items() if finding.state in sources]


@dataclass
class StepInput:
    text: str
    owner: str = ""
    due: date | None = None
    report: object = None  # a ledger.ProgressReport the unit points to
    files: tuple = ()


def take_step(*, user, finding: Finding, kind: str, data: StepInput) -> FindingStep:
    """Append one step. Refuses a step the user's role may not take (NotAllowed), or one the
    finding's state does not allow (ServiceError: e.g. closing what nobody applied to close)."""
    if kind in UNIT_STEPS:
        if not access.rectifies(user, finding):
            raise NotAllowed("只有责任单位可以填写整改方案、报告整改进展和申请销号")
        table = UNIT_STEPS
    elif kind in OFFICE_STEPS:
        _require_supervisor(user, "办理销号、退回、回头看和重新挂账")
        table = OFFICE_STEPS
    else:
        raise ServiceError("无效的办理类型")
    checked = []
    for uploaded in data.files:
        try:
            checked.append((uploaded, check_upload(uploaded)))
        except UploadRejected as exc:
            raise ServiceError(str(exc)) from None
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        sources, after = table[kind]
        if finding.state not in sources:
            raise ServiceError(f"该问题当前{FindingState(finding.state).label},不能{VERBS[kind]}")
        text = _text(data.text, "说明" if kind != StepKind.PLAN else "整改措施")
        owner, due = "", None
        if kind == StepKind.PLAN:
            owner = _text(data.owner, "责任人", limit=100)
            if data.due is None:
                raise ServiceError("请填写整改方案的时限")
            due = data.due
        if kind == StepKind.REOPEN:
            due = data.due
            if due is not None and due < clock.today():
                raise ServiceError("新的整改时限不能早于今天")
        if kind == StepKind.APPLY_CLOSE and not finding.steps.filter(kind=StepKind.PROGRESS).exists():
            raise ServiceError("请先报告整改进展(附佐证材料),再申请销号")
        report = data.report if kind == StepKind.PROGRESS else None
        step = FindingStep.objects.create(
            finding=finding, kind=kind, text=text, owner=owner, due=due, report=report, state_after=after, actor=user
        )
        for uploaded, info in checked:
            FindingEvidence.objects.create(step=step, **stored_file(uploaded, info, user))
        Finding.objects.filter(pk=finding.pk).update(state=after)
        finding.state = after
        _tell_about_step(finding, step, user)
    return step


def _tell_about_step(finding: Finding, step: FindingStep, actor) -> None:
    if step.kind == StepKind.RETURN:
        _tell_unit(finding, NoticeKind.FINDING_RETURNED, f"销号申请被退回:{finding.problem[:40]}",
                   f"退回意见:{step.text}\n请继续整改后重新申请销号。", actor, f"step:{step.pk}")  # fmt: skip
    elif step.kind == StepKind.CLOSE:
        _tell_unit(finding, NoticeKind.FINDING_CLOSED, f"问题已销号:{finding.problem[:40]}",
                   step.text, actor, f"step:{step.pk}")  # fmt: skip
    elif step.kind == StepKind.REOPEN:
        _tell_unit(finding, NoticeKind.FINDING_OPENED, f"问题重新挂账:{finding.problem[:40]}",
                   f"回头看发现问题反弹:{step.text}", actor, f"step:{step.pk}")  # fmt: skip


# ---- interviews, commitments, outcomes -------------------------------------------------


@transaction.atomic
def record_interview(
    *,
    user,
    unit,
    person: str,
    post: str,
    interviewers: str,
    held_on: date,
    reasons: str,
    findings=(),
    reason_link: str = "",
    ranking_snapshot_id: int | None = None,
    notes: str = "",
    commitments=(),
) -> Interview:
    """约谈, with its reasons (findings of the unit, or a ranking row / digest line as text and a
    link) and the commitments made, each with a deadline: they are then tracked like milestones."""
    _require_supervisor(user, "记录约谈")
    if held_on > clock.today():
        raise ServiceError("约谈日期不能晚于今天:请在约谈后记录")
    if any(f.unit_id != unit.pk for f in findings):
        raise ServiceError("所选问题须属于被约谈单位")
    if reason_link and not reason_link.startswith("/"):
        raise ServiceError("事由链接只能指向本系统的页面")
    interview = Interview.objects.create(
        unit=unit,
        person=_text(person, "被约谈人", limit=100),
        post=_text(post, "职务", limit=100),
        interviewers=_text(interviewers, "约谈人", limit=300),
        held_on=held_on,
        reasons=_text(reasons, "约谈事由"),
        reason_link=reason_link[:300],
        ranking_snapshot_id=ranking_snapshot_id,
        notes=_text(notes, "约谈记录", required=False),
        recorded_by=user,
    )
    interview.findings.set(findings)
    for text, deadline in commitments:
        add_commitment(user=user, interview=interview, text=text, deadline=deadline)
    return interview


def add_commitment(*, user, interview: Interview, text: str, deadline: date) -> Commitment:
    _require_supervisor(user, "记录约谈承诺")
    if deadline is None:
        raise ServiceError("请填写承诺时限")
    if deadline < interview.held_on:
        raise ServiceError("承诺时限不能早于约谈日期")
    return Commitment.objects.create(interview=interview, text=_text(text, "承诺事项", limit=500), deadline=deadline)


def fulfil_commitment(*, user, commitment: Commitment, fulfilled_on: date, note: str = "") -> Commitment:
    """Record, once, that a commitment was kept and on which day (not in the future, not before
    the interview)."""
    _require_supervisor(user, "确认承诺兑现")
    if fulfilled_on is None or fulfilled_on > clock.today():
        raise ServiceError("兑现日期不能晚于今天")
    if fulfilled_on < commitment.interview.held_on:
        raise ServiceError("兑现日期不能早于约谈日期")
    updated = Commitment.objects.filter(pk=commitment.pk, fulfilled_at=None).update(
        fulfilled_on=fulfilled_on, fulfilled_at=clock.now(), fulfilled_by=user, fulfilled_note=(note or "")[:500]
    )
    if not updated:
        raise ServiceError("该承诺已确认兑现")
    commitment.refresh_from_db()
    return commitment


@transaction.atomic
def record_outcome(
    *,
    user,
    kind: str,
    decided_on: date,
    summary: str,
    finding: Finding | None = None,
    interview: Interview | None = None,
    document=None,
    exposed: bool = False,
    public_summary: str = "",
) -> Accountability:
    """问责/通报 outcome of a finding or an interview, with the decision document (PDF, Word,
    image — type read from the content). `exposed` marks a typical negative case for the
    public site; it needs a public summary, the only text the public sees."""
    _require_supervisor(user, "记录问责处理")
    if (finding is None) == (interview is None):
        raise ServiceError("问责处理须针对一个督查问题或一次约谈")
    if decided_on > clock.today():
        raise ServiceError("决定日期不能晚于今天")
    outcome = Accountability(
        finding=finding,
        interview=interview,
        kind=kind,
        decided_on=decided_on,
        summary=_text(summary, "处理情况"),
        recorded_by=user,
    )
    if document is not None:
        try:
            info = check_upload(document)
        except UploadRejected as exc:
            raise ServiceError(str(exc)) from None
        outcome.document, outcome.document_name, outcome.document_type = (
            document,
            document.name[:200],
            info.content_type,
        )
    _expose(outcome, exposed, public_summary)
    outcome.save()
    return outcome


def _expose(outcome: Accountability, exposed: bool, public_summary: str) -> None:
    public_summary = _text(public_summary, "曝光内容", required=exposed)
    outcome.exposed, outcome.public_summary = exposed, public_summary
    outcome.exposed_at = (outcome.exposed_at or clock.now()) if exposed else None


@transaction.atomic
def set_exposure(*, user, outcome: Accountability, exposed: bool, public_summary: str = "") -> Accountability:
    """Mark an outcome for public exposure (曝光) or take it back."""
    _require_supervisor(user, "决定公开曝光")
    outcome = Accountability.objects.select_for_update().get(pk=outcome.pk)
    _expose(outcome, exposed, public_summary)
    outcome.save(update_fields=["exposed", "public_summary", "exposed_at"])
    return outcome

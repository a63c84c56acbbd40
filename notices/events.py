"""Ledger events → notices and emails. Each receiver runs inside the transaction that records
the event, so the event, its notices and its dispatch rows commit together or not at all; the
emails are sent after the commit through the dispatch table (deadlines.notify), which retries
and never sends a row twice."""

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse

from accounts.models import User
from accounts.roles import OFFICE_REVIEWER, UNIT_LEADER, UNIT_REPORTER, Role
from core.emails import render_email
from deadlines import notify
from deadlines.models import DispatchKind
from ledger import signals
from ledger.models import ReviewDecision

from .models import EmailOptOut, Notice, NoticeKind


@dataclass
class Event:
    kind: str
    key: str  # the ledger row it is about, e.g. "review:12"
    title: str
    body: str
    link: str


def people(*, unit_ids=None, roles: tuple[Role, ...]) -> list[User]:
    """Active users holding one of `roles` (in the given units, if any)."""
    users = User.objects.filter(is_active=True, groups__name__in=[role.group_name for role in roles])
    if unit_ids is not None:
        users = users.filter(unit_id__in=unit_ids)
    return list(users.distinct().order_by("pk"))


def tell(event: Event, users, actor=None) -> None:
    """A notice for each user but the actor, and an email to each who has not turned this kind
    off. Idempotent: an event told again finds its notices and dispatch rows already there."""
    users = [user for user in users if actor is None or user.pk != actor.pk]
    Notice.objects.bulk_create(
        [Notice(user=user, kind=event.kind, event=event.key, title=event.title, body=event.body, link=event.link)
         for user in users],
        ignore_conflicts=True,  # one_notice_per_event: the notice told before stays as it was
    )  # fmt: skip
    opted_out = set(EmailOptOut.objects.filter(kind=event.kind, user__in=users).values_list("user_id", flat=True))
    emails = sorted({user.email.lower() for user in users if user.email and user.pk not in opted_out})
    if emails:
        subject, text, html = render_email("notice", {"event": event, "kind": NoticeKind(event.kind).label})
        planned = [
            notify.PlannedEmail(email, DispatchKind.NOTICE, f"{event.kind}:{event.key}", subject, text, html)
            for email in emails
        ]
        transaction.on_commit(partial(_send, notify.record(planned)), robust=True)


def _send(dispatch_ids: list[int]) -> None:
    # A broker that is down loses nothing: the rows stay pending for the deliver_pending sweep.
    from deadlines.tasks import deliver_dispatch

    for pk in dispatch_ids:
        deliver_dispatch.delay(pk)


def unit_staff(unit_ids) -> list[User]:
    return people(unit_ids=unit_ids, roles=(UNIT_REPORTER, UNIT_LEADER))


def _about(report) -> str:
    return f"{report.measure.code}. {report.measure.title} · {report.period.label}第 {report.version} 版"


@receiver(signals.report_submitted)
def report_submitted(sender, report, actor, **kwargs):
    event = Event(
        NoticeKind.SUBMITTED, f"report:{report.pk}", f"待审核:{_about(report)}",
        f"{report.unit}已提交进展报告,请审核。", reverse("report-detail", args=[report.pk]),
    )  # fmt: skip
    tell(event, people(roles=(OFFICE_REVIEWER,)), actor)


@receiver(signals.signoff_requested)
def signoff_requested(sender, report, actor, **kwargs):
    event = Event(
        NoticeKind.SIGNOFF, f"report:{report.pk}", f"待审签:{_about(report)}",
        f"{actor}提请审签本单位进展报告,审签后报市营商办。", reverse("report-edit", args=[report.pk]),
    )  # fmt: skip
    tell(event, people(unit_ids=[report.unit_id], roles=(UNIT_LEADER,)), actor)


@receiver(signals.report_reviewed)
def report_reviewed(sender, review, actor, **kwargs):
    report = review.report
    returned = review.decision == ReviewDecision.RETURNED
    kind = NoticeKind.RETURNED if returned else NoticeKind.APPROVED
    verdict = "被退回" if returned else "已通过审核"
    body = f"审核意见:{review.comment}" if review.comment else "市营商办已审核通过。"
    if returned:
        body += "\n请修改后重新提交。"
    event = Event(
        kind, f"review:{review.pk}", f"{verdict}:{_about(report)}", body, reverse("report-detail", args=[report.pk])
    )
    tell(event, unit_staff([report.unit_id]), actor)


@receiver(signals.contributions_requested)
def contributions_requested(sender, requests, actor, **kwargs):
    for request in requests:
        measure, period = request.measure, request.period
        body = f"{actor.unit or actor}请贵单位报送本期配合材料。"
        if request.note:
            body += f"\n说明:{request.note}"
        event = Event(
            NoticeKind.CONTRIBUTION_REQUESTED, f"request:{request.pk}",
            f"请报送:{measure.code}. {measure.title} · {period.label}", body, reverse("my-tasks"),
        )  # fmt: skip
        tell(event, unit_staff([request.unit_id]), actor)


@receiver(signals.contribution_submitted)
def contribution_submitted(sender, contribution, actor, **kwargs):
    measure = contribution.measure
    event = Event(
        NoticeKind.CONTRIBUTION_SUBMITTED, f"contribution:{contribution.pk}",
        f"{contribution.unit}已报送:{measure.code}. {measure.title} · {contribution.period.label}",
        contribution.progress[:200],
        reverse("measure-ledger", args=[measure.pk]) + f"#contribution-{contribution.pk}",
    )  # fmt: skip
    tell(event, unit_staff([unit.pk for unit in measure.lead_units()]), actor)

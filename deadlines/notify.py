"""Who is told what, once: planning dispatch rows, and delivering them.

Planning writes one Dispatch row per (recipient, kind, period) with the email already
rendered; the unique key makes a second beat, a retried task or a rerun a no-op.
Delivery claims a row with a conditional UPDATE, sends, and marks it sent only after the
SMTP server accepted it. A failure puts the row back with a later `next_attempt_at`
(exponential backoff); a worker that died mid-send leaves a claim that expires after
DISPATCH_LEASE_SECONDS and is picked up by the next run.
"""

import logging
import smtplib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import OFFICE_REVIEWER, SUPERVISOR, UNIT_LEADER
from core.emails import render_email
from core.workdays import shift_working_days
from measures.models import AssignmentRole
from measures.selectors import followed_measures
from units.models import UnitContact

from . import digest, engine
from .models import (
    DigestFrequency,
    DigestRecipient,
    Dispatch,
    DispatchKind,
    DispatchState,
    MilestoneState,
    MilestoneStatus,
    ObligationState,
    ReportObligation,
)
from .rules import calendar_warning_on, days_overdue

logger = logging.getLogger(__name__)


# ---- what is overdue ------------------------------------------------------------------


@dataclass
class OverdueItem:
    """One overdue milestone or missing report, once, with every lead unit that answers for it."""

    key: str
    units: list[str]
    measure_id: int
    measure_code: str
    measure_title: str
    what: str
    due: date
    days_overdue: int
    newly: bool
    contacts: list[str]


@dataclass
class Overview:
    as_of: date
    items: list[OverdueItem]  # most overdue first
    counts: dict[str, int]
    warning: str = ""

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def newly_total(self) -> int:
        return sum(item.newly for item in self.items)


def overdue_overview(state: engine.Programme, new_since: date) -> Overview:
    """Everything overdue in `state` (milestones not done, consolidated reports not sent), one
    item each with all its lead units, marking what became overdue after `new_since`."""
    new_milestones, new_reports = state.newly_overdue(new_since)
    newly = {id(row) for row in [*new_milestones, *new_reports]}
    contacts = _contacts({unit.pk for m in state.measures for unit in m.lead_units()})
    items: dict[str, OverdueItem] = {}

    def add(key, unit, measure, what, due, days, is_new):
        item = items.get(key)
        if item is None:
            item = items[key] = OverdueItem(
                key, [], measure.pk, measure.code, measure.title, what, due, days, is_new, []
            )
        item.newly = item.newly or is_new
        item.units.append(unit.name if unit else "牵头单位未明确")
        item.contacts.extend(c for c in (contacts.get(unit.pk, []) if unit else []) if c not in item.contacts)

    for row in state.milestones:
        if row.state == MilestoneState.OVERDUE:
            what = f"节点:{row.milestone.description[:60]}"
            for unit in row.measure.lead_units() or [None]:
                add(f"milestone:{row.milestone.pk}", unit, row.measure, what, row.milestone.due_date,
                    row.days_overdue, id(row) in newly)  # fmt: skip
    for row in state.reports:
        if row.state == ObligationState.MISSING:
            what = f"漏报:{row.period.label}进展报告"
            add(f"report:{row.measure.pk}:{row.period.pk}", row.unit, row.measure, what, row.due_on,
                row.days_overdue, id(row) in newly)  # fmt: skip
    ordered = sorted(items.values(), key=lambda i: (-i.days_overdue, i.measure_code, i.key))
    return Overview(state.as_of, ordered, _status_counts(state), calendar_warning_on(state.as_of))


def _contacts(unit_ids) -> dict[int, list[str]]:
    contacts = defaultdict(list)
    for contact in UnitContact.objects.filter(unit_id__in=unit_ids).order_by("pk"):
        contacts[contact.unit_id].append(str(contact))
    return contacts


def _status_counts(state: engine.Programme) -> dict[str, int]:
    counts = Counter(row.state for row in state.milestones)
    counts["missing_reports"] = sum(1 for row in state.reports if row.state == ObligationState.MISSING)
    return dict(counts)


# ---- planning -------------------------------------------------------------------------


@dataclass
class PlannedEmail:
    recipient: str
    kind: str
    period_key: str
    subject: str
    body_text: str
    body_html: str


def digest_recipients() -> list[tuple[str, str]]:
    """(email, frequency) of supervisor-role users and configured addresses; a DigestRecipient
    row with the same address sets its frequency or switches it off."""
    configured = {r.email.lower(): r for r in DigestRecipient.objects.all()}
    recipients = {}
    supervisors = User.objects.filter(groups__name=SUPERVISOR.group_name, is_active=True).exclude(email="")
    for email in [u.email for u in supervisors] + list(settings.SUPERVISION_EMAILS):
        recipients[email.lower()] = DigestFrequency.DAILY
    for email, row in configured.items():
        if row.active:
            recipients[email] = row.frequency
        else:
            recipients.pop(email, None)
    return sorted(recipients.items())


def _digest_key(as_of: date, frequency: str) -> str | None:
    if frequency == DigestFrequency.WEEKLY:
        if as_of.weekday() != settings.DIGEST_WEEKDAY:
            return None
        year, week, _ = as_of.isocalendar()
        return f"{year}-W{week:02d}"
    return as_of.isoformat()


def plan_digests(as_of: date) -> list[PlannedEmail]:
    """The supervision digests due on `as_of`. Newly overdue means since the recipient's last
    digest, so a day the system was down is folded into the next digest, not lost."""
    planned = []
    state = engine.programme(engine.monitored_measures(followed_measures()), as_of)
    sections = digest.sections(as_of)
    for email, frequency in digest_recipients():
        key = _digest_key(as_of, frequency)
        if key is None:
            continue
        last = (
            Dispatch.objects.filter(recipient=email, kind=DispatchKind.DIGEST, state=DispatchState.SENT)
            .exclude(period_key=key)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        window = 7 if frequency == DigestFrequency.WEEKLY else 1
        new_since = (
            min(timezone.localtime(last).date(), as_of - timedelta(days=1)) if last else as_of - timedelta(days=window)
        )
        overview = overdue_overview(state, new_since)
        if not overview.items and not sections and not settings.DIGEST_WHEN_EMPTY:
            continue
        context = {"overview": overview, "frequency": frequency, "new_since": new_since, "sections": sections}
        planned.append(PlannedEmail(email, DispatchKind.DIGEST, key, *render_email("digest", context)))
    return planned


def unit_addresses(unit_ids) -> dict[int, list[str]]:
    """Each unit's addresses: its contacts and its active users. Supervision's alerts use it too."""
    addresses = defaultdict(set)
    for unit_id, email in UnitContact.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "email"):
        addresses[unit_id].add(email.lower())
    users = User.objects.filter(unit_id__in=unit_ids, is_active=True).exclude(email="")
    for unit_id, email in users.values_list("unit_id", "email"):
        addresses[unit_id].add(email.lower())
    return {unit_id: sorted(emails) for unit_id, emails in addresses.items()}


def plan_unit_alerts(as_of: date) -> list[PlannedEmail]:
    """Reminders before a milestone or a report falls due (T-7 and T-1 working days by
    default), a notice when it becomes overdue, and an escalation to the office's leaders
    when it stays overdue beyond ESCALATION_AFTER_DAYS. Each goes out once per item."""
    planned: list[PlannedEmail] = []
    # Reminder n is due once `as_of` is within n working days of the due date; the most
    # imminent one that applies wins, so a reminder missed while the system was down still goes.
    horizons = {n: shift_working_days(as_of, n) for n in sorted(settings.REMINDER_WORKDAYS)}
    reminder_until = max(horizons.values(), default=as_of)
    milestones = (
        MilestoneStatus.objects.filter(
            Q(state__in=[MilestoneState.DUE_SOON, MilestoneState.ON_TRACK], due_date__lte=reminder_until)
            | Q(state=MilestoneState.OVERDUE),
            milestone__measure__in=followed_measures(),  # an archived document alerts nobody
        )
        .select_related("milestone__measure")
        .prefetch_related("milestone__measure__assignments")
    )
    reports = ReportObligation.objects.filter(
        Q(state__in=[ObligationState.DUE_SOON, ObligationState.PENDING], due_on__lte=reminder_until)
        | Q(state=ObligationState.MISSING),
        kind=ReportObligation.Kind.REPORT,
        measure__in=followed_measures(),
    ).select_related("measure", "period", "unit")
    items = []
    for status in milestones:
        measure = status.milestone.measure
        units = [a.unit_id for a in measure.assignments.all() if a.role == AssignmentRole.LEAD and a.unit_id]
        what = f"节点:{status.milestone.description[:60]}"
        items.append((f"milestone:{status.milestone_id}", measure, what, status.due_date, status.state, units))
    for obligation in reports:
        what = f"{obligation.period.label}进展报告"
        key = f"report:{obligation.measure_id}:{obligation.period_id}:{obligation.unit_id}"
        items.append((key, obligation.measure, what, obligation.due_on, obligation.state, [obligation.unit_id]))
    addresses = unit_addresses({unit for *_, units in items for unit in units})
    escalate_to = _escalation_addresses()
    for key, measure, what, due, state, units in items:
        context = {"measure": measure, "what": what, "due": due, "as_of": as_of, "days": days_overdue(due, as_of)}
        recipients = sorted({email for unit in units for email in addresses.get(unit, [])})
        if state in (MilestoneState.OVERDUE, ObligationState.MISSING):
            planned += _for_each(recipients, DispatchKind.OVERDUE, f"{key}:overdue", "overdue", context)
            if context["days"] > settings.ESCALATION_AFTER_DAYS:
                planned += _for_each(escalate_to, DispatchKind.ESCALATION, f"{key}:escalation", "escalation", context)
            continue
        applicable = [n for n, horizon in horizons.items() if horizon >= due]
        if applicable:
            offset = applicable[0]
            context["workdays"] = offset
            planned += _for_each(recipients, DispatchKind.REMINDER, f"{key}:T-{offset}", "reminder", context)
    return planned


def _for_each(recipients, kind, period_key, template, context) -> list[PlannedEmail]:
    if not recipients:
        return []
    subject, text, html = render_email(template, context)
    return [PlannedEmail(email, kind, period_key, subject, text, html) for email in recipients]


def _escalation_addresses() -> list[str]:
    """The office's leaders: unit leaders of the units the office reviewers belong to."""
    office_units = User.objects.filter(groups__name=OFFICE_REVIEWER.group_name).values("unit_id")
    leaders = User.objects.filter(groups__name=UNIT_LEADER.group_name, unit_id__in=office_units, is_active=True)
    emails = leaders.exclude(email="").values_list("email", flat=True)
    return sorted({e.lower() for e in emails} | {e.lower() for e in settings.ESCALATION_EMAILS})


def record(planned: list[PlannedEmail]) -> list[int]:
    """Store planned emails as dispatch rows; rows that exist already are left as they are.
    Returns the ids of the rows created now."""
    created = []
    for email in planned:
        try:
            with transaction.atomic():
                row = Dispatch.objects.create(**vars(email))
        except IntegrityError:
            continue  # already planned by an earlier run or another beat: that row is the one
        created.append(row.pk)
    return created


# ---- delivery -------------------------------------------------------------------------


class DeliveryFailed(Exception):
    pass


class NotDueYet(Exception):
    """The row waits for its backoff; retry after `seconds`."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"next attempt in {seconds:.0f} s")


def _claimable(now):
    lease_expired = now - timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    return Dispatch.objects.filter(
        Q(state=DispatchState.PENDING, next_attempt_at__isnull=True)
        | Q(state=DispatchState.PENDING, next_attempt_at__lte=now)
        | Q(state=DispatchState.SENDING, claimed_at__lt=lease_expired)
    )


def claim(pk: int, now=None) -> Dispatch | None:
    """Take the row for this worker, or None if another worker has it or it is done."""
    now = now or timezone.now()
    updated = (
        _claimable(now).filter(pk=pk).update(state=DispatchState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return Dispatch.objects.get(pk=pk) if updated else None


def deliver(pk: int, connection=None, now=None) -> bool:
    """Send one dispatch if this worker can claim it. True when it was sent now."""
    dispatch = claim(pk, now)
    if dispatch is None:
        waiting = Dispatch.objects.filter(pk=pk, state=DispatchState.PENDING).values_list("next_attempt_at", flat=True)
        next_attempt = waiting.first()
        if next_attempt is not None:
            raise NotDueYet(max((next_attempt - (now or timezone.now())).total_seconds(), 0.5))
        return False  # sent already, or another worker holds it
    message = EmailMultiAlternatives(
        dispatch.subject,
        dispatch.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [dispatch.recipient],
        headers={"Message-ID": dispatch.message_id},
        connection=connection or get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    message.attach_alternative(dispatch.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        _failed(dispatch, exc)
        raise DeliveryFailed(str(exc)) from exc
    Dispatch.objects.filter(pk=pk, state=DispatchState.SENDING).update(
        state=DispatchState.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … times DISPATCH_RETRY_BASE_SECONDS, capped at four hours."""
    return timedelta(seconds=min(settings.DISPATCH_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 4 * 3600))


def _failed(dispatch: Dispatch, exc: Exception) -> None:
    exhausted = dispatch.attempts >= settings.DISPATCH_MAX_ATTEMPTS
    logger.warning("邮件发送失败 %s(第 %s 次):%s", dispatch, dispatch.attempts, exc)
    Dispatch.objects.filter(pk=dispatch.pk, state=DispatchState.SENDING).update(
        state=DispatchState.FAILED if exhausted else DispatchState.PENDING,
        next_attempt_at=timezone.now() + backoff(dispatch.attempts),
        last_error=str(exc)[:2000],
    )


def due_dispatch_ids(now=None) -> list[int]:
    return list(_claimable(now or timezone.now()).order_by("pk").values_list("pk", flat=True))


def deliver_due(now=None) -> tuple[int, int]:
    """Send every row that is due; returns (sent, failed). One SMTP connection for the batch."""
    sent = failed = 0
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    for pk in due_dispatch_ids(now):
        try:
            sent += deliver(pk, connection, now)
        except (DeliveryFailed, NotDueYet):
            failed += 1
    return sent, failed

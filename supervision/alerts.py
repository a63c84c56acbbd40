"""Rectification and commitment deadlines, alerted like milestones (deadlines.notify): reminders
to the responsible unit REMINDER_WORKDAYS working days before, a notice once overdue, each a
Dispatch row unique per (recipient, kind, key) so a rerun, a retried task or a second beat
sends nothing twice; and the digest's groups 整改超期 and 承诺未兑现."""

from datetime import date

from django.conf import settings
from django.urls import reverse

from core.emails import render_email
from core.workdays import shift_working_days
from deadlines import notify
from deadlines.digest import DigestLine, DigestSection
from deadlines.models import DispatchKind, MilestoneState

from .models import OPEN_FINDING_STATES, Commitment, Finding
from .state import commitments_on, findings_on


def open_findings(as_of: date):
    rows = findings_on(
        Finding.objects.filter(state__in=OPEN_FINDING_STATES).select_related("unit").prefetch_related("steps"), as_of
    )
    return [row for row in rows if row.is_open]


def open_commitments(as_of: date):
    commitments = Commitment.objects.filter(fulfilled_at=None).select_related("interview__unit")
    return [row for row in commitments_on(commitments, as_of) if row.state != MilestoneState.DONE]


def _items(as_of: date):
    """(key, unit, label, what, due, state, days, link) of every open deadline on `as_of`."""
    for row in open_findings(as_of):
        finding = row.finding
        link = reverse("finding-detail", args=[finding.pk])
        what = f"督查问题整改:{finding.problem[:60]}"
        yield (f"finding:{finding.pk}:{row.deadline}", finding.unit, "整改", what, row.deadline, row.deadline_state,
               row.days_overdue, link)  # fmt: skip
    for row in open_commitments(as_of):
        commitment = row.commitment
        interview = commitment.interview
        link = reverse("interview-detail", args=[interview.pk])
        what = f"约谈承诺:{commitment.text[:60]}"
        yield (f"commitment:{commitment.pk}", interview.unit, "承诺", what, commitment.deadline, row.state,
               row.days_overdue, link)  # fmt: skip


def plan_alerts(as_of: date) -> list[notify.PlannedEmail]:
    """Reminders and overdue notices for rectification and commitment deadlines on `as_of`,
    with the milestones' rules: the most imminent reminder that applies wins, so one missed
    while the system was down still goes."""
    horizons = {n: shift_working_days(as_of, n) for n in sorted(settings.REMINDER_WORKDAYS)}
    items = list(_items(as_of))
    addresses = notify.unit_addresses({unit.pk for _, unit, *_ in items})
    planned = []
    for key, unit, label, what, due, state, days, link in items:
        recipients = addresses.get(unit.pk, [])
        context = {"label": label, "what": what, "unit": unit, "due": due, "as_of": as_of, "days": days, "link": link}
        if state == MilestoneState.OVERDUE:
            planned += _each(recipients, DispatchKind.OVERDUE, f"{key}:overdue", {**context, "overdue": True})
            continue
        applicable = [n for n, horizon in horizons.items() if horizon >= due]
        if applicable:
            planned += _each(recipients, DispatchKind.REMINDER, f"{key}:T-{applicable[0]}",
                             {**context, "workdays": applicable[0]})  # fmt: skip
    return planned


def _each(recipients, kind, key, context):
    if not recipients:
        return []
    subject, text, html = render_email("supervision-alert", context)
    return [notify.PlannedEmail(email, kind, key, subject, text, html) for email in recipients]


def prepare_alerts(as_of: date) -> list[int]:
    """Plan and record today's alerts; returns the ids of the dispatch rows created now."""
    return notify.record(plan_alerts(as_of))


def _lines(rows) -> list[DigestLine]:
    return sorted(rows, key=lambda line: (-line.days_overdue, line.unit, line.what))


def overdue_findings_section(as_of: date) -> DigestSection:
    """整改超期: open findings past their rectification deadline."""
    lines = [
        DigestLine(
            row.finding.unit.name,
            f"督查问题:{row.finding.problem[:60]}",
            row.deadline,
            row.days_overdue,
            reverse("finding-detail", args=[row.finding.pk]),
        )  # fmt: skip
        for row in open_findings(as_of)
        if row.deadline_state == MilestoneState.OVERDUE
    ]
    return DigestSection("整改超期", _lines(lines))


def unfulfilled_commitments_section(as_of: date) -> DigestSection:
    """承诺未兑现: commitments past their deadline and not recorded as kept."""
    lines = [
        DigestLine(
            row.commitment.interview.unit.name,
            f"约谈承诺:{row.commitment.text[:60]}",
            row.commitment.deadline,
            row.days_overdue,
            reverse("interview-detail", args=[row.commitment.interview_id]),
        )  # fmt: skip
        for row in open_commitments(as_of)
        if row.state == MilestoneState.OVERDUE
    ]
    return DigestSection("承诺未兑现", _lines(lines))

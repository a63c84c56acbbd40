"""The status rules: pure functions from dates to a state. One obvious place for each rule.

Milestones: done (on time or late) once the office has confirmed a claim; else overdue
after the due date, due soon within the warning window (working days), on track before.
Ongoing, yearly and per-schedule milestones have no date: they are judged by reporting.
Reports: on time or late (迟报) once submitted; missing (漏报) after the due date; due
soon inside the window; pending before.
"""

from datetime import date

from django.conf import settings

from .models import Light, MilestoneKind, MilestoneState, ObligationState
from .workdays import shift_working_days

LIGHTS = {
    MilestoneState.ON_TRACK: Light.GREEN,
    MilestoneState.DUE_SOON: Light.YELLOW,
    MilestoneState.OVERDUE: Light.RED,
    MilestoneState.DONE: Light.DONE,
    MilestoneState.DONE_LATE: Light.DONE,
    MilestoneState.NOT_DATED: Light.NONE,
    ObligationState.PENDING: Light.GREEN,
    ObligationState.DUE_SOON: Light.YELLOW,
    ObligationState.MISSING: Light.RED,
    ObligationState.ON_TIME: Light.DONE,
    ObligationState.LATE: Light.DONE,
}


def warning_horizon(as_of: date, window: int | None = None) -> date:
    """The last due date that counts as "due soon" on `as_of`: `window` working days ahead.
    Computed once per scan, so a status is a few date comparisons."""
    return shift_working_days(as_of, settings.DEADLINE_WARNING_WORKDAYS if window is None else window)


def milestone_state(due: date | None, completed_on: date | None, as_of: date, horizon: date) -> str:
    if due is None:
        return MilestoneState.NOT_DATED
    if completed_on is not None and completed_on <= as_of:
        return MilestoneState.DONE if completed_on <= due else MilestoneState.DONE_LATE
    if as_of > due:
        return MilestoneState.OVERDUE
    return MilestoneState.DUE_SOON if due <= horizon else MilestoneState.ON_TRACK


def obligation_state(due: date, submitted_on: date | None, as_of: date, horizon: date) -> str:
    if submitted_on is not None and submitted_on <= as_of:
        return ObligationState.ON_TIME if submitted_on <= due else ObligationState.LATE
    if as_of > due:
        return ObligationState.MISSING
    return ObligationState.DUE_SOON if due <= horizon else ObligationState.PENDING


def days_overdue(due: date, as_of: date) -> int:
    return max((as_of - due).days, 0)


def final_due_date(milestones) -> date | None:
    """When a whole measure is due, from its (kind, due date) pairs: the last dated milestone —
    or None when part of it runs on (ongoing, yearly, per schedule) and so never ends."""
    milestones = list(milestones)
    if not milestones or any(kind not in (MilestoneKind.DATED, MilestoneKind.PHASE) for kind, _ in milestones):
        return None
    return max(due for _, due in milestones)


def closed_after(final_due: date | None, completed_period_ends) -> date | None:
    """The end of the period after which a measure owes no more reports: the first period whose
    approved 已完成 report came on or after the measure's final due date."""
    if final_due is None:
        return None
    return min((end for end in completed_period_ends if end >= final_due), default=None)

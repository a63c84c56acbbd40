"""The status rules: pure functions from dates to a state. One obvious place for each rule;
the as-of engine (deadlines.engine) gathers the facts and applies them.

Milestones: done (on time or late) once the office has confirmed a claim; else overdue
after the due date, due soon within the warning window (working days), on track before.
A milestone is done on the day its claim says: the earlier of the claiming report's
submission and the end of the period it reports on — a December report sent on 3 January
says what was done by 31 December. The office's approval confirms it; until then it is open.

Reports: on time or late (迟报) once first submitted; missing (漏报) after the due date; due
soon inside the window; pending before.

Targets: a target is judged the day after the report covering its due date was due (a target
due on 31 December is judged once December's report, due on 5 January, is late): met, or
missed. Before that it is met, behind (the latest value falls short) or not yet due (no
value). The value that counts is the latest approved one measured on or before the due date.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings

from core.clock import local_day
from core.workdays import calendar_warning, shift_working_days
from measures.models import Comparator

from .models import Light, MilestoneState, ObligationState, TargetVerdict

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
# Worst first: a measure shows the worst light among its parts.
LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREEN, Light.DONE, Light.NONE]


def warning_horizon(as_of: date, window: int | None = None) -> date:
    """The last due date that counts as "due soon" on `as_of`: `window` working days ahead.
    Computed once per day, so a status is a few date comparisons."""
    return shift_working_days(as_of, settings.DEADLINE_WARNING_WORKDAYS if window is None else window)


def calendar_warning_on(as_of: date) -> str:
    """The warning for anything judged on `as_of` (pages, digests, exports) when `as_of` or its
    warning window falls in a year the holiday calendar lacks; empty when it is covered."""
    return calendar_warning(as_of, warning_horizon(as_of))


def milestone_state(due: date | None, completed_on: date | None, as_of: date, horizon: date) -> str:
    """`completed_on` is the day the work was done, as confirmed by `as_of` (deadlines.engine
    passes only confirmed completions; a day after `as_of` is not known yet)."""
    if due is None:
        return MilestoneState.NOT_DATED
    if completed_on is not None and completed_on <= as_of:
        return MilestoneState.DONE if completed_on <= due else MilestoneState.DONE_LATE
    if as_of > due:
        return MilestoneState.OVERDUE
    return MilestoneState.DUE_SOON if due <= horizon else MilestoneState.ON_TRACK


def claimed_done_on(submitted_at: datetime, period_ends_on: date) -> date:
    """The day a confirmed claim says the milestone was done (see the module's docstring)."""
    return min(local_day(submitted_at), period_ends_on)


def obligation_state(due: date, submitted_on: date | None, as_of: date, horizon: date) -> str:
    if submitted_on is not None and submitted_on <= as_of:
        return ObligationState.ON_TIME if submitted_on <= due else ObligationState.LATE
    if as_of > due:
        return ObligationState.MISSING
    return ObligationState.DUE_SOON if due <= horizon else ObligationState.PENDING


def days_overdue(due: date, as_of: date) -> int:
    return max((as_of - due).days, 0)


def meets(comparator: str, goal: Decimal, value: Decimal) -> bool:
    return {
        Comparator.AT_MOST: value <= goal,
        Comparator.AT_LEAST: value >= goal,
        Comparator.EQUAL: value == goal,
        Comparator.ABOUT: abs(value - goal) <= goal * Decimal("0.1"),
    }[comparator]


def target_verdict(comparator: str, goal: Decimal, value: Decimal | None, as_of: date, judged_on: date | None) -> str:
    """`value` is the approved value that counts; `judged_on` the due date of the report covering
    the target's due date (None: a target without a date is never judged, only met or behind)."""
    if value is not None and meets(comparator, goal, value):
        return TargetVerdict.MET
    if judged_on is not None and as_of > judged_on:
        return TargetVerdict.MISSED
    return TargetVerdict.BEHIND if value is not None else TargetVerdict.NOT_DUE


def measure_light(milestone_states, report_states, completed: bool) -> str:
    """A completed measure is done. Otherwise the worst light among its milestones (an undated,
    ongoing part counts as running: green) and its lead reports that are missing (red) or due
    soon (yellow); a measure whose milestones are all done is done."""
    if completed:
        return Light.DONE
    lights = {Light.GREEN if s == MilestoneState.NOT_DATED else LIGHTS[s] for s in milestone_states}
    lights |= {LIGHTS[s] for s in report_states if s in (ObligationState.MISSING, ObligationState.DUE_SOON)}
    return next((light for light in LIGHT_ORDER if light in lights), Light.NONE)

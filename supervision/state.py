"""A finding's and a commitment's state on any day, replayed from the append-only rows.

The rectification deadline and the commitment deadline are judged by the milestone rules
(deadlines.rules.milestone_state): on track, due soon (within the warning window of working
days), overdue, done, done late. As with a milestone, the work counts as done on the day it was
claimed — the unit's 申请销号 — once the office's 销号 confirms it; a commitment on the day its
fulfilment says, once recorded. Nothing recorded after the day is known on that day.
"""

from dataclasses import dataclass
from datetime import date

from core.clock import end_of_day, local_day
from deadlines.models import MilestoneState
from deadlines.rules import days_overdue, milestone_state, warning_horizon

from .models import Commitment, Finding, FindingState, StepKind

BADGES = {
    MilestoneState.ON_TRACK: "text-bg-success",
    MilestoneState.DUE_SOON: "text-bg-warning",
    MilestoneState.OVERDUE: "text-bg-danger",
    MilestoneState.DONE: "text-bg-secondary",
    MilestoneState.DONE_LATE: "text-bg-secondary",
}


@dataclass
class FindingOn:
    finding: Finding
    as_of: date
    state: str  # FindingState
    deadline: date
    done_on: date | None
    deadline_state: str  # MilestoneState
    days_overdue: int

    @property
    def state_label(self) -> str:
        return FindingState(self.state).label

    @property
    def deadline_label(self) -> str:
        return MilestoneState(self.deadline_state).label

    @property
    def badge(self) -> str:
        return BADGES.get(self.deadline_state, "text-bg-light")

    @property
    def is_open(self) -> bool:
        return self.state != FindingState.CLOSED


def finding_on(finding: Finding, as_of: date, horizon: date | None = None) -> FindingOn | None:
    """`finding` as it stood at the end of `as_of` (None if it was not recorded yet). Reads
    `finding.steps.all()`: prefetch them for lists."""
    before = end_of_day(as_of)
    if finding.created_at >= before:
        return None
    state, deadline, applied_on, done_on = FindingState.OPEN, finding.deadline, None, None
    for step in finding.steps.all():
        if step.at >= before:
            break
        state = step.state_after
        if step.kind == StepKind.APPLY_CLOSE:
            applied_on = local_day(step.at)
        if step.kind == StepKind.REOPEN and step.due:
            deadline = step.due
        done_on = applied_on if state == FindingState.CLOSED else None
    horizon = horizon or warning_horizon(as_of)
    deadline_state = milestone_state(deadline, done_on, as_of, horizon)
    overdue = days_overdue(deadline, as_of) if deadline_state == MilestoneState.OVERDUE else 0
    return FindingOn(finding, as_of, state, deadline, done_on, deadline_state, overdue)


def findings_on(findings, as_of: date) -> list[FindingOn]:
    horizon = warning_horizon(as_of)
    rows = (finding_on(f, as_of, horizon) for f in findings)
    return [row for row in rows if row is not None]


@dataclass
class CommitmentOn:
    commitment: Commitment
    as_of: date
    state: str  # MilestoneState
    days_overdue: int

    @property
    def state_label(self) -> str:
        return MilestoneState(self.state).label

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "text-bg-light")


def commitment_on(commitment: Commitment, as_of: date, horizon: date | None = None) -> CommitmentOn:
    known = commitment.fulfilled_at is not None and commitment.fulfilled_at < end_of_day(as_of)
    state = milestone_state(
        commitment.deadline, commitment.fulfilled_on if known else None, as_of, horizon or warning_horizon(as_of)
    )
    overdue = days_overdue(commitment.deadline, as_of) if state == MilestoneState.OVERDUE else 0
    return CommitmentOn(commitment, as_of, state, overdue)


def commitments_on(commitments, as_of: date) -> list[CommitmentOn]:
    horizon = warning_horizon(as_of)
    before = end_of_day(as_of)
    return [commitment_on(c, as_of, horizon) for c in commitments if c.interview.recorded_at < before]

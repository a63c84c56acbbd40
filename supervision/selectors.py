"""What other pages read of supervision: the dashboards' counts, the bulletin's section and the
public site's exposed cases. Every answer is as of a day, replayed from the append-only rows."""

from datetime import date, timedelta

from django.db.models import Prefetch

from core.clock import end_of_day, local_day, today
from deadlines.models import MilestoneState
from measures.panels import Panel

from . import access
from .models import Accountability, Commitment, Finding, FindingStep, Interview, StepKind
from .state import commitments_on, findings_on


def summary(as_of: date, unit_id: int | None = None) -> dict[str, int]:
    """Findings open / overdue / closed on time / closed late, and commitments open / overdue /
    kept, as they stood at the end of `as_of` (three queries)."""
    findings = Finding.objects.prefetch_related("steps")
    commitments = Commitment.objects.select_related("interview")
    if unit_id is not None:
        findings, commitments = findings.filter(unit_id=unit_id), commitments.filter(interview__unit_id=unit_id)
    rows = findings_on(findings, as_of)
    kept = commitments_on(commitments, as_of)
    return {
        "findings_open": sum(row.is_open for row in rows),
        "findings_overdue": sum(row.deadline_state == MilestoneState.OVERDUE for row in rows),
        "findings_closed_on_time": sum(not row.is_open and row.deadline_state == MilestoneState.DONE for row in rows),
        "findings_closed_late": sum(not row.is_open and row.deadline_state == MilestoneState.DONE_LATE for row in rows),
        "commitments_open": sum(row.state not in (MilestoneState.DONE, MilestoneState.DONE_LATE) for row in kept),
        "commitments_overdue": sum(row.state == MilestoneState.OVERDUE for row in kept),
        "commitments_kept": sum(row.state in (MilestoneState.DONE, MilestoneState.DONE_LATE) for row in kept),
    }


def open_findings_of(unit_id: int, as_of: date):
    """A unit's findings still open on `as_of`, most urgent first (the unit's accounts)."""
    findings = Finding.objects.filter(unit_id=unit_id).prefetch_related("steps")
    rows = [row for row in findings_on(findings, as_of) if row.is_open]
    return sorted(rows, key=lambda row: (row.deadline, row.finding.pk))


def bulletin_section(start: date, as_of: date) -> dict:
    """The bulletin's 督查整改 section, JSON-ready for the ranking snapshot: findings opened and
    closed, and interviews held, from `start` to `as_of`, as recorded by the end of `as_of`."""
    before = end_of_day(as_of)
    opened = Finding.objects.filter(opened_on__range=(start, as_of), created_at__lt=before).select_related("unit")
    closes = FindingStep.objects.filter(
        kind=StepKind.CLOSE, at__gte=end_of_day(start - timedelta(days=1)), at__lt=before
    ).select_related("finding__unit")
    interviews = (
        Interview.objects.filter(held_on__range=(start, as_of), recorded_at__lt=before)
        .select_related("unit")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("deadline", "pk")))
    )
    return {
        "start": start.isoformat(),
        "end": as_of.isoformat(),
        "findings_opened": [
            {"unit": f.unit.name, "problem": f.problem[:200], "opened_on": f.opened_on.isoformat(),
             "deadline": f.deadline.isoformat(), "source": f.get_source_display()}
            for f in opened.order_by("opened_on", "pk")
        ],
        "findings_closed": [
            {"unit": s.finding.unit.name, "problem": s.finding.problem[:200], "closed_on": local_day(s.at).isoformat()}
            for s in closes.order_by("at", "pk")
        ],
        "interviews": [
            {"unit": i.unit.name, "person": i.person, "post": i.post, "held_on": i.held_on.isoformat(),
             "reasons": i.reasons[:200],
             "commitments": [{"text": c.text, "deadline": c.deadline.isoformat()} for c in i.commitments.all()]}
            for i in interviews.order_by("held_on", "pk")
        ],
    }  # fmt: skip


def exposed_cases():
    """Outcomes the office marked for public exposure (曝光), newest first. The public site shows
    `public_summary`, `kind` (label) and `exposed_at` only, never the internal fields."""
    return Accountability.objects.filter(exposed=True).order_by("-exposed_at", "-pk")


def open_findings_panel(unit, user):
    """The unit page's 未销号的督查问题: for those who read everything and the unit's own staff."""
    if not (access.reads_all(user) or (access.is_unit_staff(user) and user.unit_id == unit.pk)):
        return None
    rows = open_findings_of(unit.pk, today())
    return Panel(f"未销号的督查问题({len(rows)})", "supervision/_unit_panel.html", {"rows": rows})


def finding_counts_by_unit(as_of: date) -> dict[int, dict[str, int]]:
    """unit id → its findings open and overdue at the end of `as_of` (two queries), for the
    ranking page's 督查问题 column."""
    counts: dict[int, dict[str, int]] = {}
    for row in findings_on(Finding.objects.prefetch_related("steps"), as_of):
        if row.is_open:
            unit = counts.setdefault(row.finding.unit_id, {"open": 0, "overdue": 0})
            unit["open"] += 1
            unit["overdue"] += row.deadline_state == MilestoneState.OVERDUE
    return counts

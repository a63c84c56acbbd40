"""Read queries for the ledger pages, each a fixed number of SQL queries whatever the data size."""

import difflib
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from deadlines import rules
from measures.models import AssignmentRole, Measure, MeasureKind

from . import access
from .models import Contribution, Evidence, ProgressReport, ProgressStatus, ReportingPeriod, ReportState, TargetActual
from .periods import opened_periods

OPEN_STATES = (ReportState.DRAFT, ReportState.AWAITING_SIGNOFF, ReportState.RETURNED)


def final_due_date(measure: Measure) -> date | None:
    """The measure's final due date (deadlines.rules), from its prefetched milestones."""
    return rules.final_due_date((m.kind, m.due_date) for m in measure.milestones.all())


def local_date(moment) -> date:
    return timezone.localtime(moment).date()


@dataclass
class Obligation:
    """One report a unit owes: a measure in a period, and what has happened to it so far."""

    measure: Measure
    period: ReportingPeriod
    report: ProgressReport | None
    today: date

    @property
    def state(self) -> str:
        return self.report.state if self.report else "missing"

    @property
    def state_label(self) -> str:
        return self.report.state_label if self.report else "未填报"

    @property
    def is_sent(self) -> bool:
        return self.state in (ReportState.SUBMITTED, ReportState.APPROVED)

    @property
    def overdue(self) -> bool:
        return self.period.due_on < self.today and not self.is_sent and self.state != ReportState.RETURNED

    @property
    def days_overdue(self) -> int:
        return (self.today - self.period.due_on).days if self.overdue else 0


def _latest_by_key(rows, key) -> dict:
    latest = {}
    for row in sorted(rows, key=lambda r: r.version):
        latest[key(row)] = row
    return latest


def _closed_after(measure: Measure, reports: list[ProgressReport]) -> date | None:
    completed = (
        r.period.ends_on for r in reports if r.status == ProgressStatus.COMPLETED and r.state == ReportState.APPROVED
    )
    return rules.closed_after(final_due_date(measure), completed)


def report_obligations(user, today: date) -> list[Obligation]:
    """Every report the user's unit owes as a lead unit, over all opened periods."""
    periods = list(opened_periods(today))
    measures = list(
        access.led_measures(user)
        .filter(kind=MeasureKind.MEASURE)
        .select_related("section")
        .prefetch_related("milestones")
        .order_by("document", "position")
    )
    reports = list(
        ProgressReport.objects.filter(measure__in=measures, period__in=periods).select_related("review", "period")
    )
    latest = _latest_by_key(reports, lambda r: (r.measure_id, r.period_id))
    obligations = []
    for measure in measures:
        closed_after = _closed_after(measure, [r for r in reports if r.measure_id == measure.pk])
        for period in periods:
            if closed_after is None or period.starts_on <= closed_after:
                obligations.append(Obligation(measure, period, latest.get((measure.pk, period.pk)), today))
    return obligations


@dataclass
class ContributionDue:
    measure: Measure
    period: ReportingPeriod
    contribution: Contribution | None
    today: date

    @property
    def sent(self) -> bool:
        return bool(self.contribution and self.contribution.submitted_at)

    @property
    def overdue(self) -> bool:
        return not self.sent and self.period.due_on < self.today


def contributions_owed(user, today: date, periods: int = 3) -> list[ContributionDue]:
    """Contributions the user's unit owes where it is named as a responsible unit, recent periods."""
    if not access.is_unit_staff(user):
        return []
    recent = list(opened_periods(today)[:periods])
    named = Measure.objects.filter(
        assignments__unit_id=user.unit_id, assignments__role=AssignmentRole.RESPONSIBLE, kind=MeasureKind.MEASURE
    ).exclude(pk__in=access.led_measures(user).values("pk"))
    measures = list(named.select_related("section").order_by("document", "position"))
    contributions = Contribution.objects.filter(unit_id=user.unit_id, measure__in=measures, period__in=recent)
    latest = _latest_by_key(contributions, lambda c: (c.measure_id, c.period_id))
    return [
        ContributionDue(m, p, latest.get((m.pk, p.pk)), today)
        for m in measures
        for p in recent
        if not latest.get((m.pk, p.pk)) or not latest[(m.pk, p.pk)].submitted_at or p.due_on >= today
    ]


def review_queue(user, *, state: str = ReportState.SUBMITTED, section: str = "", unit: str = "", period: str = ""):
    """Latest versions visible to `user`, filtered like the office's review queue."""
    reports = access.visible_reports(user).filter(next_version__isnull=True)
    state_filters = {
        ReportState.SUBMITTED: Q(submitted_at__isnull=False, review__isnull=True),
        ReportState.APPROVED: Q(review__decision=ReportState.APPROVED),
        ReportState.RETURNED: Q(review__decision=ReportState.RETURNED),
        ReportState.AWAITING_SIGNOFF: Q(signoff_requested_at__isnull=False, submitted_at__isnull=True),
    }
    if state in state_filters:
        reports = reports.filter(state_filters[state])
    if section:
        reports = reports.filter(measure__section__numeral=section)
    if unit.isdigit():
        reports = reports.filter(unit_id=int(unit))
    if period.isdigit():
        reports = reports.filter(period_id=int(period))
    return (
        reports.select_related("measure__section", "period", "unit", "author", "submitted_by", "review__reviewer")
        .prefetch_related("evidence", "claims__milestone")
        .order_by("submitted_at", "pk")
    )


def contributions_for(measure: Measure, period: ReportingPeriod) -> list[Contribution]:
    """The latest submitted contribution of each co-unit, for the lead unit writing its report."""
    submitted = Contribution.objects.filter(measure=measure, period=period, submitted_at__isnull=False)
    latest = _latest_by_key(submitted.select_related("unit", "author"), lambda c: c.unit_id)
    return sorted(latest.values(), key=lambda c: c.unit.name)


def ledger_reports(user, measure: Measure) -> QuerySet[ProgressReport]:
    return (
        access.visible_reports(user)
        .filter(measure=measure)
        .select_related("period", "author", "submitted_by", "signed_off_by", "edited_by", "review__reviewer", "unit")
        .prefetch_related(
            Prefetch("actuals", queryset=TargetActual.objects.select_related("target")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
            "claims__milestone",
        )
        .order_by("-period__starts_on", "-version")
    )


def ledger_contributions(user, measure: Measure) -> QuerySet[Contribution]:
    return (
        access.visible_contributions(user)
        .filter(measure=measure)
        .select_related("period", "unit", "author")
        .prefetch_related("evidence")
        .order_by("-period__starts_on", "unit__name", "-version")
    )


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level changes between two versions of a text (Chinese has no word spaces):
    a list of (op, text) with op "equal", "delete" or "insert", for escaped rendering."""
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("equal", old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            parts.append(("delete", old[a1:a2]))
        if op in ("insert", "replace"):
            parts.append(("insert", new[b1:b2]))
    return parts

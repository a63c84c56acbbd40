"""Read queries for the ledger pages, each a fixed number of SQL queries whatever the data size."""

import difflib

from django.db.models import Prefetch, QuerySet

from measures.models import Measure

from . import access
from .models import Contribution, Evidence, ProgressReport, ReportingPeriod, ReportState, TargetActual


def signoff_queue(user) -> list[ProgressReport]:
    """Reports of the leader's unit waiting for its sign-off."""
    if not access.is_unit_leader(user):
        return []
    return list(
        access.visible_reports(user)
        .filter(unit_id=user.unit_id)
        .in_stage(ReportState.AWAITING_SIGNOFF)
        .select_related("measure__section", "period", "author")
    )


def review_queue(
    user, *, state: str = ReportState.SUBMITTED, section: str = "", unit: int | None = None, period: int | None = None
):
    """Latest versions visible to `user`, filtered like the office's review queue."""
    reports = access.visible_reports(user).filter(next_version__isnull=True)
    if state in ReportState.values:
        reports = reports.in_stage(state)
    if section:
        reports = reports.filter(measure__section__numeral=section)
    if unit is not None:
        reports = reports.filter(unit_id=unit)
    if period is not None:
        reports = reports.filter(period_id=period)
    return (
        reports.select_related("measure__section", "period", "unit", "author", "submitted_by", "review__reviewer")
        .prefetch_related("evidence", "claims__milestone")
        .order_by("submitted_at", "pk")
    )


def contributions_for(measure: Measure, period: ReportingPeriod) -> list[Contribution]:
    """The latest submitted contribution of each co-unit, for the lead unit writing its report."""
    submitted = Contribution.objects.filter(measure=measure, period=period, submitted_at__isnull=False)
    latest = {c.unit_id: c for c in submitted.select_related("unit", "author").order_by("version")}
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

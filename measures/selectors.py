"""Read queries shared by pages, the API and exports, each a fixed number of SQL queries."""

from django.db.models import Prefetch, QuerySet

from deadlines.models import Milestone

from .models import Assignment, Measure, PolicyDocument, Target


def assignments_prefetch() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "group"))


def measures_with_plan(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Measures with their section, assignments, milestones and targets loaded in 5 queries."""
    return queryset.select_related("section", "document").prefetch_related(
        assignments_prefetch(),
        Prefetch("milestones", queryset=Milestone.objects.order_by("position")),
        Prefetch("targets", queryset=Target.objects.order_by("position")),
    )


def plan_measures(document: PolicyDocument) -> QuerySet[Measure]:
    return measures_with_plan(document.measures.order_by("position"))


def current_document() -> PolicyDocument | None:
    return PolicyDocument.objects.order_by("-published_on", "-id").first()

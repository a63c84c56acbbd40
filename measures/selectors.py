"""Read queries shared by pages, the API and exports, each a fixed number of SQL queries."""

from django.db.models import Prefetch, QuerySet

from units.models import Unit

from .models import Assignment, Measure, Milestone, PolicyDocument, Target


def assignments_prefetch(with_group_members: bool = False) -> Prefetch:
    assignments = Assignment.objects.select_related("unit", "group")
    if with_group_members:
        assignments = assignments.prefetch_related(
            Prefetch("group__members", queryset=Unit.objects.order_by("kind", "name"))
        )
    return Prefetch("assignments", queryset=assignments)


def measures_with_plan(queryset: QuerySet[Measure], with_group_members: bool = False) -> QuerySet[Measure]:
    """Measures with their section, assignments, milestones and targets: 4 queries (5 with members)."""
    return queryset.select_related("section", "document").prefetch_related(
        assignments_prefetch(with_group_members),
        Prefetch("milestones", queryset=Milestone.objects.order_by("position")),
        Prefetch("targets", queryset=Target.objects.order_by("position")),
    )


def plan_measures(document: PolicyDocument) -> QuerySet[Measure]:
    return measures_with_plan(document.measures.order_by("position"))


def current_document() -> PolicyDocument | None:
    return PolicyDocument.objects.order_by("-published_on", "-id").first()

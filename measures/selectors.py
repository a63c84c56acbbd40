"""Read queries shared by pages, the API and exports, each a fixed number of SQL queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from units.models import Unit, UnitGroup

from .models import Assignment, AssignmentRole, Measure, Milestone, PolicyDocument, Section, Target


def assignments_prefetch(with_group_members: bool = False) -> Prefetch:
    # Ordered within each measure only: the model's ordering sorts by the measure's document and
    # position first, which joined and sorted every row again (70 ms for the whole programme).
    assignments = Assignment.objects.select_related("unit", "group").order_by("measure_id", "role", "position")
    if with_group_members:
        assignments = assignments.prefetch_related(
            Prefetch("group__members", queryset=Unit.objects.order_by("kind", "name"))
        )
    return Prefetch("assignments", queryset=assignments)


def measures_with_plan(queryset: QuerySet[Measure], with_group_members: bool = False) -> QuerySet[Measure]:
    """Measures with their section, assignments, milestones and targets: 4 queries (5 with members).
    The document comes without its full text and last imported plan: with them, every measure's
    row carried the whole document (3,000 measures read 300 ms of text nobody shows)."""
    return (
        queryset.select_related("section", "document")
        .defer("document__full_text", "document__imported_plan")
        .prefetch_related(
            assignments_prefetch(with_group_members),
            Prefetch("milestones", queryset=Milestone.objects.order_by("position")),
            Prefetch("targets", queryset=Target.objects.order_by("position")),
        )
    )


def lead_unit_ids(measure_ids) -> dict[int, set[int]]:
    """measure id → the ids of the units that lead it: Measure.lead_units' rule (named on the
    牵头单位 line, or a member of a group named there) on plain ids, for counting many measures
    without loading their plan. Two queries."""
    leads = {pk: set() for pk in measure_ids}
    rows = list(
        Assignment.objects.filter(measure_id__in=leads, role=AssignmentRole.LEAD)
        .order_by()
        .values_list("measure_id", "unit_id", "group_id")
    )
    members = defaultdict(set)
    groups = {group for _measure, _unit, group in rows if group is not None}
    for group_id, unit_id in UnitGroup.members.through.objects.filter(unitgroup_id__in=groups).values_list(
        "unitgroup_id", "unit_id"
    ):
        members[group_id].add(unit_id)
    for measure_id, unit_id, group_id in rows:
        leads[measure_id] |= {unit_id} if unit_id is not None else members[group_id]
    return leads


def plan_measures(document: PolicyDocument) -> QuerySet[Measure]:
    return measures_with_plan(document.measures.order_by("position"))


def current_document() -> PolicyDocument | None:
    """What pages show unless asked for another: the most recent active (not archived)
    document, or, when every one is archived, the most recent."""
    return PolicyDocument.objects.order_by(F("archived_at").asc(nulls_first=True), "-published_on", "-id").first()


def active_documents() -> QuerySet[PolicyDocument]:
    """The documents followed now: those not archived (an archived plan stays readable, but only
    when asked for), most recent first. What a page spanning documents covers: the
    whole-programme board and the ranking of all documents."""
    return PolicyDocument.objects.filter(archived_at__isnull=True).order_by("-published_on", "-id")


def followed_measures(queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """The measures of the documents followed now (not archived), of `queryset` when given: what
    the daily work watches — the scan, the alerts, the digests, 我的任务 and the boards spanning
    documents. An archived document's own pages still replay it, as of any day, when asked for."""
    return (Measure.objects.all() if queryset is None else queryset).filter(document__in=active_documents())


def document_choices() -> list[PolicyDocument]:
    """Every document for a selector, active ones first, most recent first: one query."""
    return list(
        PolicyDocument.objects.only("id", "title", "published_on", "archived_at").order_by(
            F("archived_at").asc(nulls_first=True), "-published_on", "-id"
        )
    )


def measure_sections(document_id: int) -> list[Section]:
    """The sections of one document's measures, in the document's order, for a filter: one query.
    A filter never lists every document's sections: at province scale that is thousands."""
    return list(
        Section.objects.filter(document_id=document_id, part="measures")
        .only("id", "document_id", "numeral", "position", "title")
        .order_by("position")
    )


def lead_unit_choices() -> QuerySet[Unit]:
    """Units that lead some measure, by name, for a filter: the units that report. One query,
    a semi-join, rather than a DISTINCT over every lead assignment of the programme."""
    leads = Assignment.objects.filter(unit=OuterRef("pk"), role=AssignmentRole.LEAD)
    return Unit.objects.filter(Exists(leads)).only("id", "name").order_by("name")


@dataclass(frozen=True)
class UnitChange:
    """A person's change to who leads a measure, as its audit entry records it."""

    at: datetime
    actor: object  # the User, with their unit
    action: str  # 新增 / 删除 / 修改
    name: str  # the unit as the row names it


ACTION_LABELS = {LogEntry.Action.CREATE: "新增", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除"}


def lead_changes(measure: Measure, limit: int = 20) -> list[UnitChange]:
    """Changes people made (in the app or the admin) to the measure's lead units, newest first;
    the import's own writes have no actor and are not listed. One query."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Assignment),
            additional_data__measure_id=measure.pk,
            additional_data__role=AssignmentRole.LEAD.value,
            actor__isnull=False,
        )
        .select_related("actor__unit")
        .order_by("-timestamp", "-pk")[:limit]
    )
    return [
        UnitChange(
            at=entry.timestamp,
            actor=entry.actor,
            action=ACTION_LABELS.get(entry.action, "修改"),
            name=entry.additional_data.get("name", ""),
        )
        for entry in entries
    ]

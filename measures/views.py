from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from units.models import Unit, UnitGroup, UnitKind

from .models import Assignment, AssignmentRole, Measure, PolicyDocument
from .selectors import current_document, measures_with_plan, plan_measures


class PlanView(LoginRequiredMixin, TemplateView):
    """The whole plan: measures grouped by section, with units, deadlines and targets."""

    template_name = "measures/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "pk" in self.kwargs:
            document = get_object_or_404(PolicyDocument, pk=self.kwargs["pk"])
        else:
            document = current_document()
        sections = []
        if document is not None:
            for measure in plan_measures(document):
                if not sections or sections[-1][0] != measure.section:
                    sections.append((measure.section, []))
                sections[-1][1].append(measure)
        context.update(
            nav="plan",
            document=document,
            sections=sections,
            documents=PolicyDocument.objects.only("id", "title", "published_on"),
        )
        return context


class MeasureDetailView(LoginRequiredMixin, DetailView):
    """One measure as written: full text, every assignment (groups open to members), milestones, targets."""

    template_name = "measures/measure_detail.html"
    context_object_name = "measure"

    def get_queryset(self):
        return measures_with_plan(Measure.objects.all(), with_group_members=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(nav="plan", **kwargs)
        measure = self.object
        context["leads"] = measure.lead_assignments()
        context["responsibles"] = measure.responsible_assignments()
        return context


class UnitListView(LoginRequiredMixin, ListView):
    """Every unit with how many measures it leads and shares; searchable by name and kind."""

    template_name = "units/unit_list.html"
    context_object_name = "units"
    paginate_by = 50

    def get_queryset(self):
        units = Unit.objects.annotate(
            lead_count=Count("assignments", filter=Q(assignments__role=AssignmentRole.LEAD)),
            responsible_count=Count("assignments", filter=Q(assignments__role=AssignmentRole.RESPONSIBLE)),
        ).order_by("kind", "name")
        if query := self.request.GET.get("q", "").strip():
            units = units.filter(Q(name__icontains=query) | Q(aliases__name__icontains=query)).distinct()
        if (kind := self.request.GET.get("kind")) in UnitKind.values:
            units = units.filter(kind=kind)
        return units

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="units",
            kinds=UnitKind.choices,
            query=self.request.GET.get("q", ""),
            kind=self.request.GET.get("kind", ""),
            groups=UnitGroup.objects.annotate(member_count=Count("members")),
            **kwargs,
        )


class UnitDetailView(LoginRequiredMixin, DetailView):
    """What a unit answers for: measures it leads, measures it shares, and those it is in through a group."""

    model = Unit
    template_name = "units/unit_detail.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs):
        unit = self.object
        groups = list(unit.groups.all())
        direct = list(
            Assignment.objects.filter(unit=unit)
            .select_related("measure__section")
            .order_by("measure__document", "measure__position")
        )
        via_groups = list(
            Assignment.objects.filter(group__in=groups)
            .select_related("measure__section", "group")
            .order_by("measure__document", "measure__position")
        )
        return super().get_context_data(
            nav="units",
            groups=groups,
            leads=[a for a in direct if a.role == AssignmentRole.LEAD],
            shares=[a for a in direct if a.role == AssignmentRole.RESPONSIBLE],
            via_groups=via_groups,
            **kwargs,
        )

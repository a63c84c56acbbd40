from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from core.errors import NotAllowed, ServiceError
from units.models import Unit, UnitGroup, UnitKind

from . import services
from .forms import LeadUnitsForm
from .models import Assignment, AssignmentRole, Measure, PolicyDocument
from .panels import unit_panels
from .selectors import current_document, lead_changes, measures_with_plan, plan_measures


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
        return context | measure_context(self.request.user, self.object)


def measure_context(user, measure: Measure, lead_form: LeadUnitsForm | None = None) -> dict:
    leads = measure.lead_assignments()
    if lead_form is None and services.can_set_lead_units(user):
        lead_form = LeadUnitsForm(
            initial={"units": [a.unit_id for a in leads if a.unit_id]}, has_lead_groups=any(a.group_id for a in leads)
        )
    return {
        "leads": leads,
        "lead_groups": [a for a in leads if a.group_id],
        "responsibles": measure.responsible_assignments(),
        "lead_form": lead_form,
        "lead_changes": lead_changes(measure),
    }


@login_required
@require_POST
def set_lead_units(request, pk):
    """The office sets who leads a measure: access check, form, service, back to the measure."""
    try:
        services.check_can_set_lead_units(request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    measure = get_object_or_404(measures_with_plan(Measure.objects.all(), with_group_members=True), pk=pk)
    form = LeadUnitsForm(request.POST, has_lead_groups=any(a.group_id for a in measure.lead_assignments()))
    if form.is_valid():
        try:
            changed = services.set_lead_units(measure=measure, units=form.cleaned_data["units"], user=request.user)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            form.add_error("units", str(exc))
        else:
            if changed:
                names = "、".join(unit.name for unit in form.cleaned_data["units"])
                messages.success(request, f"已设定牵头单位:{names}。修改已记入修改记录。")
            else:
                messages.info(request, "牵头单位没有变化,未做修改。")
            return redirect(measure)
    context = {"nav": "plan", "measure": measure, "object": measure} | measure_context(request.user, measure, form)
    return render(request, "measures/measure_detail.html", context)


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
            panels=unit_panels(unit, self.request.user),
            **kwargs,
        )

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from .models import Measure, PolicyDocument
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

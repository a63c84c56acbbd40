from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from core.errors import NotAllowed, ServiceError
from units.models import Unit, UnitGroup, UnitKind

from . import importing, previews, services
from .forms import ImportPreviewForm, ImportUploadForm, LeadUnitsForm
from .layouts import LAYOUTS, LEAD_RULES
from .models import Assignment, AssignmentRole, Measure, PolicyDocument
from .panels import unit_panels
from .selectors import current_document, document_choices, lead_changes, measures_with_plan, plan_measures
from .sources import MAX_BYTES


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
            documents=document_choices(),
            can_import=importing.can_import_documents(self.request.user),
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


PREVIEWS_SESSION_KEY = "import_previews"


def _check_can_import(user) -> None:
    try:
        importing.check_can_import_documents(user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc


def _upload_too_large(request) -> bool:
    # Refuse before Django reads the body: the cap holds however big the upload is.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_BYTES + 64 * 1024


@login_required
def import_upload(request):
    """The office uploads a plan: checked and stored for the preview, nothing imported yet."""
    _check_can_import(request.user)
    status = 200
    if request.method == "POST" and _upload_too_large(request):
        form = ImportUploadForm(data={}, files={})
        form.is_valid()
        form.errors["file"] = form.error_class([f"文件过大,上限为 {MAX_BYTES // 1024 // 1024} MB"])
        status = 413
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:  # known before reading: Django counts while streaming
                form.add_error("file", f"文件过大,上限为 {MAX_BYTES // 1024 // 1024} MB")
            else:
                stored = previews.store(user=request.user, data=upload.read(), name=upload.name)
                try:
                    importing.preview_import(
                        user=request.user, data=stored.data, filename=stored.name, file_sha256=stored.sha256
                    )
                except ServiceError as exc:
                    previews.discard(token=stored.token)
                    form.add_error("file", str(exc))
                else:
                    # A session keeps its last 10 previews; older ones go from disk too.
                    tokens = request.session.get(PREVIEWS_SESSION_KEY, [])
                    for old in tokens[:-9]:
                        previews.discard(token=old)
                    request.session[PREVIEWS_SESSION_KEY] = [*tokens[-9:], stored.token]
                    return redirect("document-import-preview", token=stored.token)
        status = 400
    else:
        form = ImportUploadForm()
    context = {"nav": "plan", "form": form, "max_mb": MAX_BYTES // 1024 // 1024}
    return render(request, "measures/import_upload.html", context, status=status)


def _stored_preview(request, token: str) -> previews.StoredUpload:
    if token not in request.session.get(PREVIEWS_SESSION_KEY, []):
        raise Http404("预览不存在或已过期,请重新上传文件")
    try:
        return previews.load(user=request.user, token=token)
    except previews.PreviewGone as exc:
        raise Http404(str(exc)) from exc


@login_required
def import_preview(request, token):
    """What the upload would store; corrections re-preview, the confirmation imports."""
    _check_can_import(request.user)
    stored = _stored_preview(request, token)
    args = {"user": request.user, "data": stored.data, "filename": stored.name, "file_sha256": stored.sha256}
    # The names to map come from the file as read with the chosen layout, before any mapping;
    # a choice that is not one of ours reads as automatic (and the form says so).
    data = request.POST if request.method == "POST" else None
    choice = {
        "layout": (data or {}).get("layout") if (data or {}).get("layout") in LAYOUTS else None,
        "lead_rule": (data or {}).get("lead_rule") if (data or {}).get("lead_rule") in LEAD_RULES else None,
    }
    status, choice_error = 200, ""
    try:
        try:
            preview = importing.preview_import(**args, **choice)
        except ServiceError as exc:
            if not any(choice.values()):
                raise
            # A layout or lead rule the file does not fit: say so, and show it as read automatically.
            choice_error, status = f"按所选版式或牵头规则{exc}", 400
            choice = {"layout": None, "lead_rule": None}
            preview = importing.preview_import(**args, **choice)
    except ServiceError as exc:
        previews.discard(token=token)
        form = ImportUploadForm(data={}, files={})
        form.is_valid()
        form.errors["file"] = form.error_class([str(exc)])
        context = {"nav": "plan", "form": form, "max_mb": MAX_BYTES // 1024 // 1024}
        return render(request, "measures/import_upload.html", context, status=400)
    form = ImportPreviewForm(data, names=preview.new_names, layouts=LAYOUTS, lead_rules=LEAD_RULES)
    if data is not None and form.is_valid() and not choice_error:
        mapping = form.unit_mapping()
        if mapping:
            preview = importing.preview_import(**args, **choice, unit_mapping=mapping)
        if "import" in request.POST:
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", "请先勾选确认,再导入")
                status = 400
            else:
                try:
                    report = importing.confirm_import(
                        **args,
                        **choice,
                        unit_mapping=mapping,
                        skip_conflicts=form.cleaned_data["skip_conflicts"],
                        digest=form.cleaned_data["digest"],
                    )
                except ServiceError as exc:
                    form.add_error(None, str(exc))
                    status = 409
                else:
                    previews.discard(token=token)
                    request.session[PREVIEWS_SESSION_KEY] = [
                        t for t in request.session.get(PREVIEWS_SESSION_KEY, []) if t != token
                    ]
                    messages.success(request, _import_message(report))
                    return redirect(report.document)
    elif data is not None and not choice_error:
        status = 400
    # The confirmation carries what this page shows, so a changed outcome is caught.
    form.initial.update(choice, digest=preview.digest)
    if data is not None:
        form.data = form.data.copy()
        form.data["digest"] = preview.digest
        form.data.pop("confirm", None)  # each confirmation is of the preview on screen
    return render(
        request,
        "measures/import_preview.html",
        {
            "nav": "plan",
            "preview": preview,
            "report": preview.report,
            "form": form,
            "stored": stored,
            "choice_error": choice_error,
        },
        status=status,
    )


def _import_message(report) -> str:
    parts = [f"《{report.document.title}》已导入:举措 {report.measures} 项,保障措施 {report.safeguards} 项"]
    if report.new_units or report.new_groups:
        parts.append(f"新建单位 {len(report.new_units)} 个、单位组 {len(report.new_groups)} 个,请在后台确认")
    if report.aliases_remembered:
        parts.append(f"已将 {'、'.join(report.aliases_remembered)} 记为所选单位的别名,下次导入自动匹配")
    if report.conflicts:
        parts.append(f"冲突 {len(report.conflicts)} 处保留了人工修改")
    return ";".join(parts) + "。"


@login_required
def archive_document(request, pk):
    """Archiving asks first: GET says what it means, only a POST with the confirmation archives."""
    _check_can_import(request.user)
    document = get_object_or_404(PolicyDocument, pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.archive_document(document=document, user=request.user)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"《{document.title}》已归档;看板等页面默认不再显示该文件。")
        return redirect(document)
    status = 400 if request.method == "POST" else 200
    context = {"nav": "plan", "document": document, "unconfirmed": request.method == "POST"}
    return render(request, "measures/document_archive.html", context, status=status)

"""Supervision pages. Thin: scope the object through supervision.access, validate a form, call a
service; a refusal of the person is 403 (404 for another unit's rows), a refusal of the rules a
message on the same page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotAllowed, ServiceError
from core.params import parse_choice, parse_date, parse_id
from deadlines.rules import calendar_warning_on
from ledger import access as ledger_access
from units.models import Unit

from . import access, services
from .forms import (
    CommitmentForm,
    FindingForm,
    FulfilForm,
    InspectionForm,
    InterviewForm,
    OutcomeForm,
    StepForm,
)
from .models import (
    FindingEvidence,
    FindingSource,
    FindingState,
    Inspection,
    StepKind,
)
from .state import commitments_on, finding_on, findings_on

PAGE_SIZE = 25


def _sees(request):
    if not access.sees_supervision(request.user):
        raise PermissionDenied("督查整改仅供督查人员、市营商办和各单位使用")


def _supervises(request):
    if not access.supervises(request.user):
        raise PermissionDenied("只有督查人员和市营商办可以办理")


def _as_of(request):
    return parse_date(request.GET.get("as_of"), "as_of", default=timezone.localdate())


@login_required
@require_GET
def finding_list(request):
    """挂账整改台账: every finding the user may see, as it stood on ?as_of=."""
    _sees(request)
    as_of = _as_of(request)
    state = parse_choice(request.GET.get("state"), "state", FindingState.values)
    findings = access.visible_findings(request.user).select_related("unit", "inspection").prefetch_related("steps")
    if state:
        findings = findings.filter(state=state)
    if (unit := parse_id(request.GET.get("unit"), "unit")) is not None:
        findings = findings.filter(unit_id=unit)
    page = Paginator(findings.order_by("-opened_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "supervision",
        "page_obj": page,
        "rows": findings_on(page.object_list, as_of),
        "as_of": as_of,
        "state": state,
        "states": FindingState.choices,
        "supervises": access.supervises(request.user),
        "calendar_warning": calendar_warning_on(as_of),
    }
    return render(request, "supervision/finding_list.html", context)


@login_required
def finding_new(request):
    _supervises(request)
    inspection = None
    if inspection_id := parse_id(request.GET.get("inspection") or request.POST.get("inspection"), "inspection"):
        inspection = get_object_or_404(Inspection, pk=inspection_id)
    initial = {
        "source": FindingSource.INSPECTION if inspection else parse_choice(
            request.GET.get("source"), "source", FindingSource.values, default=FindingSource.MEASURE),
        "unit": parse_id(request.GET.get("unit"), "unit"),
        "origin": request.GET.get("origin", "")[:100],
        "workdays": 20,
    }  # fmt: skip
    form = FindingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.open_finding(
                user=request.user, unit=data["unit"], problem=data["problem"], source=data["source"],
                measures=data["measures"], inspection=inspection, severity=data["severity"],
                deadline=data["deadline"], workdays=data["workdays"], origin=data["origin"],
            )  # fmt: skip
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已挂账:{finding.unit},整改时限 {finding.deadline:%Y-%m-%d}")
            return redirect(inspection or finding)
    context = {"nav": "supervision", "form": form, "inspection": inspection}
    return render(request, "supervision/finding_form.html", context)


def _visible_finding(request, pk):
    return get_object_or_404(
        access.visible_findings(request.user).select_related("unit", "inspection", "created_by"), pk=pk
    )


# What each step's form asks for, and the words on it.
_ACTIONS = {
    StepKind.PLAN: {"text": "整改措施", "owner": True, "due": "完成时限", "style": "primary"},
    StepKind.PROGRESS: {"text": "整改进展", "files": True, "report": True, "style": "primary"},
    StepKind.APPLY_CLOSE: {"text": "整改完成情况", "style": "success"},
    StepKind.CLOSE: {"text": "销号意见", "style": "success"},
    StepKind.RETURN: {"text": "退回意见", "style": "warning"},
    StepKind.RECHECK: {"text": "回头看情况", "style": "secondary"},
    StepKind.REOPEN: {"text": "问题反弹情况", "due": "新的整改时限(可选)", "style": "danger"},
}


@login_required
@require_GET
def finding_detail(request, pk):
    finding = _visible_finding(request, pk)
    steps = list(finding.steps.select_related("actor", "report__period").prefetch_related("evidence"))
    today = timezone.localdate()
    context = {
        "nav": "supervision",
        "finding": finding,
        "steps": steps,
        "now": finding_on(finding, today),
        "measures": list(finding.measures.all()),
        "actions": [
            _ACTIONS[kind] | {"kind": kind, "label": services.VERBS[kind]}
            for kind in services.allowed_steps(request.user, finding)
        ],
        "outcomes": list(finding.outcomes.all()),
        "outcome_form": OutcomeForm() if access.supervises(request.user) else None,
        "calendar_warning": calendar_warning_on(today),
    }
    return render(request, "supervision/finding_detail.html", context)


@login_required
@require_POST
def finding_act(request, pk):
    """One step on a finding. Closing and reopening are confirmed on a page of their own first."""
    finding = _visible_finding(request, pk)
    kind = parse_choice(request.POST.get("kind"), "kind", StepKind.values)
    if not kind:
        raise Http404("缺少办理类型")
    form = StepForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}:{errors[0]}")
        return redirect(finding)
    data = form.cleaned_data
    if kind in services.IRREVERSIBLE and request.POST.get("confirm") != "yes":
        if kind not in services.allowed_steps(request.user, finding):
            if not access.supervises(request.user):
                raise PermissionDenied("只有督查人员和市营商办可以办理")
            messages.error(request, f"该问题当前{finding.get_state_display()},不能{services.VERBS[kind]}")
            return redirect(finding)
        context = {
            "nav": "supervision", "finding": finding, "kind": kind, "label": StepKind(kind).label, "data": data,
            "closing": kind == StepKind.CLOSE,
        }  # fmt: skip
        return render(request, "supervision/confirm.html", context)
    report = None
    if data.get("report"):
        report = (
            ledger_access.visible_reports(request.user).filter(pk=data["report"], submitted_at__isnull=False).first()
        )
        if report is None:
            messages.error(request, f"找不到编号为 {data['report']} 的已报送进展报告")
            return redirect(finding)
    step_input = services.StepInput(data["text"], data["owner"], data["due"], report, tuple(data["files"]))
    try:
        step = services.take_step(user=request.user, finding=finding, kind=kind, data=step_input)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{step.get_kind_display()},当前状态:{step.get_state_after_display()}")
    return redirect(finding)


@login_required
@require_GET
def finding_evidence(request, pk):
    evidence = get_object_or_404(
        FindingEvidence.objects.filter(step__finding__in=access.visible_findings(request.user).values("pk")), pk=pk
    )
    return _download(evidence.file, evidence.original_name, evidence.content_type)


def _download(file, name, content_type):
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- inspections ----------------------------------------------------------------------


@login_required
def inspection_list(request):
    if not access.reads_all(request.user):
        raise PermissionDenied("专项督查仅供督查人员、市营商办和管理员查看")
    form = None
    if access.supervises(request.user):
        form = InspectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                inspection = services.create_inspection(user=request.user, **data)
            except ServiceError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已记录专项督查“{inspection.topic}”,请列出问题清单。")
                return redirect(inspection)
    elif request.method == "POST":
        raise PermissionDenied("只有督查人员和市营商办可以记录专项督查")
    inspections = access.visible_inspections(request.user).select_related("created_by")
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "supervision", "form": form, "page_obj": page, "inspections": page.object_list}
    return render(request, "supervision/inspection_list.html", context)


@login_required
@require_GET
def inspection_detail(request, pk):
    inspection = get_object_or_404(access.visible_inspections(request.user).select_related("created_by"), pk=pk)
    findings = inspection.findings.select_related("unit").prefetch_related("steps")
    context = {
        "nav": "supervision",
        "inspection": inspection,
        "measures": list(inspection.measures.select_related("section")),
        "units": list(inspection.units.all()),
        "rows": findings_on(findings, timezone.localdate()),
        "supervises": access.supervises(request.user),
    }
    return render(request, "supervision/inspection_detail.html", context)


# ---- interviews, commitments, outcomes --------------------------------------------------


@login_required
@require_GET
def interview_list(request):
    _sees(request)
    interviews = access.visible_interviews(request.user).select_related("unit").prefetch_related("commitments")
    page = Paginator(interviews, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "supervision",
        "page_obj": page,
        "interviews": page.object_list,
        "supervises": access.supervises(request.user),
    }
    return render(request, "supervision/interview_list.html", context)


@login_required
def interview_new(request):
    """Record an interview; prefilled from a ranking's 末位约谈 row (?unit=&reason=&link=&snapshot=)
    or from a finding (?finding=)."""
    _supervises(request)
    initial = {"held_on": timezone.localdate(), "interviewers": str(request.user.unit or request.user)}
    if (unit := parse_id(request.GET.get("unit"), "unit")) is not None:
        initial["unit"] = get_object_or_404(Unit, pk=unit)
    if (finding_id := parse_id(request.GET.get("finding"), "finding")) is not None:
        finding = get_object_or_404(access.visible_findings(request.user).select_related("unit"), pk=finding_id)
        initial |= {"unit": finding.unit, "findings": [finding], "reasons": f"督查问题整改不力:{finding.problem[:200]}"}
    if reason := request.GET.get("reason", "")[:500]:
        initial["reasons"] = reason
    link = request.GET.get("link", "")
    initial["reason_link"] = link[:300] if link.startswith("/") and not link.startswith("//") else ""
    initial["ranking_snapshot"] = parse_id(request.GET.get("snapshot"), "snapshot")
    form = InterviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview = services.record_interview(
                user=request.user, unit=data["unit"], person=data["person"], post=data["post"],
                interviewers=data["interviewers"], held_on=data["held_on"], reasons=data["reasons"],
                findings=data["findings"], reason_link=data["reason_link"],
                ranking_snapshot_id=data["ranking_snapshot"], notes=data["notes"], commitments=form.commitments(),
            )  # fmt: skip
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已记录约谈:{interview.unit} {interview.person}")
            return redirect(interview)
    return render(request, "supervision/interview_form.html", {"nav": "supervision", "form": form})


@login_required
def interview_detail(request, pk):
    interview = get_object_or_404(access.visible_interviews(request.user).select_related("unit", "recorded_by"), pk=pk)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST":
        _supervises(request)
        if form.is_valid():
            try:
                services.add_commitment(user=request.user, interview=interview, **form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已添加承诺事项。")
                return redirect(interview)
    today = timezone.localdate()
    commitments = interview.commitments.select_related("interview")
    context = {
        "nav": "supervision",
        "interview": interview,
        "findings": list(interview.findings.select_related("unit")),
        "commitments": commitments_on(commitments, today),
        "outcomes": list(interview.outcomes.all()),
        "supervises": access.supervises(request.user),
        "form": form,
        "fulfil_form": FulfilForm(initial={"fulfilled_on": today}),
        "outcome_form": OutcomeForm(),
    }
    return render(request, "supervision/interview_detail.html", context)


@login_required
@require_POST
def commitment_fulfil(request, pk):
    commitment = get_object_or_404(access.visible_commitments(request.user).select_related("interview"), pk=pk)
    _supervises(request)
    form = FulfilForm(request.POST)
    if form.is_valid():
        try:
            services.fulfil_commitment(user=request.user, commitment=commitment, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已确认承诺兑现。")
    else:
        messages.error(request, "请填写有效的兑现日期")
    return redirect(commitment.interview)


@login_required
@require_POST
def finding_outcome(request, pk):
    """问责 outcome of a finding."""
    return _record_outcome(request, finding=_visible_finding(request, pk))


@login_required
@require_POST
def interview_outcome(request, pk):
    """问责 outcome of an interview."""
    return _record_outcome(request, interview=get_object_or_404(access.visible_interviews(request.user), pk=pk))


def _record_outcome(request, finding=None, interview=None):
    _supervises(request)
    subject = finding or interview
    form = OutcomeForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}:{errors[0]}")
        return redirect(subject)
    try:
        services.record_outcome(user=request.user, finding=finding, interview=interview, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已记录问责处理。")
    return redirect(subject)


@login_required
@require_GET
def outcome_document(request, pk):
    outcome = get_object_or_404(access.visible_outcomes(request.user), pk=pk)
    if not outcome.document:
        raise Http404("没有决定文书")
    return _download(outcome.document, outcome.document_name, outcome.document_type)

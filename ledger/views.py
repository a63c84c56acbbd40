"""Ledger pages. Thin: scope the object through ledger.access, validate a form, call a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotAllowed, ServiceError
from core.redirects import safe_next
from measures.models import Milestone, MilestoneKind, MilestoneSource

from . import access, schedule, selectors, services
from .forms import (
    ContentForm,
    ContributionRequestForm,
    EvidenceForm,
    ReportForm,
    ReviewForm,
    ScheduleMilestoneForm,
    initial_from,
    report_initial,
)
from .models import ProgressReport, ReportingPeriod, ReportState
from .uploads import UploadRejected


def _visible_report(user, pk) -> ProgressReport:
    return get_object_or_404(
        access.visible_reports(user).select_related("measure__section", "period", "unit", "review"), pk=pk
    )


@login_required
@require_POST
def start_report(request, measure_id, period_id):
    measure = get_object_or_404(access.visible_measures(request.user), pk=measure_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id)
    try:
        report = services.open_report(request.user, measure, period)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("my-tasks")
    return redirect("report-edit", report.pk)


@login_required
def edit_report(request, pk):
    report = _visible_report(request.user, pk)
    if not access.can_write_report(request.user, report.measure):
        raise PermissionDenied("只有牵头单位可以修改本举措的进展报告")
    if report.submitted_at:
        messages.info(request, "该版本已提交,不能再修改。")
        return redirect(report)
    form = ReportForm(request.POST or None, measure=report.measure, initial=report_initial(report))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_report_draft(
                request.user,
                report,
                form.cleaned_data["lock_version"],
                form.content(),
                form.target_values(),
                form.cleaned_data["claimed_milestones"],
            )
            if "submit" in request.POST:
                report = services.submit_report(request.user, report, report.lock_version)
                messages.success(request, f"已提交,当前状态:{report.state_label}")
                return redirect(report)
            messages.success(request, "草稿已保存。")
            return redirect("report-edit", report.pk)
        except services.StaleEdit as exc:
            conflict = exc.current
            form = _keep_text_with_new_version(form, conflict)
            messages.error(request, str(exc))
        except ServiceError as exc:
            report.refresh_from_db()
            form = _keep_text_with_new_version(form, report)
            messages.error(request, str(exc))
    return render(request, "ledger/report_form.html", _report_form_context(request, report, form, conflict))


def _keep_text_with_new_version(form, current):
    """The user's text stays in the form; the hidden version moves on, so saving again —
    after reading what the other person wrote — is a deliberate overwrite."""
    data = form.data.copy()
    data["lock_version"] = current.lock_version
    rebound = type(form)(data, measure=current.measure) if isinstance(form, ReportForm) else type(form)(data)
    rebound.is_valid()
    return rebound


def _report_form_context(request, report, form, conflict=None):
    return {
        "nav": "tasks",
        "report": report,
        "form": form,
        "conflict": conflict,
        "evidence_form": EvidenceForm(),
        "evidence": report.evidence.all(),
        "contributions": selectors.contributions_for(report.measure, report.period),
        "units_to_ask": (units := services.units_to_ask(report.measure, report.period)),
        "ask_form": ContributionRequestForm(units=units),
        "previous": report.previous,
        "require_signoff": settings.REQUIRE_LEADER_SIGNOFF and not access.signs_for(request.user, report),
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


@login_required
@require_POST
def autosave_report(request, pk):
    """htmx: save the draft quietly while the user types; answers with the new version number."""
    report = _visible_report(request.user, pk)
    form = ReportForm(request.POST, measure=report.measure)
    if not form.is_valid():
        return render(request, "ledger/_autosave.html", {"error": "内容尚不完整,暂未自动保存", "report": report})
    try:
        report = services.save_report_draft(
            request.user,
            report,
            form.cleaned_data["lock_version"],
            form.content(),
            form.target_values(),
            form.cleaned_data["claimed_milestones"],
        )
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ServiceError as exc:
        return render(request, "ledger/_autosave.html", {"error": str(exc), "report": report}, status=409)
    return render(request, "ledger/_autosave.html", {"report": report, "saved_at": timezone.localtime()})


def _too_large(request) -> bool:
    # Refuse before Django reads the body: the cap holds however big the upload is.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.EVIDENCE_MAX_BYTES + 64 * 1024


def _upload(request, owner, back_url):
    if _too_large(request):
        messages.error(request, f"文件超过 {settings.EVIDENCE_MAX_BYTES // (1024 * 1024)} MB 上限,未上传")
        return redirect(back_url)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect(back_url)
    try:
        evidence = services.attach_evidence(request.user, owner, form.cleaned_data["file"])
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except (ServiceError, UploadRejected) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已上传“{evidence.original_name}”")
    return redirect(back_url)


@login_required
@require_POST
def upload_report_evidence(request, pk):
    report = _visible_report(request.user, pk)
    return _upload(request, report, reverse("report-edit", args=[report.pk]))


@login_required
@require_POST
def delete_evidence(request, pk):
    evidence = get_object_or_404(access.visible_evidence(request.user), pk=pk)
    owner = evidence.report or evidence.contribution
    try:
        services.remove_evidence(request.user, evidence)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
    back = "report-edit" if isinstance(owner, ProgressReport) else "contribution-edit"
    return redirect(back, owner.pk)


@login_required
@require_GET
def download_evidence(request, pk):
    evidence = get_object_or_404(access.visible_evidence(request.user), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def report_detail(request, pk):
    report = _visible_report(request.user, pk)
    report.own_unit = access.reviews_own_unit(request.user, report)  # the review form then asks why
    context = {
        "nav": "tasks",
        "report": report,
        "actuals": report.actuals.select_related("target"),
        "claims": report.claims.select_related("milestone"),
        "evidence": report.evidence.all(),
        "review_form": ReviewForm() if _reviewable(request.user, report) else None,
        "can_continue": access.can_write_report(request.user, report.measure)
        and not hasattr(report, "next_version")
        and report.state in (ReportState.APPROVED, ReportState.RETURNED),
        "can_sign_off": access.signs_for(request.user, report) and report.state == ReportState.AWAITING_SIGNOFF,
    }
    return render(request, "ledger/report_detail.html", context)


def _reviewable(user, report) -> bool:
    return access.can_review(user) and report.state == ReportState.SUBMITTED


@login_required
@require_POST
def review(request, pk):
    report = _visible_report(request.user, pk)
    if not access.can_review(request.user):
        raise PermissionDenied("只有市营商办审核员可以审核报告")
    form = ReviewForm(request.POST)
    back = safe_next(request, reverse("review-queue"))
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        decision = services.review_report(request.user, report, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{report.measure.code} · {report.period}:{decision.get_decision_display()}")
    return redirect(back)


@login_required
@require_GET
def measure_ledger(request, pk):
    """Every period, every version, every decision on one measure, with what changed between versions."""
    measure = get_object_or_404(access.visible_measures(request.user).select_related("section", "document"), pk=pk)
    reports = list(selectors.ledger_reports(request.user, measure))
    by_pk = {r.pk: r for r in reports}
    for report in reports:
        previous = by_pk.get(report.previous_id)
        report.diffs = (
            [(label, selectors.text_diff(getattr(previous, f), getattr(report, f))) for f, label in DIFF_FIELDS]
            if previous
            else []
        )
    contributions = list(selectors.ledger_contributions(request.user, measure))
    periods = {}
    for report in reports:
        periods.setdefault(report.period, {"reports": [], "contributions": []})["reports"].append(report)
    for contribution in contributions:
        periods.setdefault(contribution.period, {"reports": [], "contributions": []})["contributions"].append(
            contribution
        )
    can_write = access.can_write_report(request.user, measure)
    milestones = list(measure.milestones.all())
    context = {
        "nav": "plan",
        "measure": measure,
        "periods": sorted(periods.items(), key=lambda item: item[0].starts_on, reverse=True),
        "can_write": can_write,
        "schedule": [m for m in milestones if m.source == MilestoneSource.SCHEDULE],
        "per_schedule": any(m.kind == MilestoneKind.PER_SCHEDULE for m in milestones),
        "schedule_form": ScheduleMilestoneForm() if can_write else None,
    }
    return render(request, "ledger/measure_ledger.html", context)


DIFF_FIELDS = (("status", "推进状态"), ("progress", "工作进展"), ("problems", "存在问题"), ("next_steps", "下步计划"))


@login_required
@require_POST
def ask_contributions(request, pk):
    """The lead unit asks responsible units for their share of the report's period."""
    report = _visible_report(request.user, pk)
    if not access.can_write_report(request.user, report.measure):
        raise PermissionDenied("只有本举措的牵头单位可以请求责任单位报送")
    units = services.units_to_ask(report.measure, report.period)
    form = ContributionRequestForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("report-edit", report.pk)
    try:
        requests = services.request_contributions(
            request.user, report.measure, report.period, form.cleaned_data["units"], form.cleaned_data["note"]
        )
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        names = "、".join(r.unit.name for r in requests)
        messages.success(request, f"已请求 {names} 报送,对方将收到站内通知和邮件。")
    return redirect("report-edit", report.pk)


@login_required
@require_POST
def start_contribution(request, measure_id, period_id):
    measure = get_object_or_404(access.visible_measures(request.user), pk=measure_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id)
    try:
        contribution = services.open_contribution(request.user, measure, period)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("contribution-edit", contribution.pk)


@login_required
def edit_contribution(request, pk):
    contribution = get_object_or_404(
        access.visible_contributions(request.user).select_related("measure", "period", "unit"), pk=pk
    )
    if contribution.unit_id != request.user.unit_id:
        raise PermissionDenied("只能修改本单位的报送")
    form = ContentForm(request.POST or None, initial=initial_from(contribution))
    conflict = None
    if request.method == "POST" and not contribution.submitted_at and form.is_valid():
        try:
            contribution = services.save_contribution(
                request.user, contribution, form.cleaned_data["lock_version"], form.content()
            )
            if "submit" in request.POST:
                services.submit_contribution(request.user, contribution, contribution.lock_version)
                messages.success(request, "已报送牵头单位。")
                return redirect("my-tasks")
            messages.success(request, "草稿已保存。")
            return redirect("contribution-edit", contribution.pk)
        except services.StaleEdit as exc:
            conflict = exc.current
            form = _keep_text_with_new_version(form, conflict)
            messages.error(request, str(exc))
        except ServiceError as exc:
            messages.error(request, str(exc))
    context = {
        "nav": "tasks",
        "contribution": contribution,
        "form": form,
        "conflict": conflict,
        "evidence_form": EvidenceForm(),
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "ledger/contribution_form.html", context)


@login_required
@require_POST
def upload_contribution_evidence(request, pk):
    contribution = get_object_or_404(access.visible_contributions(request.user), pk=pk)
    return _upload(request, contribution, reverse("contribution-edit", args=[contribution.pk]))


@login_required
@require_POST
def add_schedule_milestone(request, pk):
    measure = get_object_or_404(access.visible_measures(request.user).select_related("document"), pk=pk)
    if not access.can_write_report(request.user, measure):
        raise PermissionDenied("只有牵头单位可以安排本举措的进度")
    form = ScheduleMilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, ";".join(f"{form[f].label}:{e}" for f, errors in form.errors.items() for e in errors))
        return redirect("measure-ledger", measure.pk)
    try:
        milestone = schedule.add_schedule_milestone(request.user, measure, **form.cleaned_data)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except schedule.ScheduleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已添加进度节点:{milestone.due_date:%Y-%m-%d} {milestone.description}")
    return redirect("measure-ledger", measure.pk)


@login_required
@require_POST
def remove_schedule_milestone(request, pk):
    milestone = get_object_or_404(
        Milestone.objects.filter(measure__in=access.visible_measures(request.user)).select_related("measure"), pk=pk
    )
    try:
        schedule.remove_schedule_milestone(request.user, milestone)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except schedule.ScheduleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已删除进度节点")
    return redirect("measure-ledger", milestone.measure_id)

"""Ledger pages. Thin: scope the object through ledger.access, validate a form, call a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from deadlines.forms import ScheduleMilestoneForm
from deadlines.models import MilestoneKind, MilestoneSource
from measures.models import Section
from units.models import Unit

from . import access, selectors, services
from .forms import ContentForm, EvidenceForm, ReportForm, ReviewForm, initial_from, report_initial
from .models import ProgressReport, ReportingPeriod, ReportState
from .periods import opened_periods
from .uploads import UploadRejected


def _today():
    return timezone.localdate()


def _visible_report(user, pk) -> ProgressReport:
    return get_object_or_404(
        access.visible_reports(user).select_related("measure__section", "period", "unit", "review"), pk=pk
    )


@login_required
@require_GET
def my_tasks(request):
    """What the user's unit owes: this period's reports, overdue ones, returned ones, contributions."""
    today = _today()
    obligations = selectors.report_obligations(request.user, today)
    context = {
        "nav": "tasks",
        "today": today,
        "is_unit_staff": access.is_unit_staff(request.user),
        "current": [
            o for o in obligations if o.period.due_on >= today and not o.is_sent and o.state != ReportState.RETURNED
        ],
        "overdue": [o for o in obligations if o.overdue],
        "returned": [o for o in obligations if o.state == ReportState.RETURNED],
        "awaiting_review": [o for o in obligations if o.state == ReportState.SUBMITTED],
        "contributions": selectors.contributions_owed(request.user, today),
        "can_review": access.can_review(request.user),
        "signoff_queue": _signoff_queue(request.user),
    }
    return render(request, "ledger/my_tasks.html", context)


def _signoff_queue(user):
    if not access.is_unit_leader(user):
        return []
    return list(
        access.visible_reports(user)
        .filter(unit_id=user.unit_id, signoff_requested_at__isnull=False, submitted_at__isnull=True)
        .select_related("measure", "period", "author")
    )


@login_required
@require_POST
def start_report(request, measure_id, period_id):
    measure = get_object_or_404(access.visible_measures(request.user), pk=measure_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id)
    try:
        report = services.open_report(request.user, measure, period)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.LedgerError as exc:
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
        except services.LedgerError as exc:
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
        "previous": report.previous,
        "require_signoff": settings.REQUIRE_LEADER_SIGNOFF and not access.is_unit_leader(request.user),
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
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.LedgerError as exc:
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
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except (services.LedgerError, UploadRejected) as exc:
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
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.LedgerError as exc:
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
        "can_sign_off": access.is_unit_leader(request.user)
        and report.state == ReportState.AWAITING_SIGNOFF
        and report.unit_id == request.user.unit_id,
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
    back = request.POST.get("next") or reverse("review-queue")
    if not back.startswith("/"):
        back = reverse("review-queue")
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        decision = services.review_report(request.user, report, **form.cleaned_data)
    except services.LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{report.measure.code} · {report.period}:{decision.get_decision_display()}")
    return redirect(back)


@login_required
@require_GET
def review_queue(request):
    """The office's queue: latest versions, by default those waiting for a decision."""
    if not access.reads_everything(request.user):
        raise PermissionDenied("审核队列仅供市营商办和督查人员使用")
    filters = {key: request.GET.get(key, "") for key in ("section", "unit", "period")}
    state = request.GET.get("state", ReportState.SUBMITTED)
    page = Paginator(selectors.review_queue(request.user, state=state, **filters), 25).get_page(request.GET.get("page"))
    context = {
        "nav": "review",
        "page_obj": page,
        "reports": page.object_list,
        "filters": filters,
        "state": state,
        "states": [(value, label) for value, label in ReportState.choices if value != ReportState.DRAFT],
        "sections": Section.objects.filter(part="measures").order_by("document", "position"),
        # Units that lead something: cheap (assignments), unlike scanning every report for its author.
        "units": Unit.objects.filter(assignments__role="lead").distinct().order_by("name"),
        "periods": opened_periods(_today())[:36],
        "can_review": access.can_review(request.user),
        "review_form": ReviewForm(),
    }
    return render(request, "ledger/review_queue.html", context)


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
def start_contribution(request, measure_id, period_id):
    measure = get_object_or_404(access.visible_measures(request.user), pk=measure_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id)
    try:
        contribution = services.open_contribution(request.user, measure, period)
    except services.NotAllowed as exc:
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
        except services.LedgerError as exc:
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

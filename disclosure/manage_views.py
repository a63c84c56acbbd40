"""社会公开管理 (/disclosure/): the office publishes and withdraws, writes interpretations and
good practice, and triages what the public reports; supervisors read all of it.

Thin views: access check → form → service → redirect. Services repeat the access check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotAllowed, ServiceError
from core.params import parse_choice, parse_date
from ledger import access
from ledger.models import ReportReview
from measures.selectors import current_document

from . import services
from .forms import (
    AttachmentForm,
    CloseFeedbackForm,
    FeedbackFindingForm,
    GoodPracticeForm,
    InterpretationForm,
    PublishForm,
    ReasonForm,
)
from .models import Feedback, FeedbackStatus, GoodPractice, PolicyInterpretation, Publication


def _reader(request):
    if not access.reads_everything(request.user):
        raise PermissionDenied("社会公开管理仅供市营商办、督查人员和管理员使用")


def _office(request):
    if not access.can_review(request.user):
        raise PermissionDenied("只有市营商办审核员可以操作")


def _context(request, **extra):
    return {"nav": "disclosure", "can_edit": access.can_review(request.user), **extra}


@login_required
@require_GET
def home(request):
    _reader(request)
    counts = dict(Feedback.objects.values_list("status").annotate(n=Count("pk")))
    context = _context(
        request,
        publications=Publication.objects.select_related("published_by", "withdrawn_by")[:20],
        interpretations=PolicyInterpretation.objects.select_related("created_by")[:50],
        good_practice=GoodPractice.objects.select_related("measure__section")[:50],
        candidates=services.good_practice_candidates()[:50],
        feedback_counts=[(FeedbackStatus(s).label, counts.get(s, 0), s) for s in FeedbackStatus.values],
    )
    return render(request, "disclosure/manage/home.html", context)


@login_required
def publish(request):
    """GET shows what would be frozen as of a day; a POST of the form publishes it."""
    _office(request)
    document = current_document()
    if document is None:
        messages.error(request, "还没有导入政策文件,无可公开的内容")
        return redirect("disclosure")
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.publish_plan(
                    user=request.user,
                    document=document,
                    as_of=form.cleaned_data["as_of"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已公开发布;公众页面即刻显示本次发布的内容")
                return redirect("disclosure")
        as_of = None
    else:
        as_of = parse_date(request.GET.get("as_of"), "as_of", default=timezone.localdate())
        form = PublishForm(initial={"as_of": as_of.isoformat()})
    preview = services.freeze_plan(document, as_of) if as_of else None
    return render(request, "disclosure/manage/publish.html", _context(request, form=form, preview=preview))


@login_required
def withdraw_publication(request, pk):
    _office(request)
    publication = get_object_or_404(Publication, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reason = form.cleaned_data["reason"]
            services.withdraw_publication(user=request.user, publication=publication, reason=reason)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已撤回该次发布")
        return redirect("disclosure")
    context = _context(request, form=form, title=f"撤回 {publication}", action=request.path)
    return render(request, "disclosure/manage/withdraw.html", context)


@login_required
def interpretation_edit(request, pk=None):
    """New (pk None) or an existing interpretation: the office edits drafts; readers see it."""
    item = get_object_or_404(PolicyInterpretation, pk=pk) if pk else None
    if item:
        _reader(request)
    else:
        _office(request)
    initial = {}
    if item:
        initial = {"title": item.title, "issuer": item.issuer, "text": item.text, "measures": item.measures.all()}
    form = InterpretationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _office(request)
        if form.is_valid():
            try:
                item = services.save_interpretation(user=request.user, interpretation=item, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已保存政策解读(草稿)")
                return redirect("interpretation-edit", item.pk)
    context = _context(
        request, item=item, form=form, attachment_form=AttachmentForm(), reason_form=ReasonForm(), kind="interpretation"
    )
    return render(request, "disclosure/manage/interpretation.html", context)


@login_required
@require_POST
def interpretation_attach(request, pk):
    _office(request)
    item = get_object_or_404(PolicyInterpretation, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attached = services.attach_file(user=request.user, interpretation=item, uploaded=form.cleaned_data["file"])
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已上传“{attached.original_name}”")
    else:
        messages.error(request, "请选择要上传的文件")
    return redirect("interpretation-edit", item.pk)


@login_required
@require_POST
def good_practice_start(request, review_id):
    _office(request)
    reviews = ReportReview.objects.select_related("report__measure__section", "report__unit")
    review = get_object_or_404(reviews, pk=review_id)
    try:
        item = services.start_good_practice(user=request.user, review=review)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("disclosure")
    return redirect("good-practice-edit", item.pk)


@login_required
def good_practice_edit(request, pk):
    _reader(request)
    item = get_object_or_404(GoodPractice.objects.select_related("measure__section", "review__report__period"), pk=pk)
    form = GoodPracticeForm(request.POST or None, initial={"title": item.title, "text": item.text})
    if request.method == "POST":
        _office(request)
        if form.is_valid():
            try:
                services.edit_good_practice(user=request.user, item=item, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已保存典型经验(草稿)")
                return redirect("good-practice-edit", item.pk)
    context = _context(request, item=item, form=form, reason_form=ReasonForm(), kind="good-practice")
    return render(request, "disclosure/manage/good_practice.html", context)


EDIT_PAGE = {PolicyInterpretation: "interpretation-edit", GoodPractice: "good-practice-edit"}


@login_required
@require_POST
def publish_item(request, pk, model):
    _office(request)
    item = get_object_or_404(model, pk=pk)
    try:
        services.publish_item(user=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已公开“{item}”")
    return redirect(EDIT_PAGE[model], pk)


@login_required
@require_POST
def withdraw_item(request, pk, model):
    _office(request)
    item = get_object_or_404(model, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤回原因")
        return redirect(EDIT_PAGE[model], pk)
    try:
        services.withdraw_item(user=request.user, item=item, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤回“{item}”")
    return redirect(EDIT_PAGE[model], pk)


@login_required
@require_GET
def feedback_list(request):
    _reader(request)
    status = parse_choice(request.GET.get("status"), "status", FeedbackStatus.values, default=FeedbackStatus.NEW)
    rows = Feedback.objects.filter(status=status).select_related("measure__section")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    context = _context(request, page_obj=page, status=status, statuses=FeedbackStatus.choices)
    return render(request, "disclosure/manage/feedback_list.html", context)


def _feedback(pk):
    return get_object_or_404(Feedback.objects.select_related("measure__section", "closed_by", "finding__unit"), pk=pk)


def _feedback_page(request, item, finding_form=None):
    """The feedback, its triage record and, for the office while it is new, the two triage forms."""
    context = _context(request, item=item, actions=item.actions.select_related("actor"))
    if context["can_edit"] and item.status == FeedbackStatus.NEW:
        context["close_form"] = CloseFeedbackForm(initial={"public_summary": item.content})
        context["finding_form"] = finding_form or FeedbackFindingForm(initial=FeedbackFindingForm.initial_for(item))
    return render(request, "disclosure/manage/feedback_detail.html", context)


@login_required
@require_GET
def feedback_detail(request, pk):
    _reader(request)
    return _feedback_page(request, _feedback(pk))


@login_required
@require_POST
def feedback_close(request, pk):
    _office(request)
    item = get_object_or_404(Feedback, pk=pk)
    form = CloseFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("feedback-detail", pk)
    try:
        services.close_feedback(user=request.user, feedback=item, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已答复并办结" + (",答复已公开" if form.cleaned_data["publish"] else ""))
    return redirect("feedback-detail", pk)


@login_required
@require_POST
def feedback_finding(request, pk):
    """Turn the feedback into a finding (问题清单, source 社会监督), then show the finding. Bad
    input shows the form again with its errors, on the feedback's page."""
    _office(request)
    item = _feedback(pk)
    form = FeedbackFindingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.turn_into_finding(
                user=request.user, feedback=item, unit=data["unit"], problem=data["problem"],
                measures=data["measures"], severity=data["severity"], deadline=data["deadline"],
                workdays=data["workdays"],
            )  # fmt: skip
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已转为督查问题并挂账:{finding.unit},整改时限 {finding.deadline:%Y-%m-%d};已通知责任单位"
            )
            return redirect(finding)
    item.refresh_from_db()
    if item.status != FeedbackStatus.NEW:  # someone else handled it meanwhile: the page says how
        messages.error(request, "该反映已处理")
        return redirect("feedback-detail", pk)
    return _feedback_page(request, item, finding_form=form)

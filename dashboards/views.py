"""The office's dashboards. Every page takes ?as_of=YYYY-MM-DD (default today) and shows the
programme as it stood that day, computed from the ledger (dashboards.state)."""

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from core.errors import NotAllowed, ServiceError
from core.params import BadParameter, parse_date, parse_id, parse_text
from deadlines.engine import judged_periods
from deadlines.rules import calendar_warning_on
from ledger import access
from ledger.models import ReportingPeriod
from measures.models import PolicyDocument
from measures.selectors import active_documents, current_document, document_choices
from supervision import access as supervision_access
from supervision import selectors as supervision
from units.models import Unit

from . import cache, ranking
from .forms import WithdrawForm
from .map import battle_map, text_rows
from .models import RankingSnapshot
from .state import board, overview, recently_overdue, whole_programme


def _filters(request) -> dict:
    return {
        "as_of": parse_date(request.GET.get("as_of"), "as_of", default=timezone.localdate()),
        "section": parse_text(request.GET.get("section"), "section"),
        "unit_id": parse_id(request.GET.get("unit"), "unit"),
    }


ALL_DOCUMENTS = "all"  # ?document=all: the pages that can span documents (the ranking) take every active one


def _document(source) -> PolicyDocument | None:
    """The document named by ?document= (404 if none has that id), else the current one: the
    most recent that is not archived."""
    if (pk := parse_id(source.get("document"), "document")) is not None:
        return get_object_or_404(PolicyDocument, pk=pk)
    return current_document()


def _spans_documents(source) -> bool:
    return source.get("document", "").strip() == ALL_DOCUMENTS


class NoDocument(Exception):
    """No document to show: the page says so instead (dashboards/empty.html)."""


def dashboard_page(template, *, figures: str = "", spans_documents: bool = False):
    """Login, the reader roles, the filters and the document: what every dashboard needs.
    With `figures` (a template), the page's figures are rendered from it and cached exactly
    (dashboards.cache): `build` runs, and the document is looked up, only when they must be
    computed. A page that `spans_documents` also takes ?document=all: then the board's document
    is None and its measures are those of every active document."""

    def decorate(build):
        @login_required
        @require_GET
        def view(request):
            if not access.reads_everything(request.user):
                raise PermissionDenied("看板仅供市营商办、督查人员和管理员使用")
            filters = _filters(request)
            try:
                if not figures:
                    context = _board_context(request, filters, spans_documents)
                    return render(request, template, context | build(request, context["state"]))

                def render_figures():
                    context = _board_context(request, filters, spans_documents)
                    html = render_to_string(figures, context | build(request, context["state"]), request=request)
                    return html, context["calendar_warning"]

                found = cache.figures(template, request.GET.items(), filters["as_of"], render_figures)
            except NoDocument as empty:
                return render(request, "dashboards/empty.html", {"nav": "dashboard", "spanning": empty.args[0]})
            return render(
                request, template, {"nav": "dashboard", "figures": found, "calendar_warning": found.calendar_warning}
            )

        return view

    return decorate


def _board_context(request, filters: dict, spans_documents: bool) -> dict:
    spanning = spans_documents and _spans_documents(request.GET)
    document = None if spanning else _document(request.GET)
    if document is None and not (spanning and active_documents().exists()):
        raise NoDocument(spanning)
    state = board(document, **filters)
    query = request.GET.copy()
    if spanning:  # the other tabs show one document: they get the query without it
        query.pop("document")
        led = {"assignments__measure__document__in": active_documents()}
    else:
        led = {"assignments__measure__document": document}
    return {
        "nav": "dashboard",
        "state": state,
        "filters": filters,
        "query": query.urlencode(),
        "calendar_warning": calendar_warning_on(filters["as_of"]),
        "documents": SimpleLazyObject(document_choices),  # read only if the filters are rendered
        "spans_documents": spans_documents,
        "sections": document.sections.filter(part="measures").order_by("position") if document else [],
        "units": Unit.objects.filter(assignments__role="lead", **led).distinct().order_by("name"),
    }


@dashboard_page("dashboards/overview.html", figures="dashboards/_overview_figures.html")
def overview_page(request, state):
    return {"overview": overview(state), "supervision": supervision.summary(state.as_of, state.unit_id)}


@login_required
@require_GET
def programme_page(request):
    """The whole programme on one board: every active document, one row each with the lights
    and counts of its own board, by section and by lead unit, as of any day, optionally for
    one lead unit; each number links to that document's board or list."""
    if not access.reads_everything(request.user):
        raise PermissionDenied("看板仅供市营商办、督查人员和管理员使用")
    as_of = parse_date(request.GET.get("as_of"), "as_of", default=timezone.localdate())
    unit_id = parse_id(request.GET.get("unit"), "unit")

    def render_figures():
        units = list(
            Unit.objects.filter(assignments__role="lead", assignments__measure__document__in=active_documents())
            .distinct()
            .order_by("name")
        )
        context = {
            "whole": whole_programme(as_of, unit_id=unit_id),
            "filters": {"as_of": as_of, "unit_id": unit_id},
            "unit": next((u for u in units if u.pk == unit_id), None),
            "units": units,
            "day": f"{as_of:%Y-%m-%d}",
        }
        html = render_to_string("dashboards/_programme_figures.html", context, request=request)
        return html, calendar_warning_on(as_of)

    found = cache.figures("programme", request.GET.items(), as_of, render_figures)
    context = {"nav": "dashboard", "figures": found, "calendar_warning": found.calendar_warning}
    return render(request, "dashboards/programme.html", context)


@dashboard_page("dashboards/milestones.html")
def milestone_list(request, state):
    rows = state.milestones
    if light := request.GET.get("light"):
        rows = [r for r in rows if r.light == light]
    if request.GET.get("newly"):
        rows = recently_overdue(state.programme)[0]
    rows = sorted(rows, key=lambda r: (r.milestone.due_date or date.max, r.measure.position))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return {"page_obj": page, "rows": page.object_list, "light": light or ""}


@dashboard_page("dashboards/reports.html")
def report_list(request, state):
    rows = state.reports
    if wanted := request.GET.get("state"):
        rows = [r for r in rows if r.state == wanted]
    if (period := parse_id(request.GET.get("period"), "period")) is not None:
        rows = [r for r in rows if r.period.pk == period]
    rows = sorted(rows, key=lambda r: (r.due_on, r.unit.name, r.measure.position))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return {"page_obj": page, "rows": page.object_list, "wanted": wanted or ""}


@dashboard_page("dashboards/targets.html")
def target_list(request, state):
    series = {}
    for row in state.targets:
        series.setdefault((row.measure.pk, row.target.metric, row.target.unit), []).append(row)
    return {"series": list(series.values())}


@dashboard_page("dashboards/measures.html")
def measure_list(request, state):
    rows = [(m, state.measure_lights[m.pk]) for m in state.measures]
    if light := request.GET.get("light"):
        rows = [(m, lt) for m, lt in rows if lt == light]
    return {"rows": rows, "light": light or ""}


@dashboard_page("dashboards/map.html")
def battle_map_page(request, state):
    data = battle_map(state, today=timezone.localdate())
    return {"battle_map": data, "map_rows": text_rows(data)}


def _period_for(request, as_of):
    """The requested period, or the latest one already judged on `as_of`."""
    if (period := parse_id(request.GET.get("period"), "period")) is not None:
        return ReportingPeriod.objects.filter(pk=period).first()
    return ranking.default_period(as_of)


@dashboard_page("dashboards/ranking.html", spans_documents=True)
def ranking_page(request, state):
    """The live ranking of a period as of a date, of one document or (?document=all) of every
    active document together; the office may publish (freeze) it."""
    period = _period_for(request, state.as_of)
    if period is None:
        return {"ranking": None, "periods": []}
    snapshots = RankingSnapshot.objects.filter(document=state.document, period=period).select_related("published_by")
    published = next((s for s in snapshots if not s.withdrawn), None)
    formula = ranking.current_formula()  # never edited, a new version: it keys the cached ranking
    scope = state.document.pk if state.document else ALL_DOCUMENTS
    computed = cache.kept(
        f"ranking#{scope}#{period.pk}#{formula.version}",
        (),
        state.as_of,
        lambda: ranking.compute_ranking(state.document, period, formula, state.as_of),
    )
    live = computed.value
    findings = supervision.finding_counts_by_unit(state.as_of)  # shown beside the score, not part of it
    for row in live["rows"]:
        row["findings"] = findings.get(row["unit_id"], {"open": 0, "overdue": 0})
    return {
        "ranking": live,
        "figures": computed,  # when the ranking was computed, and whether it came from the cache
        "period": period,
        "published": published,
        "withdrawn": [s for s in snapshots if s.withdrawn],
        "periods": judged_periods(state.as_of).order_by("-due_on")[:36],
        "can_publish": access.can_review(request.user) and published is None and state.as_of > period.due_on,
        "can_interview": supervision_access.supervises(request.user),
    }


@login_required
def publish_ranking(request):
    """Publishing freezes a ranking for good: GET shows what will be frozen and asks to
    confirm; only a POST with the confirmation publishes."""
    if not access.can_review(request.user):
        raise PermissionDenied("只有市营商办可以发布排名")
    source = request.POST if request.method == "POST" else request.GET
    spanning = _spans_documents(source)
    document = None if spanning else _document(source)
    if document is None and not spanning:
        raise Http404("还没有导入任何政策文件")
    scope = ALL_DOCUMENTS if spanning else document.pk
    period = get_object_or_404(ReportingPeriod, pk=parse_id(source.get("period"), "period", default=0))
    as_of = parse_date(source.get("as_of"), "as_of")
    if as_of is None:
        raise BadParameter("as_of", "缺少日期")
    if request.method == "POST" and source.get("confirm") == "yes":
        try:
            snapshot = ranking.publish(request.user, document, period, as_of)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect(
                f"{reverse('dashboard-ranking')}?document={scope}&period={period.pk}&as_of={as_of:%Y-%m-%d}"
            )
        messages.success(request, f"{period.label}的综合排名已发布并冻结")
        return redirect("ranking-snapshot", snapshot.pk)
    preview = ranking.compute_ranking(document, period, ranking.current_formula(), as_of)
    context = {
        "nav": "dashboard",
        "ranking": preview,
        "period": period,
        "as_of": as_of,
        "document": document,
        "scope": scope,
        "calendar_warning": calendar_warning_on(as_of),
    }
    return render(request, "dashboards/ranking_publish.html", context)


@login_required
def withdraw_ranking(request, pk):
    """Withdraw a published ranking with a reason; the snapshot stays, marked as withdrawn."""
    if not access.can_review(request.user):
        raise PermissionDenied("只有市营商办可以撤回排名")
    snapshot = get_object_or_404(RankingSnapshot.objects.select_related("period"), pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ranking.withdraw(request.user, snapshot, form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{snapshot.period.label}的综合排名已撤回,可重新发布")
        return redirect("ranking-snapshot", snapshot.pk)
    return render(request, "dashboards/ranking_withdraw.html", {"nav": "dashboard", "snapshot": snapshot, "form": form})


def _snapshot_for(request, pk) -> RankingSnapshot:
    if not access.reads_everything(request.user):
        raise PermissionDenied("排名仅供市营商办、督查人员和管理员查看")
    return get_object_or_404(
        RankingSnapshot.objects.select_related("period", "formula", "published_by", "withdrawn_by"), pk=pk
    )


@login_required
@require_GET
def ranking_snapshot(request, pk):
    snapshot = _snapshot_for(request, pk)
    context = {
        "nav": "dashboard",
        "snapshot": snapshot,
        "ranking": snapshot.data,
        "can_withdraw": access.can_review(request.user) and not snapshot.withdrawn,
        "can_interview": supervision_access.supervises(request.user),
    }
    return render(request, "dashboards/ranking_snapshot.html", context)


@login_required
@require_GET
def ranking_unit(request, pk, unit_id):
    """Drill-down: the rows behind one unit's score."""
    snapshot = _snapshot_for(request, pk)
    row = next((r for r in snapshot.data["rows"] if r["unit_id"] == unit_id), None)
    if row is None:
        raise Http404("该单位不在此次排名中")
    context = {
        "nav": "dashboard",
        "snapshot": snapshot,
        "row": row,
        "components": snapshot.data["components"],
        "spanning": "documents" in snapshot.data,  # each item then names its document
    }
    return render(request, "dashboards/ranking_unit.html", context)


@login_required
@require_GET
def bulletin(request, pk, pdf=False):
    """定期通报, rendered from the frozen snapshot: regenerating it later gives the same document."""
    snapshot = _snapshot_for(request, pk)
    context = {"snapshot": snapshot, "ranking": snapshot.data}
    if not pdf:
        return render(request, "dashboards/bulletin.html", {"nav": "dashboard", **context})
    from weasyprint import HTML  # imported here: only this view needs Pango

    html = render_to_string("dashboards/bulletin_document.html", context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{snapshot.period.label}通报.pdf')}"
    return response

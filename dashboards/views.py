"""The office's dashboards. Every page takes ?as_of=YYYY-MM-DD (default today) and shows the
programme as it stood that day, computed from the ledger (dashboards.state)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ledger import access
from measures.selectors import current_document
from units.models import Unit

from .state import overview, programme_state


class BadQuery(ValueError):
    pass


def _filters(request) -> dict:
    raw = request.GET.get("as_of", "")
    try:
        as_of = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise BadQuery(f"日期“{raw}”无效,应为 YYYY-MM-DD") from None
    unit = request.GET.get("unit", "")
    if unit and not unit.isdigit():
        raise BadQuery(f"单位“{unit}”无效")
    return {"as_of": as_of, "section": request.GET.get("section", ""), "unit_id": int(unit) if unit else None}


def dashboard_page(template):
    """Login, the reader roles, the filters and the document: what every dashboard needs."""

    def decorate(build):
        @login_required
        @require_GET
        def view(request):
            if not access.reads_everything(request.user):
                raise PermissionDenied("看板仅供市营商办、督查人员和管理员使用")
            document = current_document()
            if document is None:
                return render(request, "dashboards/empty.html", {"nav": "dashboard"})
            try:
                filters = _filters(request)
            except BadQuery as exc:
                return HttpResponseBadRequest(str(exc))
            state = programme_state(document, **filters)
            context = {
                "nav": "dashboard",
                "state": state,
                "filters": filters,
                "query": request.GET.urlencode(),
                "sections": document.sections.filter(part="measures").order_by("position"),
                "units": Unit.objects.filter(assignments__role="lead", assignments__measure__document=document)
                .distinct()
                .order_by("name"),
                **build(request, state),
            }
            return render(request, template, context)

        return view

    return decorate


@dashboard_page("dashboards/overview.html")
def overview_page(request, state):
    return {"overview": overview(state)}


@dashboard_page("dashboards/milestones.html")
def milestone_list(request, state):
    rows = state.milestones
    if light := request.GET.get("light"):
        rows = [r for r in rows if r.light == light]
    if request.GET.get("newly"):
        rows = [r for r in overview(state).newly_overdue]
    rows = sorted(rows, key=lambda r: (r.milestone.due_date or date.max, r.measure.position))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return {"page_obj": page, "rows": page.object_list, "light": light or ""}


@dashboard_page("dashboards/reports.html")
def report_list(request, state):
    rows = state.obligations
    if wanted := request.GET.get("state"):
        rows = [r for r in rows if r.state == wanted]
    if (period := request.GET.get("period", "")).isdigit():
        rows = [r for r in rows if r.obligation.period_id == int(period)]
    rows = sorted(rows, key=lambda r: (r.obligation.due_on, r.obligation.unit.name))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return {"page_obj": page, "rows": page.object_list, "wanted": wanted or ""}


@dashboard_page("dashboards/targets.html")
def target_list(request, state):
    series = {}
    for row in state.targets:
        series.setdefault((row.target.measure_id, row.target.metric, row.target.unit), []).append(row)
    return {"series": list(series.values())}


@dashboard_page("dashboards/measures.html")
def measure_list(request, state):
    rows = [(m, state.measure_lights[m.pk]) for m in state.measures]
    if light := request.GET.get("light"):
        rows = [(m, lt) for m, lt in rows if lt == light]
    return {"rows": rows, "light": light or ""}

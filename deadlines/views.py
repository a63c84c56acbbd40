"""Pages that show what is owed and when: a unit's tasks and the office's review queue. Both
read the as-of engine (deadlines.selectors), so their 逾期/迟报 agree with every board."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import clock
from core.params import parse_id
from ledger import access
from ledger import selectors as ledger_selectors
from ledger.forms import ReviewForm
from ledger.models import ReportState
from ledger.periods import opened_periods
from measures.models import Section
from units.models import Unit

from . import selectors
from .rules import calendar_warning_on


@login_required
@require_GET
def my_tasks(request):
    """What the user's unit owes: this period's reports, overdue ones, returned ones, contributions."""
    today = clock.today()
    context = {
        "nav": "tasks",
        "today": today,
        "is_unit_staff": access.is_unit_staff(request.user),
        "tasks": selectors.unit_tasks(request.user, today),
        "can_review": access.can_review(request.user),
        "signoff_queue": ledger_selectors.signoff_queue(request.user),
        "calendar_warning": calendar_warning_on(today),
    }
    return render(request, "ledger/my_tasks.html", context)


@login_required
@require_GET
def review_queue(request):
    """The office's queue: latest versions, by default those waiting for a decision."""
    if not access.reads_everything(request.user):
        raise PermissionDenied("审核队列仅供市营商办和督查人员使用")
    today = clock.today()
    filters = {key: request.GET.get(key, "") for key in ("section", "unit", "period")}
    state = request.GET.get("state", ReportState.SUBMITTED)
    queue = ledger_selectors.review_queue(
        request.user,
        state=state,
        section=filters["section"],
        unit=parse_id(filters["unit"], "unit"),
        period=parse_id(filters["period"], "period"),
    )
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    owed = selectors.timeliness(page.object_list, today)
    for report in page.object_list:
        report.owed = owed.get((report.measure_id, report.period_id))
        report.own_unit = access.reviews_own_unit(request.user, report)  # the form then asks why
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
        "periods": opened_periods(today)[:36],
        "can_review": access.can_review(request.user),
        "review_form": ReviewForm(),
        "calendar_warning": calendar_warning_on(today),
    }
    return render(request, "ledger/review_queue.html", context)

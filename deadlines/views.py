from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ledger import access
from ledger.services import NotAllowed

from . import schedule
from .forms import ScheduleMilestoneForm
from .models import Milestone


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

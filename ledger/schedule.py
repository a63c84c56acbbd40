"""The schedule a lead unit sets for a 按序时进度推进 (per-schedule) measure.

The document gives such measures no dates; the lead unit states its own, and the scan
then judges the measure by them like any other milestone. Each change is audited.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max

from core.errors import NotAllowed, ServiceError
from measures.models import SCHEDULE_POSITION_START, Measure, Milestone, MilestoneKind, MilestoneSource

from . import access


class ScheduleError(ServiceError):
    pass


def is_per_schedule(measure: Measure) -> bool:
    return any(m.kind == MilestoneKind.PER_SCHEDULE for m in measure.milestones.all())


def _check(user, measure: Measure) -> None:
    if not access.can_write_report(user, measure):
        raise NotAllowed("只有牵头单位可以安排本举措的进度")
    if not is_per_schedule(measure):
        raise ScheduleError("只有“按序时进度推进”的举措需要牵头单位安排进度节点")


@transaction.atomic
def add_schedule_milestone(user, measure: Measure, due_date: date, description: str) -> Milestone:
    _check(user, measure)
    description = description.strip()
    if not description:
        raise ScheduleError("请填写节点内容")
    published = measure.document.published_on
    if published and due_date < published:
        raise ScheduleError(f"节点日期不能早于文件发布日期 {published:%Y-%m-%d}")
    top = measure.milestones.aggregate(top=Max("position"))["top"] or 0
    return Milestone.objects.create(
        measure=measure,
        position=max(top + 1, SCHEDULE_POSITION_START),
        kind=MilestoneKind.DATED,
        due_date=due_date,
        description=description,
        source=MilestoneSource.SCHEDULE,
        source_text=f"{user}安排",
    )


@transaction.atomic
def remove_schedule_milestone(user, milestone: Milestone) -> None:
    _check(user, milestone.measure)
    if milestone.source != MilestoneSource.SCHEDULE:
        raise ScheduleError("文件规定的节点不能删除")
    if milestone.claims.exists():
        raise ScheduleError("该节点已有完成申报,不能删除")
    milestone.delete()

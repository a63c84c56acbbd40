"""A per-schedule (按序时进度推进) measure is judged by the schedule its lead unit sets."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.roles import UNIT_REPORTER
from accounts.services import ensure_role_groups
from core.errors import NotAllowed
from deadlines.models import MilestoneStatus
from deadlines.scan import scan_deadlines
from ledger.schedule import ScheduleError, add_schedule_milestone
from units.models import Unit

from ..conftest import SEED_PATH


@pytest.fixture
def finance_reporter(plan, django_user_model):
    """市财政局 leads measure 11 (防范化解债务风险, 按序时进度推进)."""
    user = django_user_model.objects.create_user("finance", unit=Unit.objects.get(name="市财政局"))
    user.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    return user


def test_the_lead_unit_adds_a_schedule_milestone_through_the_ledger_page(finance_reporter, plan):
    measure = plan.measures.get(number=11)
    client = Client()
    client.force_login(finance_reporter)
    page = client.post(
        reverse("schedule-add", args=[measure.pk]),
        {"due_date": "2019-09-30", "description": "完成政府隐性债务摸底"},
        follow=True,
    ).content.decode()
    assert "已添加进度节点:2019-09-30 完成政府隐性债务摸底" in page
    assert measure.milestones.filter(source="schedule", due_date=date(2019, 9, 30)).exists()


def test_the_scan_judges_the_scheduled_date(finance_reporter, plan):
    milestone = add_schedule_milestone(finance_reporter, plan.measures.get(number=11), date(2019, 9, 30), "完成摸底")
    scan_deadlines(date(2019, 10, 8))
    assert MilestoneStatus.objects.get(milestone=milestone).state == "overdue"


def test_a_reimport_keeps_the_lead_units_schedule(finance_reporter, plan):
    milestone = add_schedule_milestone(finance_reporter, plan.measures.get(number=11), date(2019, 9, 30), "完成摸底")
    output = StringIO()
    call_command("import_policy", str(SEED_PATH), stdout=output)
    assert "未做任何更改" in output.getvalue()
    assert plan.measures.get(number=11).milestones.filter(pk=milestone.pk).exists()


def test_only_per_schedule_measures_take_a_schedule_and_only_from_their_lead_unit(
    finance_reporter, lead_reporter, plan
):
    with pytest.raises(ScheduleError, match="只有“按序时进度推进”的举措"):
        add_schedule_milestone(lead_reporter, plan.measures.get(number=2), date(2019, 9, 30), "x")
    with pytest.raises(NotAllowed):
        add_schedule_milestone(lead_reporter, plan.measures.get(number=11), date(2019, 9, 30), "x")
    with pytest.raises(ScheduleError, match="不能早于文件发布日期 2018-12-05"):
        add_schedule_milestone(finance_reporter, plan.measures.get(number=11), date(2018, 1, 1), "x")


def test_an_edit_to_the_schedule_is_audited(finance_reporter, plan):
    from auditlog.models import LogEntry

    milestone = add_schedule_milestone(finance_reporter, plan.measures.get(number=11), date(2019, 9, 30), "完成摸底")
    assert LogEntry.objects.get_for_object(milestone).count() == 1

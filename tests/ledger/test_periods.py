"""Reporting periods: bounds, labels, due dates, and the job that opens them."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from ledger.models import ReportingPeriod
from ledger.periods import due_date_for, open_periods, period_bounds, period_label
from ledger.tasks import open_reporting_period

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(days, st.sampled_from(["monthly", "quarterly"]))
def test_a_day_falls_inside_its_period_and_the_period_is_due_after_it_ends(day, cycle):
    start, end = period_bounds(cycle, day)
    assert start <= day <= end
    assert start.day == 1 and (end.month - start.month) == (2 if cycle == "quarterly" else 0)
    assert due_date_for(end, 5) > end and due_date_for(end, 5).day == 5


def test_labels_read_as_the_office_writes_them():
    assert period_label("monthly", date(2019, 3, 1)) == "2019年3月"
    assert period_label("quarterly", date(2019, 4, 1)) == "2019年第2季度"


def test_december_reports_are_due_in_january_of_the_next_year():
    assert due_date_for(date(2019, 12, 31), 5) == date(2020, 1, 5)


def test_opening_periods_twice_creates_them_once_and_keeps_edited_due_dates(db):
    first = open_periods(date(2019, 1, 1), date(2019, 3, 31), "monthly")
    ReportingPeriod.objects.filter(pk=first[0].pk).update(due_on=date(2019, 2, 10))
    second = open_periods(date(2019, 1, 1), date(2019, 3, 31), "monthly")
    assert [p.pk for p in first] == [p.pk for p in second]
    assert ReportingPeriod.objects.get(pk=first[0].pk).due_on == date(2019, 2, 10)


def test_the_daily_job_opens_todays_period(db):
    assert open_reporting_period() == ReportingPeriod.objects.get().label


def test_open_period_command_names_a_bad_date(db):
    with pytest.raises(CommandError, match="--date:“2019-13-01”不是有效日期"):
        call_command("open_period", "--date", "2019-13-01")
    out = StringIO()
    call_command("open_period", "--date", "2019-12-15", stdout=out)
    assert "2019年12月(截止 2020-01-05)" in out.getvalue()


def test_install_schedules_is_idempotent_and_keeps_admin_edits(db):
    from django_celery_beat.models import PeriodicTask

    call_command("install_schedules", stdout=StringIO())
    PeriodicTask.objects.filter(name="开启本期填报周期").update(enabled=False)
    call_command("install_schedules", stdout=StringIO())
    task = PeriodicTask.objects.get(name="开启本期填报周期")
    assert task.task == "ledger.tasks.open_reporting_period" and not task.enabled

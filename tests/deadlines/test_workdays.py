"""Working days follow the holiday calendar the office keeps in the admin (seeded from
chinesecalendar); a year it lacks degrades to Monday–Friday with a warning, and a year added in
the admin counts from the next question on."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.holidays import BadDates, format_dates, load_holidays, parse_dates
from core.models import HolidayYear
from core.workdays import calendar_warning, is_workday, shift_working_days, working_days_until

pytestmark = pytest.mark.django_db

# 2027's arrangement as an office would type it from the State Council's notice (made up here:
# the real one is published in late 2026).
HOLIDAYS_2027 = """2027-01-01
2027-02-06 至 2027-02-13
2027-10-01 至 2027-10-07"""
MAKEUP_2027 = "2027-02-14\n2027-09-26\n2027-10-09"


def test_national_day_is_a_holiday_and_its_make_up_sunday_is_a_working_day():
    assert not is_workday(date(2019, 10, 1))
    assert is_workday(date(2019, 9, 29))  # a Sunday worked to make up the holiday


def test_seven_working_days_before_national_day_skip_the_holiday_week():
    assert shift_working_days(date(2019, 10, 8), -1) == date(2019, 9, 30)
    assert working_days_until(date(2019, 9, 30), date(2019, 10, 8)) == 1


def test_a_year_the_calendar_does_not_cover_falls_back_to_weekdays_with_a_warning():
    assert is_workday(date(2027, 1, 4))  # a Monday
    assert not is_workday(date(2027, 1, 2))  # a Saturday
    assert calendar_warning(date(2027, 1, 4)).startswith("节假日日历未覆盖 2027 年,该年工作日暂按周一至周五计算。")
    assert calendar_warning(date(2019, 1, 4)) == ""


def test_the_seeded_calendar_holds_every_year_chinesecalendar_ships():
    years = set(HolidayYear.objects.values_list("year", flat=True))
    assert {2004, 2019, 2026} <= years and 2027 not in years
    assert HolidayYear.objects.get(year=2019).covered


def test_a_year_added_in_the_admin_changes_the_working_day_count(administrator, client):
    october = (date(2027, 9, 24), date(2027, 10, 15))
    assert working_days_until(*october) == 15  # Monday to Friday: three weeks
    client.force_login(administrator)

    response = client.post(
        reverse("admin:core_holidayyear_add"),
        {"year": "2027", "covered": "on", "holidays_text": HOLIDAYS_2027, "makeup_text": MAKEUP_2027, "source": "测试"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    # National Day week off (5 weekdays), two Saturdays/Sundays worked: 15 - 5 + 2.
    assert working_days_until(*october) == 12
    assert not is_workday(date(2027, 10, 4)) and is_workday(date(2027, 9, 26))
    assert calendar_warning(date(2027, 10, 4)) == ""
    row = HolidayYear.objects.get(year=2027)
    assert len(row.holidays) == 1 + 8 + 7 and row.makeup_workdays == ["2027-02-14", "2027-09-26", "2027-10-09"]


def test_an_edit_in_the_admin_is_seen_by_the_next_request_of_any_process(administrator, client):
    """Another process has its own copy of the calendar; it reads the table again when its next
    request starts (request_started), not only when it saves a row itself."""
    assert is_workday(date(2027, 10, 4))  # this "process" has read the calendar: no 2027
    HolidayYear.objects.bulk_create([HolidayYear(year=2027, covered=True, holidays=["2027-10-04"])])  # no signal
    assert is_workday(date(2027, 10, 4))  # still this unit of work's copy
    client.force_login(administrator)
    client.get(reverse("admin:index"))  # a new request starts
    assert not is_workday(date(2027, 10, 4))


def test_each_celery_task_reads_the_calendar_afresh():
    from celery.signals import task_prerun

    assert is_workday(date(2027, 10, 4))
    HolidayYear.objects.bulk_create([HolidayYear(year=2027, covered=True, holidays=["2027-10-04"])])
    task_prerun.send(sender=None, task_id="digest", task=None, args=(), kwargs={})
    assert not is_workday(date(2027, 10, 4))


def test_a_year_not_marked_covered_counts_its_dates_and_still_warns():
    HolidayYear.objects.create(year=2027, covered=False, holidays=["2027-01-01"])
    assert not is_workday(date(2027, 1, 1))
    warning = calendar_warning(date(2027, 1, 4))
    assert "节假日日历 2027 年尚未完整录入" in warning and "后台“节假日日历”" in warning


@pytest.mark.parametrize(
    ("holidays", "makeup", "field", "message"),
    [
        ("2027-13-01", "", "holidays_text", "不是有效的日期"),
        ("国庆节", "", "holidays_text", "“国庆节”不是日期"),
        ("2026-10-01", "", "holidays_text", "不在 2027 年内"),
        ("2027-10-07 至 2027-10-01", "", "holidays_text", "结束日期早于开始日期"),
        ("2027-10-01", "2027-10-01", "makeup_text", "同时填在放假日期和调休上班日期中"),
        ("2027-10-01", "2027-10-08", "makeup_text", "2027-10-08 是星期五,本来就要上班"),
        ("", "", "covered", "还没有录入放假日期"),
    ],
)
def test_the_admin_names_the_entry_it_cannot_take(administrator, client, holidays, makeup, field, message):
    client.force_login(administrator)
    data = {"year": "2027", "covered": "on", "holidays_text": holidays, "makeup_text": makeup}
    response = client.post(reverse("admin:core_holidayyear_add"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_the_admin_shows_a_year_as_ranges_and_its_working_days(administrator, client):
    client.force_login(administrator)
    row = HolidayYear.objects.get(year=2019)
    page = client.get(reverse("admin:core_holidayyear_change", args=[row.pk])).content.decode()
    assert "2019-10-01 至 2019-10-07" in page and "2019-09-29" in page
    assert f'<div class="readonly">{row.working_day_count()}</div>' in page
    assert client.get(reverse("admin:core_holidayyear_changelist")).status_code == 200


def test_dates_are_read_one_per_line_or_as_ranges():
    assert parse_dates("2027-10-01 至 2027-10-03、2027年1月1日\n2027/5/1", 2027) == [
        date(2027, 1, 1),
        date(2027, 5, 1),
        date(2027, 10, 1),
        date(2027, 10, 2),
        date(2027, 10, 3),
    ]
    assert format_dates(parse_dates("2027-10-01~2027-10-03,2027-12-31", 2027)) == (
        "2027-10-01 至 2027-10-03\n2027-12-31"
    )
    with pytest.raises(BadDates):
        parse_dates("明年", 2027)


def test_load_holidays_is_idempotent_and_keeps_what_the_office_entered():
    HolidayYear.objects.filter(year=2026).delete()
    HolidayYear.objects.filter(year=2025).update(covered=False, holidays=[])
    HolidayYear.objects.filter(year=2024).update(holidays=["2024-01-01"])  # the office's own, covered
    out = StringIO()
    call_command("load_holidays", stdout=out)
    assert "新增 1 年:2026" in out.getvalue() and "补全 1 年:2025" in out.getvalue()
    assert "保留后台录入(与软件包不同) 1 年:2024" in out.getvalue()
    assert HolidayYear.objects.get(year=2024).holidays == ["2024-01-01"]
    assert HolidayYear.objects.get(year=2025).covered and not is_workday(date(2025, 10, 1))
    assert load_holidays().created == [] and "未做任何更改" in _run("load_holidays")


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=1, max_value=30))
def test_shifting_forward_lands_on_a_working_day_that_many_working_days_later(day, count):
    later = shift_working_days(day, count)
    assert is_workday(later) and working_days_until(day, later) == count
    assert shift_working_days(later, -count) <= day or not is_workday(day)

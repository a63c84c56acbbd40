"""Working days follow the official calendar; an uncovered year degrades to Monday–Friday."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from deadlines.workdays import calendar_warning, is_workday, shift_working_days, working_days_until


def test_national_day_is_a_holiday_and_its_make_up_sunday_is_a_working_day():
    assert not is_workday(date(2019, 10, 1))
    assert is_workday(date(2019, 9, 29))  # a Sunday worked to make up the holiday


def test_seven_working_days_before_national_day_skip_the_holiday_week():
    assert shift_working_days(date(2019, 10, 8), -1) == date(2019, 9, 30)
    assert working_days_until(date(2019, 9, 30), date(2019, 10, 8)) == 1


def test_a_year_the_calendar_does_not_cover_falls_back_to_weekdays_with_a_warning():
    assert is_workday(date(2027, 1, 4))  # a Monday
    assert not is_workday(date(2027, 1, 2))  # a Saturday
    assert calendar_warning(date(2027, 1, 4)) == "节假日日历未覆盖 2027 年,该年工作日暂按周一至周五计算。"
    assert calendar_warning(date(2019, 1, 4)) == ""


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=1, max_value=30))
def test_shifting_forward_lands_on_a_working_day_that_many_working_days_later(day, count):
    later = shift_working_days(day, count)
    assert is_workday(later) and working_days_until(day, later) == count
    assert shift_working_days(later, -count) <= day or not is_workday(day)

"""Working days (工作日) by the Chinese official calendar, with an honest fallback.

The calendar is the table core.models.HolidayYear: the office enters each year's holidays and
make-up working days in the admin (节假日日历), and `load_holidays` seeds the years the
chinesecalendar package ships. A year with no row counts Monday to Friday; a year without a row,
or whose row is not marked covered, makes `calendar_warning` say so, so the boards, digests and
exports never guess silently.

The table is read once per unit of work — a request, a Celery task, a command — in one query,
and forgotten when the next one starts or a row is saved, so every process sees the office's
edits from its next request on.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import date, timedelta

logger = logging.getLogger(__name__)
_local = threading.local()
_logged_years: set[int] = set()


@dataclass(frozen=True)
class YearDays:
    covered: bool
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]


def _calendar() -> dict[int, YearDays]:
    calendar = getattr(_local, "calendar", None)
    if calendar is None:
        from .models import HolidayYear

        calendar = {
            row.year: YearDays(row.covered, row.holiday_dates(), row.makeup_dates())
            for row in HolidayYear.objects.all()
        }
        _local.calendar = calendar
    return calendar


def forget(**kwargs) -> None:
    """Drop this thread's copy of the calendar: the next question reads the table again.
    Connected to request_started, Celery's task_prerun and HolidayYear saves (core.apps)."""
    _local.calendar = None


def is_workday(day: date) -> bool:
    year = _calendar().get(day.year)
    if year is None:
        if day.year not in _logged_years:
            _logged_years.add(day.year)
            logger.warning("节假日日历未覆盖 %s 年,按周一至周五计算工作日", day.year)
        return day.weekday() < 5
    if day in year.makeup_workdays:
        return True
    return day.weekday() < 5 and day not in year.holidays


def calendar_warning(*days: date | None) -> str:
    """A sentence for pages and emails when any of `days` falls in a year the calendar lacks or
    has not been completed for."""
    calendar = _calendar()
    years = sorted({d.year for d in days if d is not None})
    missing = [y for y in years if y not in calendar]
    partial = [y for y in years if y in calendar and not calendar[y].covered]
    sentences = []
    if missing:
        sentences.append(f"节假日日历未覆盖 {'、'.join(map(str, missing))} 年,该年工作日暂按周一至周五计算。")
    if partial:
        sentences.append(f"节假日日历 {'、'.join(map(str, partial))} 年尚未完整录入,该年工作日按已录入的日期计算。")
    if sentences:
        sentences.append("请系统管理员在后台“节假日日历”中录入国务院公布的放假安排。")
    return "".join(sentences)


def working_days_until(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return count


def shift_working_days(day: date, count: int) -> date:
    """The date `count` working days before (negative) or after (positive) `day`."""
    step = timedelta(days=1 if count > 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        remaining -= is_workday(day)
    return day

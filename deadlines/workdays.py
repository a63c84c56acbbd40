"""Working days (工作日) by the Chinese official calendar, with an honest fallback.

chinesecalendar knows the State Council's holidays and make-up working days for the
years it ships (2004–2026 in 1.11). For any other year we fall back to Monday–Friday
and record the year in `uncovered_years`, so the pages and digests can say the
calendar is missing instead of silently guessing.
"""

import logging
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)
uncovered_years: set[int] = set()


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in uncovered_years:
            uncovered_years.add(day.year)
            logger.warning("节假日日历未覆盖 %s 年,按周一至周五计算工作日", day.year)
        return day.weekday() < 5


def calendar_warning(*days: date) -> str:
    """A sentence for pages and emails when any of `days` falls in a year the calendar lacks."""
    missing = sorted({d.year for d in days if d is not None and not _covered(d.year)})
    if not missing:
        return ""
    years = "、".join(str(y) for y in missing)
    return f"节假日日历未覆盖 {years} 年,该年工作日暂按周一至周五计算。"


def _covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


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

"""Reporting periods: which exist, which is current, and when each is due.

Periods are opened, not assumed: a period exists once `open_periods` has created it (the
monthly beat job opens the current one; `seed_demo_history` opens 2019–2020). A deployment
in 2026 therefore does not owe reports for 2021.
"""

import calendar
from datetime import date

from django.conf import settings
from django.db import transaction

from .models import Cycle, ReportingPeriod


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def period_bounds(cycle: str, day: date) -> tuple[date, date]:
    """First and last day of the period of `cycle` containing `day`."""
    if cycle == Cycle.QUARTERLY:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        end_month = _add_months(start, 2)
    else:
        start = date(day.year, day.month, 1)
        end_month = start
    return start, date(end_month.year, end_month.month, calendar.monthrange(end_month.year, end_month.month)[1])


def period_label(cycle: str, start: date) -> str:
    if cycle == Cycle.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def due_date_for(end: date, due_day: int | None = None) -> date:
    """Reports are due on day `due_day` of the month after the period ends (default: the 5th)."""
    following = _add_months(end, 1)
    return following.replace(day=due_day or settings.REPORT_DUE_DAY)


@transaction.atomic
def open_periods(first_day: date, last_day: date, cycle: str | None = None) -> list[ReportingPeriod]:
    """Create every period of `cycle` touching [first_day, last_day] that does not exist yet;
    return all of them. Existing periods keep their (possibly edited) due dates."""
    cycle = cycle or settings.REPORTING_CYCLE
    periods = []
    day = first_day
    while day <= last_day:
        start, end = period_bounds(cycle, day)
        period, _ = ReportingPeriod.objects.get_or_create(
            cycle=cycle,
            starts_on=start,
            defaults={"ends_on": end, "due_on": due_date_for(end), "label": period_label(cycle, start)},
        )
        periods.append(period)
        day = _add_months(end, 1)
    return periods


def open_current_period(today: date) -> ReportingPeriod:
    return open_periods(today, today)[0]


def opened_periods(until: date, cycle: str | None = None):
    """Periods of the configured cycle that have begun by `until`, newest first."""
    return ReportingPeriod.objects.filter(cycle=cycle or settings.REPORTING_CYCLE, starts_on__lte=until)

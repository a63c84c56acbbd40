"""Writing the holiday calendar: reading the dates the office types, and seeding years from the
chinesecalendar package. core.workdays reads what is written here."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import version

from django.db import transaction
from django.utils import timezone

from . import workdays
from .models import HolidayYear

WEEKDAYS = "一二三四五六日"
# 2027-10-01, 2027/10/1, 2027.10.1, 2027年10月1日
_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_RANGE = re.compile(rf"^{_DAY}(?:\s*(?:至|到|~|～|—|--)\s*{_DAY})?$")
_SEPARATORS = re.compile(r"[\n\r,,;;、]+")


class BadDates(ValueError):
    """Dates the office typed that cannot be read; the message names the entry, in Chinese."""


def parse_dates(text: str, year: int) -> list[date]:
    """Dates written one per line (or separated by commas / 、), each a day or a range
    ("2027-10-01 至 2027-10-07"), all in `year`. Sorted, without repeats."""
    days: set[date] = set()
    for entry in filter(None, (part.strip() for part in _SEPARATORS.split(text))):
        match = _RANGE.match(entry)
        if match is None:
            raise BadDates(f"“{entry[:40]}”不是日期,应写作 {year}-10-01 或 {year}-10-01 至 {year}-10-07")
        try:
            first = date(*map(int, match.group(1, 2, 3)))
            last = date(*map(int, match.group(4, 5, 6))) if match.group(4) else first
        except ValueError:
            raise BadDates(f"“{entry[:40]}”不是有效的日期") from None
        if last < first:
            raise BadDates(f"“{entry[:40]}”的结束日期早于开始日期")
        if first.year != year or last.year != year:
            raise BadDates(f"“{entry[:40]}”不在 {year} 年内")
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(days)


def format_dates(days) -> str:
    """One line per run of consecutive days: what the admin form shows and parse_dates reads."""
    lines, run = [], []
    for day in sorted(days):
        if run and day - run[-1] != timedelta(days=1):
            lines.append(_run_text(run))
            run = []
        run.append(day)
    if run:
        lines.append(_run_text(run))
    return "\n".join(lines)


def _run_text(run: list[date]) -> str:
    if len(run) == 1:
        return run[0].isoformat()
    return f"{run[0].isoformat()} 至 {run[-1].isoformat()}"


def weekday_name(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def package_years() -> dict[int, tuple[list[date], list[date]]]:
    """{year: (holidays, make-up working days)} for every year the chinesecalendar package ships."""
    from chinese_calendar import constants

    years: dict[int, tuple[list[date], list[date]]] = {}
    for day in constants.holidays:
        years.setdefault(day.year, ([], []))[0].append(day)
    for day in constants.workdays:
        years.setdefault(day.year, ([], []))[1].append(day)
    return {year: (sorted(h), sorted(w)) for year, (h, w) in sorted(years.items())}


@dataclass
class LoadReport:
    created: list[int] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)  # rows not marked covered, filled from the package
    unchanged: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # covered rows the office entered differently: theirs wins


@transaction.atomic
def load_holidays(model=HolidayYear) -> LoadReport:
    """Seed the calendar from chinesecalendar. Idempotent: a year already there and equal is left
    alone; a year the office has marked covered is never overwritten (reported as kept when it
    differs); a year not yet marked covered is completed from the package. `model` lets a data
    migration pass its historical model."""
    source = f"chinesecalendar {version('chinesecalendar')}"
    report = LoadReport()
    existing = {row.year: row for row in model.objects.all()}
    for year, (holidays, makeup) in package_years().items():
        values = {
            "holidays": [d.isoformat() for d in holidays],
            "makeup_workdays": [d.isoformat() for d in makeup],
        }
        row = existing.get(year)
        if row is None:
            model.objects.create(year=year, covered=True, source=source, **values)
            report.created.append(year)
        elif row.holidays == values["holidays"] and row.makeup_workdays == values["makeup_workdays"]:
            if not row.covered:
                model.objects.filter(pk=row.pk).update(covered=True, updated_at=timezone.now())
                report.completed.append(year)
            else:
                report.unchanged.append(year)
        elif row.covered:
            report.kept.append(year)
        else:
            model.objects.filter(pk=row.pk).update(covered=True, source=source, updated_at=timezone.now(), **values)
            report.completed.append(year)
    workdays.forget()  # update() sends no post_save
    return report

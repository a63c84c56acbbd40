"""The holiday calendar (节假日安排): one row per year, filled in by the office in the admin from
the State Council's yearly notice, or seeded from the chinesecalendar package (load_holidays).
core.workdays reads it; nothing else does."""

from datetime import date, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayYear(models.Model):
    """A year's official holidays and make-up working days (调休上班).

    A day of the year is a working day when it is a make-up working day, or a weekday that is not
    a holiday. Until `covered` is ticked the pages and digests warn that the year may be
    incomplete; a year with no row at all counts Monday to Friday and warns too."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    covered = models.BooleanField(
        _("已完整录入"),
        default=False,
        help_text=_(
            "按国务院办公厅当年放假安排通知录入全部放假和调休上班日期后勾选;未勾选时看板和简报会提示日历不完整。"
        ),
    )
    holidays = models.JSONField(_("放假日期"), default=list, blank=True)
    makeup_workdays = models.JSONField(_("调休上班日期"), default=list, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如:国办发明电〔2026〕7号"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日日历")

    def __str__(self):
        return f"{self.year} 年节假日安排"

    def holiday_dates(self) -> frozenset[date]:
        return frozenset(date.fromisoformat(day) for day in self.holidays)

    def makeup_dates(self) -> frozenset[date]:
        return frozenset(date.fromisoformat(day) for day in self.makeup_workdays)

    def working_day_count(self) -> int:
        """Working days in the year by this row (what the admin shows to check an entry)."""
        holidays, makeup = self.holiday_dates(), self.makeup_dates()
        first = date(self.year, 1, 1)
        days = (first + timedelta(days=n) for n in range((date(self.year + 1, 1, 1) - first).days))
        return sum(1 for day in days if day in makeup or (day.weekday() < 5 and day not in holidays))


class Revision(models.Model):
    """A token per scope of tables, replaced by the database when a transaction that changed
    those tables commits (core.revision): what the cached boards are keyed by."""

    scope = models.CharField(primary_key=True, max_length=16)
    token = models.UUIDField()

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self):
        return f"{self.scope}: {self.token}"

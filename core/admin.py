from django import forms
from django.contrib import admin

from .holidays import BadDates, format_dates, parse_dates, weekday_name
from .models import HolidayYear


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the system writes — the ledger's history, computed statuses, sent mail, published
    rankings — shown in the admin to explain, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HolidayYearForm(forms.ModelForm):
    """The dates as the office reads them in the State Council's notice: one day or one range a
    line (2027-10-01 至 2027-10-07); checked against the year before anything is saved."""

    holidays_text = forms.CharField(
        label="放假日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 40}),
        help_text="每行一天或一段,如 2027-10-01 至 2027-10-07;含放假期间的周末。",
    )
    makeup_text = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text="需要上班的周六、周日,每行一天,如 2027-09-26。",
    )

    class Meta:
        model = HolidayYear
        fields = ["year", "covered", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["holidays_text"].initial = format_dates(self.instance.holiday_dates())
            self.fields["makeup_text"].initial = format_dates(self.instance.makeup_dates())

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is None:
            return cleaned
        days = {}
        for name in ("holidays_text", "makeup_text"):
            try:
                days[name] = parse_dates(cleaned.get(name, ""), year)
            except BadDates as exc:
                self.add_error(name, str(exc))
        if len(days) < 2:
            return cleaned
        both = sorted(set(days["holidays_text"]) & set(days["makeup_text"]))
        if both:
            self.add_error("makeup_text", f"{both[0]:%Y-%m-%d} 同时填在放假日期和调休上班日期中")
        weekdays = [day for day in days["makeup_text"] if day.weekday() < 5]
        if weekdays:
            day = weekdays[0]
            self.add_error("makeup_text", f"{day:%Y-%m-%d} 是{weekday_name(day)},本来就要上班,不是调休上班日")
        if cleaned.get("covered") and not days["holidays_text"]:
            self.add_error("covered", "还没有录入放假日期,不能标为已完整录入")
        self.instance.holidays = [day.isoformat() for day in days["holidays_text"]]
        self.instance.makeup_workdays = [day.isoformat() for day in days["makeup_text"]]
        return cleaned


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    form = HolidayYearForm
    list_display = ["year", "covered", "holiday_count", "makeup_count", "workdays", "source", "updated_at"]
    list_filter = ["covered"]
    fields = ["year", "covered", "holidays_text", "makeup_text", "source", "workdays", "updated_at"]
    readonly_fields = ["workdays", "updated_at"]

    @admin.display(description="放假天数")
    def holiday_count(self, obj):
        return len(obj.holidays)

    @admin.display(description="调休上班天数")
    def makeup_count(self, obj):
        return len(obj.makeup_workdays)

    @admin.display(description="全年工作日")
    def workdays(self, obj):
        return obj.working_day_count() if obj.pk else "保存后显示"

"""Supervision's forms: shapes and messages only; the rules are in supervision.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.params import EARLIEST, LATEST
from measures.models import Measure
from units.models import Unit

from .models import TEXT_LIMIT, Finding, FindingSource, OutcomeKind, Severity
from .services import MAX_DEADLINE_WORKDAYS

TEXTAREA = {"rows": 4, "class": "form-control"}
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class DateField(forms.DateField):
    """A date picker limited to the range every parameter of the project accepts (core.params)."""

    widget = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"日期应在 {EARLIEST} 至 {LATEST} 之间")
        return day


def _measures():
    return forms.ModelMultipleChoiceField(
        label=_("涉及举措"),
        queryset=Measure.objects.select_related("section").order_by("position"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )


def _units(label, required=False):
    field = forms.ModelMultipleChoiceField if not required else forms.ModelChoiceField
    widget = forms.SelectMultiple(attrs={"class": "form-select", "size": 6}) if not required else forms.Select(SELECT)
    return field(label=label, queryset=Unit.objects.order_by("name"), required=required, widget=widget)


class InspectionForm(forms.Form):
    topic = forms.CharField(label=_("督查主题"), max_length=200, widget=forms.TextInput(TEXT))
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"))
    inspectors = forms.CharField(label=_("督查人员"), max_length=500, widget=forms.TextInput(TEXT))
    measures = _measures()
    units = _units(_("督查单位"))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        return data


class FindingForm(forms.Form):
    unit = _units(_("责任单位"), required=True)
    measures = _measures()
    problem = forms.CharField(label=_("问题描述"), max_length=TEXT_LIMIT, widget=forms.Textarea(TEXTAREA))
    source = forms.ChoiceField(label=_("问题来源"), choices=FindingSource.choices, widget=forms.Select(SELECT))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, widget=forms.Select(SELECT))
    deadline = DateField(label=_("整改时限(日期)"), required=False)
    workdays = forms.IntegerField(
        label=_("或:整改期限(工作日)"),
        min_value=1,
        max_value=MAX_DEADLINE_WORKDAYS,
        required=False,
        widget=forms.NumberInput(TEXT),
        help_text=_("自今天起的工作日数,按节假日日历计算;与日期二选一"),
    )
    origin = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def clean(self):
        data = super().clean()
        own_errors = "deadline" in self.errors or "workdays" in self.errors
        if not own_errors and (data.get("deadline") is None) == (data.get("workdays") is None):
            self.add_error("deadline", "请填写整改时限:一个日期,或若干个工作日(二选一)")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class StepForm(forms.Form):
    text = forms.CharField(label=_("说明"), max_length=TEXT_LIMIT, widget=forms.Textarea(TEXTAREA))
    owner = forms.CharField(label=_("责任人"), max_length=100, required=False, widget=forms.TextInput(TEXT))
    due = DateField(label=_("时限"), required=False)
    report = forms.IntegerField(
        label=_("关联进展报告编号"), required=False, min_value=1, widget=forms.NumberInput(TEXT),
        help_text=_("可选:本单位在台账中已报送的进展报告(报告页地址中的编号)"),
    )  # fmt: skip
    files = MultipleFileField(label=_("佐证材料"), required=False)


class InterviewForm(forms.Form):
    unit = _units(_("被约谈单位"), required=True)
    person = forms.CharField(label=_("被约谈人"), max_length=100, widget=forms.TextInput(TEXT))
    post = forms.CharField(label=_("职务"), max_length=100, widget=forms.TextInput(TEXT))
    interviewers = forms.CharField(label=_("约谈人"), max_length=300, widget=forms.TextInput(TEXT))
    held_on = DateField(label=_("约谈日期"))
    reasons = forms.CharField(label=_("约谈事由"), max_length=TEXT_LIMIT, widget=forms.Textarea(TEXTAREA))
    findings = forms.ModelMultipleChoiceField(
        label=_("涉及问题"),
        queryset=Finding.objects.select_related("unit").order_by("-pk"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
    )
    notes = forms.CharField(label=_("约谈记录"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(TEXTAREA))
    commitment = forms.CharField(label=_("承诺事项"), max_length=500, required=False, widget=forms.TextInput(TEXT))
    commitment_deadline = DateField(label=_("承诺时限"), required=False)
    reason_link = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    ranking_snapshot = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)

    def clean(self):
        data = super().clean()
        if bool(data.get("commitment")) != bool(data.get("commitment_deadline")):
            self.add_error("commitment_deadline", "承诺事项和承诺时限须一并填写")
        return data

    def commitments(self):
        data = self.cleaned_data
        return [(data["commitment"], data["commitment_deadline"])] if data.get("commitment") else []


class CommitmentForm(forms.Form):
    text = forms.CharField(label=_("承诺事项"), max_length=500, widget=forms.TextInput(TEXT))
    deadline = DateField(label=_("承诺时限"))


class FulfilForm(forms.Form):
    fulfilled_on = DateField(label=_("兑现日期"))
    note = forms.CharField(label=_("兑现说明"), max_length=500, required=False, widget=forms.TextInput(TEXT))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("处理方式"), choices=OutcomeKind.choices, widget=forms.Select(SELECT))
    decided_on = DateField(label=_("决定日期"))
    summary = forms.CharField(label=_("处理情况"), max_length=TEXT_LIMIT, widget=forms.Textarea(TEXTAREA))
    document = forms.FileField(label=_("决定文书"), required=False, widget=forms.ClearableFileInput(TEXT))
    exposed = forms.BooleanField(
        label=_("作为典型案例公开曝光"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    public_summary = forms.CharField(
        label=_("曝光内容(公众可见)"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(TEXTAREA)
    )

    def clean(self):
        data = super().clean()
        if data.get("exposed") and not (data.get("public_summary") or "").strip():
            self.add_error("public_summary", "公开曝光须填写曝光内容")
        return data

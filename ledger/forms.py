from django import forms
from django.utils.translation import gettext_lazy as _

from measures.models import MilestoneKind

from .models import COMMENT_LIMIT, TEXT_LIMIT, ProgressStatus, ReviewDecision
from .services import TargetValue, confirmed_milestone_ids

TEXTAREA = {"rows": 4, "class": "form-control"}


class ContentForm(forms.Form):
    """The narrative every report and contribution carries, plus the version it was edited from."""

    status = forms.ChoiceField(
        label=_("推进状态"),
        choices=ProgressStatus.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    # A draft keeps whatever is typed: 工作进展 and 下步计划 are required at submission, where the
    # service names what is missing (ledger.services._check_complete), not to save a draft.
    progress = forms.CharField(
        label=_("工作进展"), widget=forms.Textarea(TEXTAREA), max_length=TEXT_LIMIT, required=False
    )
    problems = forms.CharField(
        label=_("存在问题"), widget=forms.Textarea(TEXTAREA), max_length=TEXT_LIMIT, required=False
    )
    next_steps = forms.CharField(
        label=_("下步计划"), widget=forms.Textarea(TEXTAREA), max_length=TEXT_LIMIT, required=False
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def content(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("status", "progress", "problems", "next_steps")}


def target_label(target) -> str:
    """Which target a value is for: three targets of measure 2 share the metric 企业开办时间
    and differ only by value and deadline (≤3.5 / ≤8.5 / ≤5 工作日)."""
    if target.due_date:
        when = f"{target.due_date:%Y-%m-%d} 前"
    elif target.recurrence:
        when = target.get_recurrence_display()
    else:
        when = "长期"
    return f"{target.metric}(目标 {target.get_comparator_display()} {target.value_display}{target.unit},{when})"


class ReportForm(ContentForm):
    """A lead unit's report: the narrative, a value for each target, and milestones claimed done."""

    claimed_milestones = forms.TypedMultipleChoiceField(
        label=_("本期完成的节点(须上传佐证材料,经市营商办审核通过后销号)"),
        coerce=int,
        required=False,
        # Bootstrap's class keeps a long label beside its box instead of pushing the box onto a line of its own.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(measure.targets.all())
        for target in self.targets:
            self.fields[f"target_{target.pk}_value"] = forms.DecimalField(
                label=target_label(target),
                required=False,
                max_digits=12,
                decimal_places=2,
                widget=forms.NumberInput({"class": "form-control", "step": "any"}),
            )
            self.fields[f"target_{target.pk}_as_of"] = forms.DateField(
                label=_("数据截至"),
                required=False,
                widget=forms.DateInput({"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            )
        # Only open milestones: one already confirmed (销号) cannot be claimed again.
        confirmed = confirmed_milestone_ids(measure)
        self.fields["claimed_milestones"].choices = [
            (m.pk, f"{m.due_date:%Y-%m-%d} {m.description[:40]}")
            for m in measure.milestones.all()
            if m.kind in (MilestoneKind.DATED, MilestoneKind.PHASE) and m.pk not in confirmed
        ]

    def target_rows(self):
        return [(t, self[f"target_{t.pk}_value"], self[f"target_{t.pk}_as_of"]) for t in self.targets]

    def clean(self):
        cleaned = super().clean()
        for target in self.targets:
            value, as_of = cleaned.get(f"target_{target.pk}_value"), cleaned.get(f"target_{target.pk}_as_of")
            if value is not None and as_of is None:
                self.add_error(f"target_{target.pk}_as_of", _("填写了实际值,请同时填写数据截至日期"))
            if as_of is not None and value is None:
                self.add_error(f"target_{target.pk}_value", _("填写了日期,请同时填写实际值"))
        return cleaned

    def target_values(self) -> list[TargetValue]:
        values = []
        for target in self.targets:
            value = self.cleaned_data.get(f"target_{target.pk}_value")
            if value is not None:
                values.append(TargetValue(target.pk, value, self.cleaned_data[f"target_{target.pk}_as_of"]))
        return values


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=ReviewDecision.choices)
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea({"rows": 2, "class": "form-control"}),
    )
    good_practice = forms.BooleanField(label=_("列为典型经验"), required=False)
    own_unit_reason = forms.CharField(label=_("本单位报告审核说明"), required=False, max_length=COMMENT_LIMIT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ReviewDecision.RETURNED and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("退回时须填写审核意见,说明需要修改的地方"))
        return cleaned


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证材料"), help_text=_("PDF、图片、Word 或 Excel,单个文件不超过上限"))


def initial_from(record) -> dict:
    initial = {field: getattr(record, field) for field in ("status", "progress", "problems", "next_steps")}
    initial["lock_version"] = record.lock_version
    return initial


def report_initial(report) -> dict:
    initial = initial_from(report)
    for actual in report.actuals.all():
        initial[f"target_{actual.target_id}_value"] = actual.value
        initial[f"target_{actual.target_id}_as_of"] = actual.as_of
    initial["claimed_milestones"] = [claim.milestone_id for claim in report.claims.all()]
    return initial


class ScheduleMilestoneForm(forms.Form):
    due_date = forms.DateField(
        label=_("节点日期"), widget=forms.DateInput({"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("节点内容"), max_length=500, widget=forms.TextInput({"class": "form-control"})
    )


class ContributionRequestForm(forms.Form):
    """The lead unit picks which responsible units to ask for their share."""

    units = forms.TypedMultipleChoiceField(
        label=_("请求报送的责任单位"), coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个责任单位")},
    )  # fmt: skip
    note = forms.CharField(
        label=_("说明(可选)"), required=False, max_length=COMMENT_LIMIT,
        widget=forms.Textarea({"rows": 2, "class": "form-control", "placeholder": "如:请于本周五前报送配合材料"}),
    )  # fmt: skip

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(unit.pk, unit.name) for unit in units]

from django import forms
from django.utils.translation import gettext_lazy as _

from core.params import BadParameter, parse_date
from measures.models import Measure
from supervision.forms import FindingForm
from supervision.models import TEXT_LIMIT, Severity
from units.models import Unit

from .models import CONTACT_LIMIT, FEEDBACK_LIMIT, PUBLIC_TEXT_LIMIT, REPLY_LIMIT

TEXTAREA = {"rows": 6, "class": "form-control"}
INPUT = {"class": "form-control"}


class FeedbackForm(forms.Form):
    """The public's form. `website` is a honeypot: hidden from people, filled in by bots."""

    measure = forms.TypedChoiceField(label=_("涉及举措(可不选)"), required=False, coerce=int, empty_value=None)
    content = forms.CharField(
        label=_("反映内容"),
        max_length=FEEDBACK_LIMIT,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("请用纯文本描述遇到的问题,最多 %(n)s 字;不要填写他人的个人信息。") % {"n": FEEDBACK_LIMIT},
        error_messages={"required": _("请填写反映内容")},
    )
    contact = forms.CharField(
        label=_("联系方式(可不填)"),
        max_length=CONTACT_LIMIT,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text=_("仅供市营商办回访使用,不会公开。"),
    )
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput({"tabindex": "-1", "autocomplete": "off", "class": "form-control"}),
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "不涉及具体举措")] + [
            (m["id"], f"{m['code']}. {m['title']}" if m["numbered"] else f"({m['code']}){m['title']}") for m in measures
        ]
        self.fields["measure"].widget.attrs["class"] = "form-select"


class PublishForm(forms.Form):
    as_of = forms.CharField(label=_("进展截至"), widget=forms.DateInput({"type": "date", "class": "form-control"}))
    note = forms.CharField(label=_("发布说明"), max_length=200, required=False, widget=forms.TextInput(INPUT))

    def clean_as_of(self):
        try:
            return parse_date(self.cleaned_data["as_of"], "as_of")
        except BadParameter as exc:
            raise forms.ValidationError(str(exc)) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=2000,
        widget=forms.Textarea({"rows": 3, "class": "form-control"}),
        help_text=_("记入审计日志,并显示在内部的发布记录上"),
        error_messages={"required": _("请填写撤回原因")},
    )


class InterpretationForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(INPUT))
    issuer = forms.CharField(label=_("发布单位"), max_length=100, required=False, widget=forms.TextInput(INPUT))
    text = forms.CharField(label=_("解读正文"), max_length=PUBLIC_TEXT_LIMIT, widget=forms.Textarea(TEXTAREA))
    measures = forms.ModelMultipleChoiceField(
        label=_("相关举措"),
        queryset=Measure.objects.select_related("section").order_by("document", "position"),
        required=False,
        widget=forms.SelectMultiple({"class": "form-select", "size": 8}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), widget=forms.ClearableFileInput({"class": "form-control"}))


class GoodPracticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(INPUT))
    text = forms.CharField(
        label=_("公开文本"),
        max_length=PUBLIC_TEXT_LIMIT,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("公众看到的就是这段文字;请删去内部意见、人名和未公开的数据。"),
    )


class CloseFeedbackForm(forms.Form):
    reply = forms.CharField(label=_("答复"), max_length=REPLY_LIMIT, widget=forms.Textarea(TEXTAREA))
    publish = forms.BooleanField(
        label=_("公开答复"), required=False, widget=forms.CheckboxInput({"class": "form-check-input"})
    )
    public_summary = forms.CharField(
        label=_("公开的问题摘要"),
        max_length=FEEDBACK_LIMIT,
        required=False,
        widget=forms.Textarea({"rows": 3, "class": "form-control"}),
        help_text=_("公开答复时必填:用自己的话概括问题,不含反映人的联系方式和个人信息。"),
    )


class FeedbackFindingForm(FindingForm):
    """转为督查问题: supervision's finding form (its date range and date-or-working-days rule),
    less the source and origin, which are always 社会监督 and this feedback."""

    field_order = ["unit", "problem", "severity", "deadline", "workdays", "measures"]

    source = None
    origin = None
    unit = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.order_by("name"),
        widget=forms.Select({"class": "form-select"}),
        error_messages={"required": _("请选择责任单位"), "invalid_choice": _("所选责任单位不存在")},
    )
    problem = forms.CharField(
        label=_("问题描述"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("责任单位看到的问题;已预填反映原文,可删去反映人的个人信息后再挂账。"),
        error_messages={"required": _("请填写问题描述"), "max_length": _("问题描述最多 %(limit_value)d 字")},
    )
    severity = forms.ChoiceField(
        label=_("严重程度"),
        choices=Severity.choices,
        initial=Severity.GENERAL,
        widget=forms.Select({"class": "form-select"}),
        error_messages={"required": _("请选择严重程度"), "invalid_choice": _("严重程度无效")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workdays"].error_messages.update(
            {
                "invalid": _("整改期限请填写整数个工作日"),
                "min_value": _("整改期限至少 %(limit_value)s 个工作日"),
                "max_value": _("整改期限最多 %(limit_value)s 个工作日"),
            }
        )
        self.fields["deadline"].error_messages["invalid"] = _("请按“年-月-日”填写整改时限")
        self.fields["measures"].error_messages.update(
            {"invalid_choice": _("所选举措不存在"), "invalid_pk_value": _("所选举措无效")}
        )

    @classmethod
    def initial_for(cls, feedback) -> dict:
        """Prefilled from the feedback: its text, its measure and that measure's lead unit, if
        exactly one; 20 working days, as a new finding is offered."""
        initial = {"problem": feedback.content, "severity": Severity.GENERAL, "workdays": 20}
        if feedback.measure is not None:
            initial["measures"] = [feedback.measure.pk]
            leads = feedback.measure.lead_units()
            if len(leads) == 1:
                initial["unit"] = leads[0].pk
        return initial

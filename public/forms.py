from django import forms
from django.utils.translation import gettext_lazy as _

from core.params import BadParameter, parse_date
from measures.models import Measure

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

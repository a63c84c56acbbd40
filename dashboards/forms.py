from django import forms
from django.utils.translation import gettext_lazy as _


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=2000,
        widget=forms.Textarea({"rows": 3, "class": "form-control"}),
        help_text=_("将记入审计日志,并显示在已撤回的排名上"),
        error_messages={"required": _("请填写撤回原因")},
    )

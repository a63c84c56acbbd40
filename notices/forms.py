from django import forms

from .models import NoticeKind


class EmailSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="同时发送邮件的通知",
        choices=NoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

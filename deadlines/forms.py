from django import forms
from django.utils.translation import gettext_lazy as _


class ScheduleMilestoneForm(forms.Form):
    due_date = forms.DateField(
        label=_("节点日期"), widget=forms.DateInput({"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("节点内容"), max_length=500, widget=forms.TextInput({"class": "form-control"})
    )

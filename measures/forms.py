from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit, UnitKind


class LeadUnitsForm(forms.Form):
    """Which units lead a measure, as the office sets them (measures.services.set_lead_units)."""

    units = forms.TypedMultipleChoiceField(
        label=_("牵头单位"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}),
        help_text=_("可多选(按住 Ctrl 或 ⌘ 点选);文件原文不变,改动记入修改记录。"),
        error_messages={
            "required": _("请至少选择一个牵头单位"),
            "invalid_choice": _("所选单位不存在:%(value)s"),
        },
    )

    def __init__(self, *args, has_lead_groups: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A measure a group leads (as the document may write it) may be left to the group alone.
        self.fields["units"].required = not has_lead_groups
        # Grouped by kind, in the order the directory lists kinds (党委部门, 政府部门 …).
        grouped: dict[str, list] = {kind: [] for kind in UnitKind.values}
        self.units_by_pk = {}
        for unit in Unit.objects.only("id", "name", "kind").order_by("name"):
            grouped.setdefault(unit.kind, []).append((unit.pk, unit.name))
            self.units_by_pk[unit.pk] = unit
        labels = dict(UnitKind.choices)
        self.fields["units"].choices = [
            (str(labels.get(kind, _("其他"))), units) for kind, units in grouped.items() if units
        ]

    def full_clean(self):
        super().full_clean()
        if "units" in self.errors:
            self.fields["units"].widget.attrs["class"] = "form-select is-invalid"

    def clean_units(self) -> list[Unit]:
        return [self.units_by_pk[pk] for pk in self.cleaned_data["units"]]

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit, UnitGroup, UnitKind

from .importing import name_key


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


class ImportUploadForm(forms.Form):
    """The file of a plan to preview (measures.importing); its type is read from the content."""

    file = forms.FileField(
        label=_("政策文件"),
        help_text=_("Word(.docx)、Excel(.xlsx)、CSV 或 UTF-8 文本(.txt),不超过 5 MB"),
        error_messages={"required": _("请选择要导入的文件"), "empty": _("文件为空")},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".docx,.xlsx,.csv,.txt"}),
    )


class ImportPreviewForm(forms.Form):
    """The office's corrections to a preview (layout, lead rule, what an unknown name means) and,
    to import, the confirmation. One `map-<key>` choice per name the directory does not know."""

    layout = forms.ChoiceField(label=_("版式"), required=False)
    lead_rule = forms.ChoiceField(label=_("牵头规则"), required=False)
    digest = forms.CharField(widget=forms.HiddenInput, required=False)
    skip_conflicts = forms.BooleanField(label=_("冲突处保留人工修改,写入其余更改"), required=False)
    confirm = forms.BooleanField(label=_("我已核对以上预览,确认导入(导入后不能撤销)"), required=False)

    def __init__(self, *args, names: list[str] = (), layouts: dict, lead_rules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [("", _("自动识别"))] + list(layouts.items())
        self.fields["lead_rule"].choices = [("", _("按文件与版式"))] + list(lead_rules.items())
        self.targets: dict[str, object] = {}
        labels = dict(UnitKind.choices)
        grouped: dict[str, list] = {kind: [] for kind in UnitKind.values}
        for unit in Unit.objects.only("id", "name", "kind").order_by("name"):
            grouped.setdefault(unit.kind, []).append((f"unit:{unit.pk}", unit.name))
            self.targets[f"unit:{unit.pk}"] = unit
        groups = []
        for group in UnitGroup.objects.only("id", "name").order_by("name"):
            groups.append((f"group:{group.pk}", group.name))
            self.targets[f"group:{group.pk}"] = group
        choices = [("", _("新建此单位(导入后请在后台确认类别)"))]
        choices += [(str(_("单位组")), groups)] if groups else []
        choices += [(str(labels.get(kind, _("其他"))), units) for kind, units in grouped.items() if units]
        self.names = {}
        for name in names:
            key = f"map-{name_key(name)}"
            self.names[key] = name
            self.fields[key] = forms.ChoiceField(
                label=name,
                choices=choices,
                required=False,
                error_messages={"invalid_choice": _("所选单位不存在,请重新选择")},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping_fields(self):
        return [self[key] for key in self.names]

    def unit_mapping(self) -> dict:
        """Name as written → the existing unit or group chosen for it (only names mapped)."""
        return {
            name: self.targets[self.cleaned_data[key]] for key, name in self.names.items() if self.cleaned_data.get(key)
        }

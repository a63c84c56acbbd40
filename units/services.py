"""Writes and rules for units and unit groups."""

from dataclasses import dataclass, field

from django.db import transaction

from .models import Unit, UnitAlias, UnitGroup, UnitGroupAlias, UnitKind

_KIND_HINTS = [
    (("市委",), UnitKind.PARTY),
    (("中国人民银行", "海关", "银监", "证监", "保监", "银保监", "国家税务总局"), UnitKind.CENTRAL_BRANCH),
    (("法院", "检察院", "人大"), UnitKind.JUDICIAL_LEGISLATIVE),
    (("公司", "集团"), UnitKind.ENTERPRISE),
    (("新区", "园区", "经济区", "保税区"), UnitKind.PILOT_ZONE),
]


def guess_unit_kind(name: str) -> str:
    """A first guess at a new unit's kind from its name; the report asks an administrator to confirm."""
    for hints, kind in _KIND_HINTS:
        if any(hint in name for hint in hints):
            return kind
    if not name.startswith("市") and name.endswith(("区", "县", "市")):
        return UnitKind.DISTRICT
    if name.startswith("市"):
        return UnitKind.GOVERNMENT
    return UnitKind.OTHER


def looks_collective(name: str) -> bool:
    """A phrase naming a set of units (各区市县, 市直各有关单位) rather than one unit."""
    return name.startswith(("各", "市直各", "县直各", "区直各")) or name.endswith(
        ("各单位", "有关单位", "相关单位", "有关部门", "相关部门")
    )


@dataclass
class UnitDirectory:
    """Every unit and group by every name it is written as, read in four queries: its current
    name first, then its aliases (which include its former names, see KeepsFormerNames)."""

    units: dict[str, Unit]
    groups: dict[str, UnitGroup]
    created_units: list[Unit] = field(default_factory=list)
    created_groups: list[UnitGroup] = field(default_factory=list)

    @classmethod
    def load(cls) -> "UnitDirectory":
        units = {alias.name: alias.unit for alias in UnitAlias.objects.select_related("unit")}
        units.update({unit.name: unit for unit in Unit.objects.all()})
        groups = {alias.name: alias.group for alias in UnitGroupAlias.objects.select_related("group")}
        groups.update({group.name: group for group in UnitGroup.objects.all()})
        return cls(units, groups)

    def resolve(self, name: str) -> Unit | UnitGroup:
        """The unit or group `name` means; unknown names are created and remembered for the report."""
        if name in self.groups:
            return self.groups[name]
        if name in self.units:
            return self.units[name]
        if looks_collective(name):
            group = UnitGroup.objects.create(name=name, membership_note="导入时新建,成员待确认")
            self.groups[name] = group
            self.created_groups.append(group)
            return group
        unit = Unit.objects.create(name=name, kind=guess_unit_kind(name), notes="导入时新建,类别待确认")
        self.units[name] = unit
        self.created_units.append(unit)
        return unit


def remember_alias(name: str, target: Unit | UnitGroup) -> bool:
    """Keep `name` as another wording of `target` (a unit or a group), so the next import that
    meets it finds `target` without asking. Returns whether an alias was written: a name the
    directory already knows — as any unit's or group's name or alias — is left as it is (an
    administrator's choice stands), as is one too long to be a name. Audited like any alias."""
    name = name.strip()
    if not name or len(name) > UnitAlias._meta.get_field("name").max_length:
        return False
    if (
        Unit.objects.filter(name=name).exists()
        or UnitAlias.objects.filter(name=name).exists()
        or UnitGroup.objects.filter(name=name).exists()
        or UnitGroupAlias.objects.filter(name=name).exists()
    ):
        return False
    if isinstance(target, UnitGroup):
        UnitGroupAlias.objects.create(name=name, group=target)
    else:
        UnitAlias.objects.create(name=name, unit=target)
    return True


@dataclass
class DirectoryReport:
    units_created: int = 0
    groups_created: int = 0
    aliases_created: int = 0
    members_added: int = 0


class DirectoryError(ValueError):
    pass


@transaction.atomic
def load_directory(data: dict) -> DirectoryReport:
    """Add the units, groups, aliases and memberships of a directory file that are missing.

    Never overwrites: a unit's kind or name edited in the admin stays as edited (an entry is
    found by its current name, then by an alias — a renamed unit keeps its former name as one),
    and a member removed from a group by an administrator is not re-added unless new to it.
    """
    report = DirectoryReport()
    for entry in data.get("units", []):
        name = _required(entry, "name", "units")
        kind = entry.get("kind", UnitKind.OTHER)
        if kind not in UnitKind.values:
            raise DirectoryError(f"单位“{name}”的类别“{kind}”无效,可选:{'、'.join(UnitKind.values)}")
        unit = _unit_named(name)
        if unit is None:
            unit = Unit.objects.create(
                name=name,
                kind=kind,
                official_name=entry.get("official_name", ""),
                short_name=entry.get("short_name", ""),
                notes=entry.get("notes", ""),
            )
            report.units_created += 1
        for alias in entry.get("aliases", []):
            _, created = UnitAlias.objects.get_or_create(name=alias, defaults={"unit": unit})
            report.aliases_created += created
    for entry in data.get("groups", []):
        name = _required(entry, "name", "groups")
        group = UnitGroup.objects.filter(name=name).first() or _aliased(UnitGroupAlias, name, "group")
        created = group is None
        if created:
            group = UnitGroup.objects.create(name=name, membership_note=entry.get("membership_note", ""))
        report.groups_created += created
        for alias in entry.get("aliases", []):
            _, alias_created = UnitGroupAlias.objects.get_or_create(name=alias, defaults={"group": group})
            report.aliases_created += alias_created
        if created:
            found = {member: _unit_named(member) for member in entry.get("members", [])}
            members = [unit for unit in found.values() if unit is not None]
            missing = {member for member, unit in found.items() if unit is None}
            if missing:
                raise DirectoryError(f"单位组“{name}”的成员不在单位名录中:{'、'.join(sorted(missing))}")
            group.members.add(*members)
            report.members_added += len(members)
    return report


def _unit_named(name: str) -> Unit | None:
    return Unit.objects.filter(name=name).first() or _aliased(UnitAlias, name, "unit")


def _aliased(alias_model, name: str, target: str):
    alias = alias_model.objects.select_related(target).filter(name=name).first()
    return getattr(alias, target) if alias else None


def _required(entry: dict, key: str, where: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise DirectoryError(f"{where} 中有一项缺少“{key}”:{entry!r}")
    return value.strip()

"""A unit renamed in the admin keeps its identity: its former name becomes an alias, and a
re-import of the document (or of the unit directory) that still writes the old name finds the
same unit — its measures stay with it and with its users, and no unit is created."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ledger import access
from measures.models import Assignment
from units.models import Unit, UnitAlias, UnitGroup, UnitGroupAlias

from ..conftest import DIRECTORY_PATH, SEED_PATH

OLD, NEW = "市工商局", "市市场监督管理局"


def reimport():
    out = StringIO()
    call_command("import_policy", str(SEED_PATH), stdout=out)
    return out.getvalue()


def lead_measures(unit):
    return sorted(Assignment.objects.leads_of(unit.pk).values_list("measure__number", flat=True))


def inline_data(prefix, rows, fields):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows), f"{prefix}-MAX_NUM_FORMS": 1000}
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-id"] = row.pk
        for field in fields:
            data[f"{prefix}-{index}-{field}"] = getattr(row, field)
    return data


@pytest.fixture
def unit(plan):
    return Unit.objects.get(name=OLD)


def test_a_unit_renamed_in_the_admin_keeps_its_measures_when_the_document_is_imported_again(
    client, administrator, lead_reporter, measure, unit
):
    before_units, before_leads = Unit.objects.count(), lead_measures(unit)
    client.force_login(administrator)
    data = {"name": NEW, "official_name": "", "short_name": "", "kind": unit.kind, "notes": ""}
    data |= inline_data("aliases", list(unit.aliases.all()), ["unit", "name"])
    data |= inline_data("contacts", list(unit.contacts.all()), ["unit", "name", "email", "phone"])
    response = client.post(reverse("admin:units_unit_change", args=[unit.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    output = reimport()

    unit.refresh_from_db()
    assert unit.name == NEW and UnitAlias.objects.get(name=OLD).unit == unit
    assert Unit.objects.count() == before_units and not Unit.objects.filter(name=OLD).exists()
    assert "新建单位" not in output and "未做任何更改" in output
    assert lead_measures(unit) == before_leads and 2 in before_leads
    assert measure.assignments.get(role="lead", written_name=OLD).unit_id == unit.pk
    assert access.can_write_report(lead_reporter, measure)


def test_a_unit_renamed_in_code_keeps_its_former_name_as_an_alias(unit):
    unit.name = NEW
    unit.save()
    unit.name = "市市场监管局"
    unit.save()
    assert sorted(unit.aliases.values_list("name", flat=True)) == sorted([OLD, NEW])
    unit.notes = "只改备注"
    unit.save()
    assert unit.aliases.count() == 2
    reimport()
    assert not Unit.objects.filter(name__in=[OLD, NEW]).exists()


def test_a_unit_renamed_without_an_alias_is_still_found_by_the_assignments_that_name_it(unit, measure):
    """A rename that left no alias (an UPDATE by hand, or before aliases were kept): the measure's
    assignment already points at the unit, and the import keeps it."""
    before_units, before_leads = Unit.objects.count(), lead_measures(unit)
    Unit.objects.filter(pk=unit.pk).update(name=NEW)
    reimport()
    assert Unit.objects.count() == before_units and lead_measures(unit) == before_leads


def test_loading_the_unit_directory_again_does_not_bring_back_the_old_name(unit):
    unit.name = NEW
    unit.save()
    out = StringIO()
    call_command("load_units", str(DIRECTORY_PATH), stdout=out)
    assert not Unit.objects.filter(name=OLD).exists()
    assert "新增单位 0 个" in out.getvalue()


def test_the_current_name_wins_over_an_alias_of_another_unit(unit, plan):
    """A former name later given to a new unit means the new unit from then on."""
    unit.name = NEW
    unit.save()
    successor = Unit.objects.create(name=OLD, kind=unit.kind)
    from units.services import UnitDirectory

    assert UnitDirectory.load().resolve(OLD) == successor


def test_a_renamed_unit_group_keeps_its_measures_too(plan):
    group = UnitGroup.objects.get(name="各区市县")
    before_groups = UnitGroup.objects.count()
    before = sorted(group.assignments.values_list("pk", flat=True))
    group.name = "各区(市)县"
    group.save()
    reimport()
    assert UnitGroupAlias.objects.get(name="各区市县").group == group
    assert UnitGroup.objects.count() == before_groups
    assert sorted(group.assignments.values_list("pk", flat=True)) == before
    call_command("load_units", str(DIRECTORY_PATH), stdout=StringIO())
    assert UnitGroup.objects.count() == before_groups


def test_the_directory_file_still_loads_aliases_for_a_renamed_unit(unit, tmp_path):
    unit.name = NEW
    unit.save()
    path = tmp_path / "units.json"
    path.write_text(json.dumps({"units": [{"name": OLD, "aliases": ["大连市工商局"]}]}), encoding="utf-8")
    call_command("load_units", str(path), stdout=StringIO())
    assert UnitAlias.objects.get(name="大连市工商局").unit == unit
    assert not Unit.objects.filter(name=OLD).exists()


def test_a_new_group_in_the_directory_finds_a_renamed_member_by_its_former_name(unit, tmp_path):
    unit.name = NEW
    unit.save()
    path = tmp_path / "units.json"
    path.write_text(json.dumps({"groups": [{"name": "市场监管系统", "members": [OLD]}]}), encoding="utf-8")
    call_command("load_units", str(path), stdout=StringIO())
    assert list(UnitGroup.objects.get(name="市场监管系统").members.all()) == [unit]


def test_renaming_in_the_admin_and_typing_the_old_name_as_an_alias_keeps_one_alias(client, administrator, unit):
    client.force_login(administrator)
    data = {"name": NEW, "official_name": "", "short_name": "", "kind": unit.kind, "notes": ""}
    data |= inline_data("aliases", [], []) | {"aliases-TOTAL_FORMS": 1, "aliases-0-name": OLD}
    data |= inline_data("contacts", list(unit.contacts.all()), ["unit", "name", "email", "phone"])
    response = client.post(reverse("admin:units_unit_change", args=[unit.pk]), data)
    assert response.status_code == 302
    assert list(unit.aliases.values_list("name", flat=True)) == [OLD]

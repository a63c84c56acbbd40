"""Units with their kind, aliases and groups; groups with their members."""

import pytest
from django.urls import reverse

from units.models import Unit, UnitAlias


@pytest.fixture
def api(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def test_unit_shows_kind_label_aliases_and_groups(api):
    tax = Unit.objects.get(name="市税务局")
    UnitAlias.objects.create(unit=tax, name="大连市税务局")
    unit = api.get(reverse("v1:unit-detail", args=[tax.pk])).json()
    assert (unit["kind"], unit["kind_label"]) == ("central_branch", "中央驻连单位")
    assert unit["official_name"] == "国家税务总局大连市税务局"
    assert unit["aliases"] == ["大连市税务局"]
    assert unit["groups"] == []
    education = api.get(reverse("v1:unit-detail", args=[Unit.objects.get(name="市教育局").pk])).json()
    assert education["groups"] == ["市直各单位"]


def test_units_filter_by_kind(api):
    pilot_zones = names(api.get(reverse("v1:unit-list"), {"kind": "pilot_zone"}))
    assert set(pilot_zones) == {"金普新区", "高新园区", "长兴岛经济区"}


def test_unknown_unit_kind_gives_400_naming_the_field(api):
    response = api.get(reverse("v1:unit-list"), {"kind": "ministry"})
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


def test_unit_search_matches_name_official_name_and_alias(api):
    UnitAlias.objects.create(unit=Unit.objects.get(name="市法院"), name="大连中院")
    assert names(api.get(reverse("v1:unit-list"), {"search": "税务"})) == ["市税务局"]
    assert names(api.get(reverse("v1:unit-list"), {"search": "中级人民法院"})) == ["市法院"]
    assert names(api.get(reverse("v1:unit-list"), {"search": "大连中院"})) == ["市法院"]


def test_group_lists_its_members_note_and_aliases(api):
    groups = {group["name"]: group for group in api.get(reverse("v1:group-list")).json()["results"]}
    districts = groups["各区市县"]
    assert len(districts["members"]) == 10
    assert {"id", "name"} == set(districts["members"][0])
    assert districts["membership_note"] == "大连市所辖 7 区、2 县级市、1 县"
    relevant = groups["市直各有关单位"]
    assert (relevant["members"], relevant["aliases"]) == ([], ["市直各相关单位"])

"""The measures endpoint: every measure of the plan, in document order, with its whole ledger."""

import pytest
from django.urls import reverse


@pytest.fixture
def api(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def measures(api, **params):
    response = api.get(reverse("v1:measure-list"), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_code(items, code):
    return next(item for item in items if item["code"] == code)


def test_list_holds_all_27_items_in_document_order(api):
    items = measures(api)
    assert [item["code"] for item in items] == [str(n) for n in range(1, 25)] + ["十", "十一", "十二"]
    assert [item["kind"] for item in items[23:]] == ["measure", "safeguard", "safeguard", "safeguard"]


def test_measure_2_shows_its_section_and_assignments(api):
    item = by_code(measures(api), "2")
    assert item["section"]["numeral"] == "四"
    assert item["title"] == "压缩企业开办时间"
    leads = [a["unit"]["name"] for a in item["assignments"] if a["role"] == "lead"]
    assert leads == ["市工商局", "市公安局", "市税务局"]
    groups = [a["group"]["name"] for a in item["assignments"] if a["group"]]
    assert groups == ["市直各有关单位", "各区市县", "开放先导区"]
    assert all(a["unit"] is None for a in item["assignments"] if a["group"])


def test_measure_2_shows_its_milestones_and_targets(api):
    item = by_code(measures(api), "2")
    assert [m["due_date"] for m in item["milestones"]] == ["2018-12-31", "2019-06-30", "2020-12-31"]
    first = item["targets"][1]
    assert (first["metric"], first["comparator"], first["value"], first["unit"]) == (
        "企业开办时间",
        "≤",
        "3.50",
        "工作日",
    )
    assert first["due_date"] == "2018-12-31"


def test_measure_23_is_flagged_for_having_no_lead_unit(api):
    assert by_code(measures(api), "23")["flags"] == [{"code": "no_lead_unit", "label": "牵头单位未明确"}]


def test_wording_variant_is_flagged_with_the_written_name_kept(api):
    item = by_code(measures(api), "24")
    assert [flag["code"] for flag in item["flags"]] == ["wording_variant"]
    variant = next(a for a in item["assignments"] if a["written_name"] == "市直各相关单位")
    assert variant["group"]["name"] == "市直各有关单位"


def test_yearly_target_has_no_due_date_but_a_recurrence(api):
    target = by_code(measures(api), "13")["targets"][0]
    assert (target["due_date"], target["recurrence"], target["comparator"]) == (None, "yearly", "=")


def test_detail_returns_one_measure_and_404_for_an_unknown_id(api, measure):
    assert api.get(reverse("v1:measure-detail", args=[measure.pk])).json()["code"] == "2"
    assert api.get(reverse("v1:measure-detail", args=[999_999])).status_code == 404

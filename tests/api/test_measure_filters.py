"""Filtering measures by document, section, kind, unit and role, and milestone due dates."""

import pytest
from django.urls import reverse

from units.models import Unit


@pytest.fixture
def api(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def codes(api, **params):
    response = api.get(reverse("v1:measure-list"), params)
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def unit_id(name):
    return Unit.objects.get(name=name).pk


def test_section_filter_takes_the_chinese_numeral(api):
    assert codes(api, section="四") == ["1", "2", "3", "4", "5", "6", "7"]


def test_document_filter_keeps_the_measures_of_that_document(api, plan):
    assert len(codes(api, document=plan.pk)) == 27


def test_kind_filter_separates_safeguards_from_measures(api):
    assert codes(api, kind="safeguard") == ["十", "十一", "十二"]
    assert len(codes(api, kind="measure")) == 24


def test_unit_with_role_lead_gives_the_measures_that_unit_leads(api):
    assert codes(api, unit=unit_id("市税务局"), role="lead") == ["2", "3", "5"]


def test_unit_alone_gives_every_measure_naming_that_unit(api):
    assert codes(api, unit=unit_id("市税务局")) == ["2", "3", "5", "10"]


def test_unit_with_role_responsible_leaves_out_the_measures_it_leads(api):
    assert codes(api, unit=unit_id("市税务局"), role="responsible") == ["10"]


def test_role_alone_gives_measures_with_any_assignment_in_that_role(api):
    leads = codes(api, role="lead")
    assert len(leads) == 23
    assert "23" not in leads and "十" not in leads


def test_due_range_gives_measures_with_a_milestone_due_inside_it(api):
    assert codes(api, due_after="2019-06-01", due_before="2019-06-30") == ["2", "4"]


def test_due_range_bounds_are_inclusive(api):
    assert codes(api, due_after="2019-06-30", due_before="2019-06-30") == ["2", "4"]


def test_due_after_alone_is_an_open_range(api):
    assert codes(api, due_after="2020-12-31") == ["2", "3", "15", "16"]


def test_filters_combine(api):
    assert codes(api, section="四", due_before="2018-12-31") == ["2"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"due_after": "2019-13-01"}, "due_after"),
        ({"due_before": "soon"}, "due_before"),
        ({"due_after": "2019-07-01", "due_before": "2019-06-01"}, "due_before"),
        ({"unit": "abc"}, "unit"),
        ({"unit": "999999"}, "unit"),
        ({"role": "boss"}, "role"),
        ({"kind": "wish"}, "kind"),
        ({"document": "x"}, "document"),
        ({"section": "4"}, "section"),
    ],
)
def test_bad_filter_value_gives_400_naming_the_field(api, params, field):
    response = api.get(reverse("v1:measure-list"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]

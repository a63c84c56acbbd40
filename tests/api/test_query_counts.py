"""List endpoints run a fixed number of SQL queries however many rows they return."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import Assignment, Measure, MeasureKind, Milestone, PolicyDocument, Section, Target
from units.models import Unit

# Session and user, COUNT for the paginator, measures with section, then assignments, milestones, targets.
MEASURE_LIST_QUERIES = 7


@pytest.fixture
def api(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def add_measures_in_a_new_document(count):
    document = PolicyDocument.objects.create(title="另一份文件", full_text="……", source_sha256="0" * 64)
    section = Section.objects.create(document=document, numeral="一", position=1, title="举措", part="measures")
    unit = Unit.objects.get(name="市税务局")
    for number in range(1, count + 1):
        measure = Measure.objects.create(
            document=document,
            section=section,
            kind=MeasureKind.MEASURE,
            number=number,
            position=number,
            title="t",
            body="b",
        )
        Assignment.objects.create(measure=measure, role="lead", unit=unit, written_name=unit.name, position=1)
        Milestone.objects.create(
            measure=measure,
            position=1,
            kind="dated",
            due_date=datetime.date(2030, 1, 1),
            description="d",
            source="body",
        )
        Target.objects.create(
            measure=measure, position=1, metric="m", comparator="le", value=Decimal("1"), unit="个", source_text="s"
        )


def test_measure_list_of_one_item_costs_the_same_queries_as_the_full_plan(api, django_assert_num_queries):
    for params, expected in (({"section": "十一"}, 1), ({}, 27)):
        with django_assert_num_queries(MEASURE_LIST_QUERIES):
            assert api.get(reverse("v1:measure-list"), params).json()["count"] == expected


def test_measure_list_query_count_holds_as_measures_are_added(api, django_assert_max_num_queries):
    add_measures_in_a_new_document(40)
    for params, expected in (({}, 67), ({"section": "一"}, 40)):
        with django_assert_max_num_queries(MEASURE_LIST_QUERIES):
            response = api.get(reverse("v1:measure-list"), params)
        assert response.json()["count"] == expected


@pytest.mark.parametrize("name, queries", [("unit", 6), ("group", 6), ("section", 4), ("document", 4)])
def test_other_lists_have_a_pinned_query_count(api, django_assert_max_num_queries, name, queries):
    with django_assert_max_num_queries(queries):
        assert api.get(reverse(f"v1:{name}-list")).status_code == 200

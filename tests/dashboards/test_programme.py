"""The whole programme on one board: every active document, the same numbers as each
document's own board, as of any day, by lead unit, in a number of queries that does not grow
with the number of documents."""

from collections import Counter
from datetime import date

import pytest
from django.db import reset_queries
from django.urls import reverse
from django.utils import timezone

from dashboards.state import board, overview, whole_programme
from deadlines.scan import scan_deadlines
from ledger.periods import open_periods
from measures.layouts import read_document
from measures.services import import_document
from measures.sources import read_source
from units.models import Unit

from ..measures.test_documents import CORPUS

AS_OF = date(2019, 7, 1)


@pytest.fixture
def office(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


@pytest.fixture
def second(plan):
    path = CORPUS / "fields-pnum.txt"
    return import_document(read_document(read_source(path.read_bytes(), path.name))).document


@pytest.fixture
def periods(plan):
    return open_periods(date(2019, 1, 1), date(2019, 3, 31))


def _light(pairs, light):
    return next(count for value, _label, count in pairs if value == light)


def test_each_row_counts_what_the_document_board_counts(plan, second, periods):
    whole = whole_programme(AS_OF)
    assert [row.document for row in whole.documents] == [second, plan]
    for row in whole.documents:
        own = overview(board(row.document, AS_OF))
        for light in ("red", "yellow", "green", "done"):
            assert row.measure_lights[light] == _light(own.measures_by_light, light)
            assert row.milestone_lights[light] == _light(own.milestones_by_light, light)
        assert row.period_missing == len(own.period_missing)
        assert row.period_late == len(own.period_late)
        assert row.targets_behind == len(own.targets_behind)
        assert row.targets == len(own.board.targets)
        assert row.measures == len(own.board.measures)
    summed, documents = Counter(), Counter()  # the by-unit table: every document's own, added up
    for row in whole.documents:
        for unit, counts in overview(board(row.document, AS_OF)).by_unit:
            summed.update({(unit.pk, light): n for light, n in counts.items()})
            documents[unit.pk] += 1
    found = {(unit.pk, light): n for unit, counts, _documents in whole.by_unit for light, n in counts.items() if n}
    assert found == {key: n for key, n in summed.items() if n}
    assert {unit.pk: n for unit, _counts, n in whole.by_unit} == dict(documents)
    plan_row = whole.documents[1]
    assert plan_row.measure_lights["red"] > 3  # measures 2, 4 and 16 by their milestones, more by missing reports
    assert plan_row.period_missing > 0  # nobody reported for the first quarter of 2019


def test_archived_documents_are_left_out(plan, second):
    second.archived_at = timezone.now()
    second.save(update_fields=["archived_at"])
    assert [row.document for row in whole_programme(AS_OF).documents] == [plan]


def test_a_lead_unit_narrows_every_document_to_what_it_leads(plan, second, periods):
    tax = Unit.objects.get(name="市税务局")
    whole = whole_programme(AS_OF, unit_id=tax.pk)
    rows = {row.document.pk: row for row in whole.documents}
    assert rows[plan.pk].measures == 3  # measures 2, 3 and 5
    own = overview(board(plan, AS_OF, unit_id=tax.pk))
    assert rows[plan.pk].period_missing == len(own.period_missing)
    assert rows[plan.pk].measure_lights["red"] == _light(own.measures_by_light, "red")
    assert all(row.measures for row in whole.documents)  # a document the unit leads nothing in is not listed


def test_the_page_links_each_number_to_the_document_board(office, plan, second, periods):
    response = office.get(reverse("dashboard-programme"), {"as_of": "2019-07-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("data-document=") == 2 and plan.title in page and second.title in page
    query = f"document={plan.pk}&amp;as_of=2019-07-01"
    assert f'href="/dashboard/?{query}"' in page
    assert f'href="/dashboard/measures/?{query}&amp;light=red" data-count="measures-red"' in page
    assert f'href="/dashboard/milestones/?{query}&amp;light=red"' in page
    assert f"/dashboard/reports/?{query}&amp;state=missing&amp;period=" in page
    assert f'href="/dashboard/targets/?{query}" data-count="targets-behind"' in page
    assert 'class="table-responsive' in page and "<script>" not in page and "style=" not in page
    # each document's breakdown by section and lead unit is its own board's, a link away
    assert f'href="/dashboard/?{query}#by-section" data-breakdown="{plan.pk}"' in page
    red = page.split(f'href="/dashboard/measures/?{query}&amp;light=red" data-count="measures-red"')[1]
    shown = int(red.split(">")[1].split("<")[0])
    listed = office.get(reverse("dashboard-measures"), {"document": plan.pk, "as_of": "2019-07-01", "light": "red"})
    assert listed.content.decode().count("data-measure=") == shown > 3


def test_the_unit_filter_carries_into_the_links(office, plan, periods):
    tax = Unit.objects.get(name="市税务局")
    page = office.get(reverse("dashboard-programme"), {"as_of": "2019-07-01", "unit": tax.pk}).content.decode()
    assert f"document={plan.pk}&amp;as_of=2019-07-01&amp;unit={tax.pk}" in page
    assert f'<option value="{tax.pk}" selected>' in page


@pytest.mark.parametrize("params", [{"as_of": "2019-02-30"}, {"as_of": "x"}, {"unit": "abc"}])
def test_bad_input_is_a_400(office, plan, params):
    assert office.get(reverse("dashboard-programme"), params).status_code == 400


def test_the_document_boards_link_to_it(office, plan, second):
    page = office.get(reverse("dashboard"), {"as_of": "2019-07-01"}).content.decode()
    link = f'href="{reverse("dashboard-programme")}?as_of=2019-07-01"'
    assert page.count(link) == 2  # a nav tab and beside the document selector
    assert "data-programme-link" in page


def test_no_active_document_says_so(office, plan):
    plan.archived_at = timezone.now()
    plan.save(update_fields=["archived_at"])
    response = office.get(reverse("dashboard-programme"))
    assert response.status_code == 200 and "没有未归档的政策文件" in response.content.decode()


def test_the_query_count_does_not_grow_with_the_documents(
    office, plan, periods, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse("dashboard-programme") + "?as_of=2019-07-01"
    scan_deadlines(date(2019, 4, 1))
    office.get(url)
    reset_queries()  # count in a fresh log: Django keeps only the last 9,000 queries
    with django_assert_max_num_queries(21) as one:  # deadlines.counts: a fixed set of queries, whatever the documents
        assert office.get(url).status_code == 200
    queries = len(one.captured_queries)  # read now: it is a slice of the log, which is reset below
    path = CORPUS / "fields-pnum.txt"
    import_document(read_document(read_source(path.read_bytes(), path.name)))
    office.get(url)
    reset_queries()
    with django_assert_num_queries(queries):
        page = office.get(url).content.decode()
    assert page.count("data-document=") == 2
    print(f"programme board: {queries} queries with one document and with two")


def test_a_document_boards_breakdown_links_stay_in_that_document(office, plan, second, periods):
    """The breakdown the programme board links to: its section and unit links open the measures
    of the document shown, not the current one (the links once left the document out)."""
    for document in (plan, second):
        page = office.get(reverse("dashboard"), {"document": document.pk, "as_of": "2019-07-01"}).content.decode()
        assert 'id="by-section"' in page and 'id="by-unit"' in page
        links = [part.split('"')[0] for part in page.split('href="/dashboard/measures/?')[1:]]
        breakdown = [link for link in links if "&amp;section=" in link or "&amp;unit=" in link]
        assert breakdown and all(link.startswith(f"document={document.pk}&amp;") for link in breakdown), breakdown

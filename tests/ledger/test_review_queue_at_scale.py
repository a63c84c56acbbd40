"""The review queue at province scale (100 documents of 30 sections, 300 units, years of reports).

Its section filter lists the sections of the chosen document only, and with several documents
none until one is chosen, so the page costs the same whether the programme has two documents or a
hundred. Links made before (a qualified "<document id>:<numeral>" section, or a numeral with
?document=) keep filtering; a document that does not exist is a 400 that says so, never a 500.
The queue is ordered and counted on the reports alone and reads only the page's rows, and 迟报
is judged for the (measure, period) pairs shown only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import selectors
from measures.models import PolicyDocument, Section

from .test_several_documents import badges, import_second, submit

# Queries of the review queue with several documents and no document chosen, whatever their
# number and size: session, user, roles, documents, units, periods, the queue's count and page
# (empty here), the holiday calendar, the bell. No sections.
QUERIES_WITH_NO_DOCUMENT_CHOSEN = 11


@pytest.fixture
def second(plan, lead_reporter):
    return import_second(lead_reporter)


def add_documents(count, sections=30):
    """`count` more followed documents of `sections` measure sections each (no measures: only
    the filter's cost is measured here)."""
    start = PolicyDocument.objects.count()
    for index in range(start + 1, start + count + 1):
        document = PolicyDocument.objects.create(
            title=f"另一份文件{index}", full_text="……", source_sha256=f"{index:064d}"
        )
        Section.objects.bulk_create(
            Section(document=document, numeral=str(n), position=n, title=f"第{n}节", part="measures")
            for n in range(1, sections + 1)
        )


def section_values(page: str) -> list[str]:
    """The values of the section select's options that can be chosen."""
    select = re.search(r'<select[^>]*name="section".*?</select>', page, re.S)[0]
    options = re.findall(r"<option([^>]*)>", select)
    return [re.search(r'value="([^"]*)"', o)[1] for o in options if "disabled" not in o]


def numerals(document) -> list[str]:
    return list(document.sections.filter(part="measures").order_by("position").values_list("numeral", flat=True))


def review_queue(client, **params):
    return client.get(reverse("review-queue"), params).content.decode()


def test_with_no_document_chosen_no_section_is_offered(client, office_reviewer, second):
    add_documents(3)
    client.force_login(office_reviewer)
    page = review_queue(client)
    assert section_values(page) == [""]  # 全部
    assert re.search(r"<option[^>]*disabled[^>]*>先选择文件再选章节</option>", page)
    assert "<optgroup" not in page


def test_choosing_all_documents_without_javascript_drops_the_section_of_the_one_before(
    client, office_reviewer, plan, second
):
    """The form as sent without JavaScript after 文件 went back to 全部文件: an empty document and
    the qualified section chosen before. 全部文件 was chosen last: every document, no section."""
    client.force_login(office_reviewer)
    page = review_queue(client, document="", section=f"{plan.pk}:四")
    assert section_values(page) == [""]  # no document viewed: no section offered
    assert f'<option value="{plan.pk}" selected' not in page


def test_the_section_select_lists_the_chosen_documents_sections_only(client, office_reviewer, plan, second):
    add_documents(3)
    client.force_login(office_reviewer)
    for params in ({"document": second.pk}, {"document": second.pk, "section": ""}):
        page = review_queue(client, **params)
        assert section_values(page) == ["", *(f"{second.pk}:{n}" for n in numerals(second))]
        assert f'<option value="{second.pk}" selected' in page
    # The document of a qualified section is the one viewed, and the section is selected.
    page = review_queue(client, section=f"{plan.pk}:四")
    assert section_values(page) == ["", *(f"{plan.pk}:{n}" for n in numerals(plan))]
    assert f'<option value="{plan.pk}:四" selected' in page and f'<option value="{plan.pk}" selected' in page
    # A numeral with ?document= (a link from the document select) is that document's section.
    page = review_queue(client, document=plan.pk, section="四")
    assert f'<option value="{plan.pk}:四" selected' in page


def test_with_one_document_its_sections_are_listed_as_numerals(client, office_reviewer, plan):
    client.force_login(office_reviewer)
    page = review_queue(client, section="四")
    assert section_values(page) == ["", *numerals(plan)]
    assert '<option value="四" selected' in page and 'name="document"' not in page


def test_more_and_bigger_documents_add_no_query_and_only_their_own_options(
    client, office_reviewer, second, django_assert_num_queries
):
    client.force_login(office_reviewer)
    client.get(reverse("review-queue"))
    with django_assert_num_queries(QUERIES_WITH_NO_DOCUMENT_CHOSEN):
        before = review_queue(client)
    add_documents(3)
    with django_assert_num_queries(QUERIES_WITH_NO_DOCUMENT_CHOSEN):
        after = review_queue(client)
    assert after.count("<option") == before.count("<option") + 3  # one per document, in the 文件 select
    # Viewing a document reads its sections, one query, however many the others have.
    with CaptureQueriesContext(connection) as viewed:
        review_queue(client, document=second.pk)
    assert len(viewed.captured_queries) == QUERIES_WITH_NO_DOCUMENT_CHOSEN + 1


def test_qualified_and_numeral_section_links_still_filter(
    client, lead_reporter, office_reviewer, measure, period, plan, second
):
    submit(lead_reporter, measure, period)  # measure 2, in the seed's section 四
    submit(lead_reporter, second.measures.get(), period)  # in the second document's section 一
    client.force_login(office_reviewer)
    assert badges(review_queue(client, section=f"{second.pk}:一")) == {str(second.pk)}
    assert badges(review_queue(client, section=f"{plan.pk}:四")) == {str(plan.pk)}
    assert badges(review_queue(client, section=f"{plan.pk}:一")) == set()
    assert badges(review_queue(client, section="一", document=second.pk)) == {str(second.pk)}
    assert badges(review_queue(client, section="四", document="")) == {str(plan.pk)}  # any document's 四
    # The 文件 select changed without JavaScript: the section of the document left behind is
    # dropped, and the document chosen is viewed whole.
    page = review_queue(client, document=plan.pk, section=f"{second.pk}:一")
    assert badges(page) == {str(plan.pk)}
    assert f'<option value="{plan.pk}" selected' in page and " selected>(" not in page


@pytest.mark.parametrize(
    "params, message",
    [
        ({"document": "abc"}, "不是有效编号"),
        ({"document": "99999999"}, "没有编号为 99999999 的文件"),
        ({"section": "99999999:一"}, "没有编号为 99999999 的文件"),
        ({"document": "99999999999999999999"}, "不是有效编号"),
    ],
)
def test_a_document_that_does_not_exist_is_a_400_that_says_so(client, office_reviewer, second, params, message):
    client.force_login(office_reviewer)
    response = client.get(reverse("review-queue"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_section_with_a_nul_is_no_500(client, office_reviewer, second):
    client.force_login(office_reviewer)
    for section in ("\x00", f"{second.pk}:\x00"):
        assert client.get(reverse("review-queue"), {"section": section}).status_code in (200, 400)


def test_the_queue_reads_a_window_of_reports_with_all_the_page_shows(
    lead_reporter, office_reviewer, measure, periods, django_assert_num_queries
):
    sent = [submit(lead_reporter, measure, period) for period in periods]
    queue = selectors.review_queue(office_reviewer)
    assert queue.count() == 3
    # Oldest submission first; these were sent at the same instant (the clock is frozen): by id.
    assert [r.pk for r in queue[0:2]] + [r.pk for r in queue[2:4]] == [r.pk for r in sent]
    with django_assert_num_queries(4):  # ids, rows, evidence, claims (no milestone claimed)
        window = queue[1:3]
    with django_assert_num_queries(0):
        shown = [(r.measure.section.numeral, r.period.label, r.unit.name, r.author.username) for r in window]
        assert [list(r.evidence.all()) + list(r.claims.all()) for r in window] == [[], []]
    assert shown == [("四", p.label, lead_reporter.unit.name, lead_reporter.username) for p in periods[1:]]


def test_late_reports_are_marked_and_reports_on_time_are_not(client, lead_reporter, office_reviewer, measure, periods):
    # 2019-03-20: January's and February's reports were due on 5 February and 5 March, March's
    # is due on 5 April.
    sent = {period.label: submit(lead_reporter, measure, period) for period in periods}
    client.force_login(office_reviewer)
    page = review_queue(client)
    cards = {pk: card for pk, card in re.findall(r'data-report="(\d+)"(.*?)</form>', page, re.S)}
    late = {label for label, report in sent.items() if ">迟报</span>" in cards[str(report.pk)]}
    assert late == {periods[0].label, periods[1].label}

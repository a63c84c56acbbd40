"""我的任务 and the review queue with several plans followed: each row names its document, the
section filter lists the sections of the document viewed (tests/ledger/test_review_queue_sections.py),
and 导出 Excel exports the document being viewed (or offers each followed document, labelled).
With one document nothing changes."""

import re

import pytest
from django.urls import reverse

from ledger import services
from measures.layouts import read_document
from measures.services import import_document
from measures.sources import read_source

from .conftest import fill


@pytest.fixture
def second(plan, lead_reporter):
    return import_second(lead_reporter)


def import_second(lead_reporter):
    """A 2019 plan beside the seed, with a measure the lead reporter's unit leads."""
    text = (
        "北湾市2019年深化“放管服”改革优化营商环境重点任务分工\n"
        "一、优化政务服务\n"
        "1.推行企业开办全程网上办。\n"
        f"牵头单位：{lead_reporter.unit.name}\n"
        "责任单位：市税务局\n"
        "完成时限：2019年底前\n"
        "北湾市人民政府办公室\n"
        "2019年1月10日\n"
    )
    return import_document(read_document(read_source(text.encode(), "分工.txt"))).document


def submit(user, measure, period):
    report = fill(user, services.open_report(user, measure, period))
    return services.submit_report(user, report, report.lock_version)


def badges(page: str) -> set[str]:
    return set(re.findall(r'data-document="(\d+)"', page))


def test_with_one_document_the_pages_do_not_name_it(client, lead_reporter, office_reviewer, measure, period):
    submit(lead_reporter, measure, period)
    client.force_login(lead_reporter)
    assert not badges(client.get(reverse("my-tasks")).content.decode())
    client.force_login(office_reviewer)
    page = client.get(reverse("review-queue")).content.decode()
    assert not badges(page) and "<optgroup" not in page and "全部文件" not in page
    assert 'href="/exports/ledger.xlsx?period=latest&amp;section=&amp;unit="' in page


def test_my_tasks_names_each_rows_document(client, lead_reporter, plan, second, periods):
    client.force_login(lead_reporter)
    page = client.get(reverse("my-tasks")).content.decode()
    assert badges(page) == {str(plan.pk), str(second.pk)}
    assert second.short_title in page and plan.short_title in page


def test_the_review_queue_names_documents_and_exports_the_one_viewed(
    client, lead_reporter, office_reviewer, measure, period, plan, second
):
    submit(lead_reporter, measure, period)
    submit(lead_reporter, second.measures.get(), period)
    client.force_login(office_reviewer)
    page = client.get(reverse("review-queue")).content.decode()
    assert badges(page) == {str(plan.pk), str(second.pk)}
    assert f'<option value="{plan.pk}" title' in page and f'<option value="{second.pk}" title' in page
    # Viewing every document: the export says so and offers each followed document.
    assert "导出 Excel(全部文件,每个文件一份)" in page
    assert f"?document={plan.pk}&amp;period=latest" in page and f"?document={second.pk}&amp;period=latest" in page

    # A section of the second document: only its reports, and the export is of that document.
    page = client.get(reverse("review-queue"), {"section": f"{second.pk}:一"}).content.decode()
    assert badges(page) == {str(second.pk)}
    assert f'value="{second.pk}:一" selected' in page
    assert f'href="/exports/ledger.xlsx?document={second.pk}&amp;period=latest&amp;section=%E4%B8%80&amp;unit="' in page
    assert f"导出 Excel:{second.short_title}" in page
    response = client.get(f"/exports/ledger.xlsx?document={second.pk}&period=latest&section=%E4%B8%80&unit=")
    assert response.status_code == 200

    # The 文件 select views one document whole; the section chosen with it names its document.
    page = client.get(reverse("review-queue"), {"document": plan.pk}).content.decode()
    assert badges(page) == {str(plan.pk)}
    assert f'<option value="{plan.pk}" selected' in page
    assert f"?document={plan.pk}&amp;period=latest&amp;section=&amp;unit=" in page
    # A qualified section alone (a link) names its document; sent with an empty 文件 (全部文件 chosen
    # last, the form without JavaScript) every document is viewed and the section is dropped.
    page = client.get(reverse("review-queue"), {"section": f"{second.pk}:一"}).content.decode()
    assert badges(page) == {str(second.pk)}
    page = client.get(reverse("review-queue"), {"section": f"{second.pk}:一", "document": ""}).content.decode()
    assert badges(page) == {str(plan.pk), str(second.pk)}


def test_an_archived_document_stops_the_naming_when_one_is_left(client, lead_reporter, office_reviewer, second):
    from measures.services import archive_document

    archive_document(document=second, user=office_reviewer)
    client.force_login(lead_reporter)
    assert not badges(client.get(reverse("my-tasks")).content.decode())


@pytest.mark.parametrize("name", ["my-tasks", "review-queue"])
def test_a_second_document_adds_no_query(
    client, lead_reporter, office_reviewer, measure, period, plan, name, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(lead_reporter, measure, period)
    client.force_login(lead_reporter if name == "my-tasks" else office_reviewer)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(name))
    other = import_second(lead_reporter)
    lead_reporter.refresh_from_db()
    vars(lead_reporter).pop("_measure_roles", None)  # read before the second plan existed
    submit(lead_reporter, other.measures.get(), period)
    # The review queue even reads one query fewer: with several documents it lists no section
    # until a document is chosen (with one, it lists that one's).
    with django_assert_num_queries(len(one.captured_queries) - (1 if name == "review-queue" else 0)):
        page = client.get(reverse(name)).content.decode()
    assert str(other.pk) in badges(page)

"""The review queue with several documents in a real browser, on a desktop and on a phone: no
section is offered until a document is chosen; choosing one empties the section select (the
sections of the document left behind are not offered), 筛选 lists the chosen document's sections,
and a section chosen there filters the cards. Screenshots for a person to look at are saved under
$BROWSER_SCREENSHOTS, else in pytest's temporary folder."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ledger.periods import open_current_period

from ..ledger.test_review_queue_at_scale import add_documents
from ..ledger.test_several_documents import import_second, submit
from .conftest import SCREENS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def section_options(page) -> list[str]:
    return page.locator("#section option:not([disabled])").evaluate_all("(os) => os.map((o) => o.value)")


def test_the_office_chooses_a_document_then_a_section_on_a_desktop_and_a_phone(
    plan, lead_reporter, office_reviewer, measure, new_context, live_server, looks
):
    second = import_second(lead_reporter)
    add_documents(3)
    period = open_current_period(timezone.localdate())
    submit(lead_reporter, measure, period)  # the seed's section 四
    submit(lead_reporter, second.measures.get(), period)  # the second document's section 一
    look = looks("review-queue")

    for screen, args in SCREENS.items():
        page = new_context(**args).new_page()
        log_in(page, live_server.url, "office_reviewer")
        page.wait_for_url(re.compile(r".*/plan/$"))
        page.goto(f"{live_server.url}/review/")
        expect(page.locator("[data-report]")).to_have_count(2)
        expect(page.locator("#section option[disabled]")).to_have_text("先选择文件再选章节")
        assert section_options(page) == [""]
        look(page, f"{screen}-all")

        page.locator("#document").select_option(str(plan.pk))
        assert section_options(page) == [""]  # nothing offered before the form is sent
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile(rf".*document={plan.pk}.*"))
        expect(page.locator("[data-report]")).to_have_count(1)
        assert f"{plan.pk}:四" in section_options(page)
        assert not any(value.startswith(f"{second.pk}:") for value in section_options(page))

        page.locator("#section").select_option(f"{plan.pk}:四")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile(r".*section=.*"))
        expect(page.locator("[data-report]")).to_have_count(1)
        expect(page.locator("#section")).to_have_value(f"{plan.pk}:四")
        look(page, f"{screen}-section")

        # Another document: the section of the first is no longer sent, the second is viewed whole.
        page.locator("#document").select_option(str(second.pk))
        expect(page.locator("#section")).to_have_value("")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile(rf".*document={second.pk}.*"))
        expect(page.locator("[data-report] [data-document]")).to_have_text([second.short_title])
    assert not look.problems, look.problems

"""The ranking of all documents in a real browser, on a desktop and on a phone: chosen from the
ranking page's document selector, published, drilled down to rows that name their document."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from deadlines.scan import scan_deadlines
from ledger.periods import open_periods

from ..dashboards.test_ranking_all import SECOND, import_text
from .conftest import SCREENS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_ranks_every_document_together_on_a_desktop_and_a_phone(
    plan, office_reviewer, new_context, live_server, looks
):
    second = import_text(SECOND, "second.txt")
    june = open_periods(date(2019, 1, 1), date(2019, 6, 30))[-1]
    scan_deadlines(date(2019, 7, 10))
    look = looks("ranking-all")

    for screen, args in SCREENS.items():
        page = new_context(**args).new_page()
        log_in(page, live_server.url, "office_reviewer")
        page.wait_for_url(re.compile(r".*/plan/$"))
        page.goto(f"{live_server.url}/dashboard/ranking/?as_of=2019-07-10")
        page.get_by_label("政策文件").select_option(label="全部文件(未归档的合并排名)")
        page.get_by_role("button", name="查看").click()
        expect(page.locator("main h1")).to_contain_text("全部文件")
        expect(page.locator('[data-unit="市金融办"]')).to_be_visible()
        expect(page.locator("[data-ranking-documents]")).to_contain_text("2 件")
        look(page, f"{screen}-page")
        if screen == "desktop":
            page.get_by_role("link", name="发布并冻结本期排名").click()
            expect(page.get_by_text("合并排名涵盖")).to_be_visible()
            page.get_by_role("button", name="确认发布并冻结").click()
            expect(page.get_by_text(f"{june.label}的综合排名已发布并冻结")).to_be_visible()
        else:
            page.get_by_role("link", name="查看发布版本与通报").click()
        expect(page.locator("main")).to_contain_text(second.title)
        look(page, f"{screen}-snapshot")
        page.locator("[data-ranking]").get_by_role("link", name="市工商局").click()
        expect(page.locator("[data-item-document]").first).to_be_visible()
        look(page, f"{screen}-unit")
        page.go_back()
        page.get_by_role("link", name="查看通报").click()
        expect(page.locator("article.bulletin")).to_contain_text("全部政策文件")
        look(page, f"{screen}-bulletin")
    assert not look.problems, look.problems

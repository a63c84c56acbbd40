"""The office's tour in a real browser: overview, battle map, ranking drill-down, Excel, bulletin PDF."""

import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods

from ..ledger.conftest import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def report_on_time(reporter, reviewer, measure, periods):
    """The lead units of `measure` report every period two days before it is due; all approved."""
    for period in periods:
        with time_machine.travel(f"{period.due_on - timedelta(days=2)} 10:00 +08:00", tick=False):
            report = fill(reporter, services.open_report(reporter, measure, period))
            report = services.submit_report(reporter, report, report.lock_version)
            services.review_report(reviewer, report, "approved")


def test_office_reviewer_reads_the_boards_publishes_a_ranking_and_downloads_ledger_and_bulletin(
    logged_in, lead_reporter, office_reviewer, measure, plan, live_server
):
    periods = open_periods(date(2019, 1, 1), date(2019, 6, 30))
    report_on_time(lead_reporter, office_reviewer, measure, periods)
    june = periods[-1]
    scan_deadlines(date(2019, 7, 10))
    page = logged_in("office_reviewer")
    page.wait_for_url(re.compile(r".*/plan/$"))

    page.get_by_role("link", name="看板").click()
    page.get_by_label("截至日期").fill("2019-07-10")
    page.get_by_role("button", name="查看").click()
    expect(page.locator('[data-counts="milestones"] [data-light="red"]')).to_contain_text("4")

    page.get_by_role("link", name="挂图作战").click()
    expect(page.locator("#battle-map canvas")).to_be_visible()

    page.get_by_role("link", name="综合排名").click()
    expect(page.locator('[data-unit="市工商局"]')).to_have_attribute("data-rank", "1")
    expect(page.locator('[data-unit="市规划局"]')).to_contain_text("末位约谈")
    page.get_by_role("link", name="发布并冻结本期排名").click()
    expect(page.get_by_text("发布后排名")).to_be_visible()
    page.get_by_role("button", name="确认发布并冻结").click()
    expect(page.get_by_text(f"{june.label}的综合排名已发布并冻结")).to_be_visible()
    page.get_by_role("link", name="市工商局").click()
    expect(page.locator('[data-component="milestones"]')).to_contain_text("将企业开办时间压缩到8.5个工作日内")
    page.go_back()

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="下载通报 PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    assert "综合排名" in text and "末位约谈" in text
    assert "超期事项" in text and "推进工程建设项目审批制度改革" in text

    page.get_by_role("link", name="审核队列").click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name=re.compile("导出 Excel")).click()
    with open(xlsx_download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    headers = [row for row in sheet.iter_rows(values_only=True) if row[0] == "序号"][0]
    assert list(headers[:5]) == ["序号", "改革举措", "牵头单位", "责任单位", "完成时限"]

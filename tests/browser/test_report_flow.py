"""The ledger's key flow in a real browser, on a desktop and on a phone: report, return, revise,
approve, read the ledger; typed text survives an upload."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ledger.periods import open_current_period

from .conftest import SCREEN_PARAMS, go_to
from .conftest import log_in as log_in_through_the_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.context.clear_cookies()
    log_in_through_the_form(page, live_server.url, username)
    page.wait_for_url(re.compile(r".*/plan/$"))


@pytest.mark.parametrize("screen", SCREEN_PARAMS)
def test_report_is_returned_revised_and_approved_and_the_ledger_shows_both_versions(
    screen, page, live_server, lead_reporter, office_reviewer, measure, tmp_path
):
    period = open_current_period(timezone.localdate())
    evidence = tmp_path / "企业开办验收.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")

    log_in(page, live_server, "lead_reporter")
    go_to(page, "我的任务")
    row = page.locator(f'tr[data-task="2-{period.pk}"]')
    row.get_by_role("button", name="填报").click()

    page.get_by_label("按计划推进").check()
    page.get_by_label("工作进展").fill("完成企业开办“一网通办”平台上线。")
    page.get_by_label("下步计划").fill("压缩刻章环节时间。")
    page.get_by_label(re.compile("^企业开办时间.*8.5")).fill("6.5")
    page.get_by_label("数据截至").nth(5).fill(f"{period.ends_on:%Y-%m-%d}")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    page.locator("#id_file").set_input_files(str(evidence))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("已上传“企业开办验收.pdf”")).to_be_visible()
    page.get_by_role("button", name="提交市营商办审核").click()
    expect(page.get_by_text("已提交,当前状态:待审核")).to_be_visible()

    log_in(page, live_server, "office_reviewer")
    go_to(page, "审核队列")
    card = page.locator("[data-report]").filter(has_text="压缩企业开办时间")
    card.get_by_label("审核意见(退回时必填)").fill("请说明刻章环节的具体用时。")
    card.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回")

    log_in(page, live_server, "lead_reporter")
    go_to(page, "我的任务")
    expect(page.get_by_text("退回意见:请说明刻章环节的具体用时。")).to_be_visible()
    page.get_by_role("button", name="修改后重新提交").first.click()
    expect(page.get_by_text("第 1 版已退回:请说明刻章环节的具体用时。")).to_be_visible()
    page.get_by_label("工作进展").fill("完成企业开办“一网通办”平台上线,刻章环节压缩至0.5个工作日。")
    page.get_by_role("button", name="提交市营商办审核").click()
    expect(page.get_by_text("已提交,当前状态:待审核")).to_be_visible()

    log_in(page, live_server, "office_reviewer")
    go_to(page, "审核队列")
    page.locator("[data-report]").filter(has_text="压缩企业开办时间").get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success")).to_contain_text("审核通过")

    page.goto(f"{live_server.url}/measures/{measure.pk}/ledger/")
    expect(page.locator('[data-version="2"]')).to_contain_text("审核通过")
    expect(page.locator('[data-version="1"]')).to_contain_text("请说明刻章环节的具体用时。")
    expect(page.locator('[data-version="1"]')).to_contain_text("lead_reporter")
    page.locator('[data-version="2"] summary').click()
    expect(page.locator('[data-version="2"] ins')).to_contain_text(",刻章环节压缩至0.5个工作日")


@pytest.mark.parametrize("screen", SCREEN_PARAMS)
def test_text_typed_just_before_an_upload_survives_it(screen, page, live_server, lead_reporter, measure, tmp_path):
    """The page reloaded with “已上传” and both text fields empty: the typed text was lost."""
    period = open_current_period(timezone.localdate())
    evidence = tmp_path / "佐证.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    log_in(page, live_server, "lead_reporter")
    go_to(page, "我的任务")
    page.locator(f'tr[data-task="2-{period.pk}"]').get_by_role("button", name="填报").click()
    page.get_by_label("工作进展").fill("刚刚写下、还未保存的进展。")
    page.locator("#id_file").set_input_files(str(evidence))
    page.get_by_role("button", name="上传").click()  # within the autosave's 3 s
    expect(page.get_by_text("已上传“佐证.pdf”")).to_be_visible()
    expect(page.get_by_label("工作进展")).to_have_value("刚刚写下、还未保存的进展。")

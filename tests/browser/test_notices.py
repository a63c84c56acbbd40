"""A return reaches the reporter in a real browser: the bell on a desktop and on a phone, the
notice that leads to the report, and the email, sent by the worker after the review commits."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from ledger import services
from ledger.periods import open_current_period
from reform.celery import app as celery_app

from ..ledger.conftest import fill
from .test_report_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_return_reaches_the_reporter_as_a_notice_and_an_email(
    page, live_server, lead_reporter, office_reviewer, measure, monkeypatch, viewport, tmp_path
):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)  # the worker, in this process
    page.set_viewport_size(viewport)
    lead_reporter.email = "reporter@gsj.example"
    lead_reporter.save(update_fields=["email"])
    period = open_current_period(timezone.localdate())
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    services.submit_report(lead_reporter, report, report.lock_version)

    log_in(page, live_server, "office_reviewer")
    expect(page.locator("[data-bell] [data-unread]")).to_have_text("1")  # the submission
    page.goto(f"{live_server.url}/review/")
    card = page.locator("[data-report]").filter(has_text="压缩企业开办时间")
    card.get_by_label("审核意见(退回时必填)").fill("请说明刻章环节的具体用时。")
    card.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回")

    log_in(page, live_server, "lead_reporter")
    bell = page.locator("[data-bell]")
    expect(bell).to_be_visible()  # on a phone too, without opening the menu
    expect(bell.locator("[data-unread]")).to_have_text("1")
    bell.click()
    notice = page.locator('[data-notice="报告被退回"]')
    expect(notice).to_contain_text("请说明刻章环节的具体用时。")
    page.screenshot(path=tmp_path / f"notices-{viewport['width']}.png", full_page=True)  # for a person to look at
    notice.click()
    page.wait_for_url(re.compile(rf".*/reports/{report.pk}/$"))
    expect(page.locator("[data-bell] [data-unread]")).to_have_count(0)

    returned = [m for m in mail.outbox if "被退回" in m.subject]
    assert [m.to for m in returned] == [["reporter@gsj.example"]]
    assert "请说明刻章环节的具体用时。" in returned[0].body

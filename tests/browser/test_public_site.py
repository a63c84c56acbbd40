"""The public site in a real browser on a phone-sized screen (390 px): the office publishes,
a visitor without an account reads the plan and reports a problem, the office replies publicly,
and the visitor reads the reply; a second report the office turns into a finding, which the
responsible unit finds on its 督查整改 page — under the public pages' strict policy, with no console error."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("x-Passw0rd-x")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/plan/$"))


def fits_the_screen(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_visitor_on_a_phone_reads_what_was_published_and_is_answered(
    page, browser, live_server, office_reviewer, lead_reporter, measure
):
    log_in(page, live_server, "office_reviewer")
    page.get_by_role("link", name="社会公开").click()
    page.get_by_role("link", name="发布…").click()
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator(".alert-success")).to_contain_text("已公开发布")

    visitor = browser.new_context(viewport=PHONE).new_page()
    errors = []
    visitor.on("console", lambda message: message.type == "error" and errors.append(message.text))
    visitor.goto(f"{live_server.url}/public/")
    expect(visitor.get_by_text("进展截至")).to_be_visible()
    fits_the_screen(visitor)
    visitor.get_by_role("button", name="展开导航").click()
    visitor.get_by_role("link", name="实施计划与进展").click()
    fits_the_screen(visitor)
    visitor.locator('[data-measure="2"]').click()
    expect(visitor.get_by_role("heading", name=re.compile("压缩企业开办时间"))).to_be_visible()
    fits_the_screen(visitor)
    visitor.get_by_role("link", name="就本举措反映问题").click()
    expect(visitor.get_by_label("涉及举措(可不选)")).to_have_value(str(measure.pk))
    visitor.get_by_label("反映内容").fill("办理营业执照时窗口要求重复提交材料。")
    visitor.get_by_label("联系方式(可不填)").fill("王女士 13900000000")
    fits_the_screen(visitor)
    visitor.get_by_role("button", name="提交").click()
    expect(visitor.get_by_text("已收到您反映的问题")).to_be_visible()

    page.goto(f"{live_server.url}/disclosure/feedback/")
    page.locator("[data-feedback] a").first.click()
    expect(page.get_by_text("王女士 13900000000")).to_be_visible()
    page.get_by_label("答复", exact=True).fill("已责成窗口一次性告知所需材料。")
    page.get_by_label("公开答复").check()
    page.get_by_label("公开的问题摘要").fill("窗口要求重复提交材料")
    page.get_by_role("button", name="答复并办结").click()
    expect(page.locator(".alert-success")).to_contain_text("答复已公开")

    visitor.goto(f"{live_server.url}/public/replies/")
    expect(visitor.get_by_text("已责成窗口一次性告知所需材料。")).to_be_visible()
    expect(visitor.get_by_text("窗口要求重复提交材料")).to_be_visible()
    assert "13900000000" not in visitor.content()
    fits_the_screen(visitor)

    # A second message the office turns into a finding, which the responsible unit then sees.
    visitor.goto(f"{live_server.url}/public/feedback/")
    visitor.get_by_label("反映内容").fill("企业开办窗口仍要求提供已取消的证明。")
    visitor.get_by_role("button", name="提交").click()
    expect(visitor.get_by_text("已收到您反映的问题")).to_be_visible()
    page.goto(f"{live_server.url}/disclosure/feedback/")
    page.locator("[data-feedback] a").first.click()
    expect(page.get_by_label("问题描述")).to_have_value("企业开办窗口仍要求提供已取消的证明。")
    page.get_by_label("责任单位").select_option(label="市工商局")
    page.get_by_role("button", name="转为督查问题").click()
    expect(page.locator(".alert-success")).to_contain_text("已转为督查问题")
    page.wait_for_url(re.compile(r".*/supervision/findings/\d+/$"))
    log_in(page, live_server, "lead_reporter")
    page.goto(f"{live_server.url}/supervision/")
    expect(page.get_by_text("企业开办窗口仍要求提供已取消的证明。")).to_be_visible()
    assert errors == []

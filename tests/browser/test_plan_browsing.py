"""A reviewer logs in and reads the plan in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_logs_in_reads_the_plan_and_opens_a_measure_and_a_unit(logged_in, office_reviewer, live_server):
    page = logged_in("office_reviewer")
    page.wait_for_url(f"{live_server.url}/plan/")
    assert page.get_by_role("heading", name="关于进一步优化营商环境的实施意见").is_visible()
    assert page.locator("tr[data-measure]").count() == 27
    assert page.locator('tr[data-measure="23"]').get_by_text("牵头单位未明确").is_visible()

    page.get_by_role("link", name="压缩企业开办时间").click()
    assert page.get_by_role("heading", name="2. 压缩企业开办时间").is_visible()
    members = page.locator("details", has_text="各区市县")
    assert not members.get_by_text("瓦房店市").is_visible()
    members.locator("summary").click()
    assert members.get_by_text("瓦房店市").is_visible()

    page.get_by_role("link", name="市税务局").first.click()
    assert page.get_by_role("heading", name="牵头的举措(3)").is_visible()


def test_wrong_password_keeps_the_user_on_the_login_page(logged_in, office_reviewer, live_server):
    page = logged_in("office_reviewer", "wrong-password")
    assert page.get_by_role("alert").inner_text().startswith("请输入一个正确的")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")

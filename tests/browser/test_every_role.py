"""Every demo account's day in a real browser, on a desktop and on a phone.

Each account logs in through the login form and walks its main pages as a person would —
the navbar (through the collapsed menu on a phone), 看板's tabs, the buttons and links on the
pages. On every page: nothing makes the page scroll sideways (a wide table scrolls inside its
.table-responsive), no table cell wraps its text every character or two, no button's label
wraps, and no internal code (on_track, missing …) shows. A screenshot of each page is saved
under $BROWSER_SCREENSHOTS, else in pytest's temporary folder, for a person to look at.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import ADMINISTRATOR
from accounts.services import DEMO_ACCOUNTS
from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods

from ..conftest import make_user
from ..ledger.conftest import fill
from ..ledger.test_no_raw_codes import enum_codes, raw_codes_in
from .conftest import SCREENS, go_to, layout_problems, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each demo account opens after logging in on 计划总览: "nav:" a link of the navbar, "bell:"
# the notification bell beside it, "tab:" one of 看板's tabs, "button:" or "link:" the first one
# of that name on the page.
WALKS = {
    "lead_reporter": ["nav:我的任务", "button:填报", "bell:通知", "nav:督查整改", "nav:单位", "link:市工商局"],
    "lead_leader": ["nav:我的任务", "link:2. 压缩企业开办时间", "bell:通知", "link:通知设置"],
    "co_reporter": ["nav:我的任务", "button:报送"],
    "office_reporter": ["nav:我的任务", "link:查看"],
    "office_reviewer": [
        "link:压缩企业开办时间",
        "nav:审核队列",
        "bell:通知",
        "nav:看板",
        "tab:举措",
        "tab:节点",
        "tab:报送",
        "tab:量化指标",
        "tab:综合排名",
        "tab:挂图作战",
        "tab:全部文件",
        "nav:社会公开",
    ],
    "supervisor": ["link:压缩企业开办时间", "nav:督查整改", "nav:看板", "tab:综合排名", "tab:挂图作战", "tab:全部文件"],
    "admin": ["nav:审核队列", "nav:看板", "tab:节点"],
}


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def demo_accounts(plan):
    """The demo accounts, with the test actors' password (the test world has most of them)."""
    from accounts.models import User

    for account in DEMO_ACCOUNTS:
        if not User.objects.filter(username=account.username).exists():
            make_user(account.username, account.role, account.unit_name, is_staff=account.role == ADMINISTRATOR)


@pytest.fixture
def a_working_day(demo_accounts, plan, lead_reporter, office_reviewer):
    """The last few months' periods are open. 市工商局's report on measure 2 for the oldest was
    approved, so the boards and the ranking have rows to show and 市工商局 a notice; 市营商办 has
    just submitted this month's report on measure 22, so the review queue has one to decide."""
    from accounts.models import User

    today = timezone.localdate()
    periods = open_periods(today - timedelta(days=70), today)
    report = fill(lead_reporter, services.open_report(lead_reporter, plan.measures.get(number=2), periods[0]))
    report = services.submit_report(lead_reporter, report, report.lock_version)
    services.review_report(office_reviewer, report, "approved")
    scan_deadlines(today)
    office_reporter = User.objects.get(username="office_reporter")
    report = fill(office_reporter, services.open_report(office_reporter, plan.measures.get(number=22), periods[-1]))
    services.submit_report(office_reporter, report, report.lock_version)


def take(page, step):
    kind, name = step.split(":", 1)
    before = page.url
    if kind == "nav":
        go_to(page, name)
    elif kind == "bell":
        page.locator("[data-bell]").click()
    elif kind == "tab":
        page.locator("main nav.nav-pills").get_by_role("link", name=name, exact=True).click()
    else:
        page.locator("main").get_by_role(kind, name=name).first.click()
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state()
    expect(page.locator("main h1")).to_be_visible()


def walk(page, username, screen, screenshots) -> dict[str, list[str]]:
    """What is wrong on each page of the walk, by step."""
    codes = enum_codes()
    problems = {}
    for number, step in enumerate(["nav:计划总览", *WALKS[username]]):
        if number:
            take(page, step)
        shot = screenshots / f"{username}-{screen}-{number:02d}-{step.split(':', 1)[1]}.png"
        page.screenshot(path=shot, full_page=True)
        text = page.locator("body").inner_text().replace(username, "")
        found = layout_problems(page) + [f"internal code “{code}” on screen" for code in raw_codes_in(text, codes)]
        if found:
            problems[f"{screen} {step} ({page.url}, {shot.name})"] = found
    return problems


@pytest.mark.parametrize("username", [account.username for account in DEMO_ACCOUNTS])
def test_every_page_of_the_day_reads_well_on_a_desktop_and_a_phone(
    username, a_working_day, new_context, live_server, screenshots
):
    problems = {}
    for screen, args in SCREENS.items():
        page = new_context(**args).new_page()
        log_in(page, live_server.url, username)
        page.wait_for_url(re.compile(r".*/plan/$"))
        problems |= walk(page, username, screen, screenshots)
    assert not problems, "\n".join(f"{where}: {'; '.join(found)}" for where, found in problems.items())

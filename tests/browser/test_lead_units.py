"""The office sets a measure's lead on the measure page in a real browser — on a phone — and
finds it still there on the desktop, with who set it, after what `make run` runs on every start
(the re-import used to undo such edits silently)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ..conftest import DIRECTORY_PATH, SEED_PATH
from .conftest import SCREENS, layout_problems, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The Makefile's `seed` recipe, which `make run` runs first, less seed_demo_history (it writes a
# demo ledger and reads the plan; ten seconds better spent elsewhere).
MAKE_SEED = [
    ("load_holidays",),
    ("load_units", str(DIRECTORY_PATH)),
    ("import_policy", "--only-if-empty", str(SEED_PATH)),
    ("create_demo_accounts",),
    ("install_schedules",),
    ("open_period",),
]


def open_measure_23(page, server_url):
    log_in(page, server_url, "office_reviewer")
    page.wait_for_url(re.compile(r".*/plan/$"))
    page.locator('tr[data-measure="23"]').get_by_role("link", name="推进法治大连建设").click()
    expect(page.get_by_role("heading", name=re.compile("推进法治大连建设"))).to_be_visible()


def test_a_lead_set_on_a_phone_is_still_there_after_make_run(new_context, live_server, office_reviewer, plan):
    phone = new_context(**SCREENS["phone"]).new_page()
    open_measure_23(phone, live_server.url)
    expect(phone.get_by_text("文件未明确牵头单位。")).to_be_visible()
    phone.get_by_text("设定牵头单位").click()
    phone.get_by_label("牵头单位", exact=True).select_option(label="市委政法委")
    phone.get_by_role("button", name="保存牵头单位").click()
    expect(phone.locator(".alert-success")).to_contain_text("已设定牵头单位:市委政法委")
    expect(phone.locator("#lead-changes")).to_contain_text("office_reviewer")
    assert layout_problems(phone) == []

    for args in MAKE_SEED:
        call_command(*args, stdout=StringIO())

    desktop = new_context(**SCREENS["desktop"]).new_page()
    open_measure_23(desktop, live_server.url)
    expect(desktop.get_by_text("文件未明确牵头单位。")).to_have_count(0)
    expect(desktop.locator("h2:text-is('牵头单位') + ul")).to_have_text(re.compile(r"^\s*市委政法委"))
    expect(desktop.locator("#lead-changes")).to_contain_text("新增牵头单位:市委政法委")
    assert layout_problems(desktop) == []

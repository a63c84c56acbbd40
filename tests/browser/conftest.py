"""Playwright on Debian's Chromium (Playwright cannot download browsers here).

Without Chromium these tests are skipped locally; with REQUIRE_SERVICES=1 the session
start check in tests/conftest.py fails the run instead.

A test parametrized with `@pytest.mark.parametrize("screen", SCREEN_PARAMS)` runs twice, its
`page` on a desktop (1366×900) and on a phone (390×844, touch, a mobile browser's layout
viewport); `new_context(**SCREENS[name])` opens either within one test.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD, chromium_path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's event loop

SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
SCREEN_PARAMS = [
    pytest.param(name, id=name, marks=pytest.mark.browser_context_args(**args)) for name, args in SCREENS.items()
]

# What a person would call unreadable, found in the rendered page: the page scrolling sideways
# (a wide table may scroll inside its .table-responsive, the page may not), a table cell so
# narrow that its text wraps every one or two characters, a button whose label wraps.
LAYOUT_PROBLEMS = """(width) => {
  const problems = [];
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const name = (el) => [el.tagName, ...(el.getAttribute("class") || "").split(/\\s+/)].filter(Boolean).join(".");
  const wraps = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      range.selectNodeContents(node);
      if (range.getClientRects().length > 1) return true;
    }
    return false;
  };
  const overflow = document.documentElement.scrollWidth;
  if (overflow > width + 1) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => !el.closest(".table-responsive") && shown(el) && el.getBoundingClientRect().right > width + 1)
      .slice(0, 5).map(name);
    problems.push(`the page is ${overflow}px wide on a ${width}px screen: ${wide.join(", ")}`);
  }
  for (const cell of document.querySelectorAll("td, th")) {
    const text = cell.innerText.replace(/\\s+/g, "");
    if (text.length < 3 || !shown(cell)) continue;
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (room < parseFloat(style.fontSize) * 3 && wraps(cell)) {
      problems.push(`a ${Math.round(room)}px wide cell wraps “${text.slice(0, 20)}” every character or two`);
    }
  }
  for (const button of document.querySelectorAll(".btn")) {
    if (shown(button) && wraps(button)) problems.push(`the button “${button.innerText.trim()}” wraps`);
  }
  return problems;
}"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(chromium_path()).exists():
        pytest.skip(f"Chromium not found at {chromium_path()}")
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
    }


def log_in(page, server_url, username, password=PASSWORD):
    """Log a user in through the real login form."""
    page.goto(f"{server_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    return page


@pytest.fixture
def logged_in(page, live_server):
    """Log a user in through the real login form; returns a function taking username and password."""

    def login(username, password=PASSWORD):
        return log_in(page, live_server.url, username, password)

    return login


def go_to(page, name):
    """Follow a link of the navbar as a person would: on a phone, through the collapsed menu."""
    menu = page.locator("#nav")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not menu.is_visible():
        toggler.click()
        expect(menu).to_be_visible()
    menu.get_by_role("link", name=name, exact=True).click()


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS, page.viewport_size["width"])


class Looks:
    """Screenshots of a walk (in $BROWSER_SCREENSHOTS when set, for a person to open) and the
    layout problems found on each page looked at; the test asserts `problems` is empty."""

    def __init__(self, folder, prefix: str):
        self.folder, self.prefix, self.problems = folder, prefix, {}

    def __call__(self, page, name: str) -> None:
        page.screenshot(path=self.folder / f"{self.prefix}-{name}.png", full_page=True)
        if found := layout_problems(page):
            self.problems[name] = found


@pytest.fixture
def looks(tmp_path):
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return lambda prefix: Looks(folder, prefix)

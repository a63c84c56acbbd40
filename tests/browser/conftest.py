"""Playwright on Debian's Chromium (Playwright cannot download browsers here).

Without Chromium these tests are skipped locally; with REQUIRE_SERVICES=1 the session
start check in tests/conftest.py fails the run instead.
"""

import os
from pathlib import Path

import pytest

from ..conftest import chromium_path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's event loop


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(chromium_path()).exists():
        pytest.skip(f"Chromium not found at {chromium_path()}")
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def logged_in(page, live_server):
    """Log a user in through the real login form; returns a function taking username and password."""

    def login(username, password="x-Passw0rd-x"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        return page

    return login

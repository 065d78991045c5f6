"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Without Chromium the tests skip locally; under CI=true they fail instead.
"""

import datetime as dt
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("Chromium not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def login(page, username, password="Jiebang!2024"):
    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/work/")


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/")


def action_form(page, name):
    """A project page's action form (`projects/_form.html` marks each with its name)."""
    return page.locator(f"form[data-action='{name}']")


def keep_a_holiday_year(year: int = 2026) -> None:
    """Browser tests flush the seeded holidays: record one so the notice calendar knows
    `year` (a public notice refuses to run through a year without any entry)."""
    from jiebang.notices.models import CalendarDay

    CalendarDay.objects.get_or_create(
        date=dt.date(year, 10, 1), defaults={"kind": "holiday", "name": "国庆节"}
    )

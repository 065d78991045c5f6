"""Browser: the pages run under the Content-Security-Policy without a single violation —
the hall, a bureau officer's work queue, the ECharts dashboard (tooltips included), the
API documentation (Swagger UI, ReDoc) — and an htmx form (the demand editor's autosave,
which sends X-CSRFToken) still works with the policy on."""

import pytest

from tests.dashboard.builders import FAST_HASHERS, dashboard_world
from tests.demands.builders import valid_tb_demand
from tests.e2e.conftest import keep_a_holiday_year, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Collected inside the page (the CSP event), beside Chromium's console messages.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation it reports (event or console) collected."""
    console = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + list(page.csp_console)


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.header_value("content-security-policy") or ""
    assert "default-src 'self'" in policy
    page.wait_for_load_state("networkidle")
    return response


def test_pages_run_under_the_policy_without_violations(watched, settings):
    page = watched
    settings.PASSWORD_HASHERS = FAST_HASHERS
    keep_a_holiday_year(2026)
    dashboard_world()

    visit(page, "/")
    assert page.get_by_role("heading", level=1).count() >= 1
    assert violations(page) == []

    login(page, "bureau")  # lands on /work/
    page.wait_for_load_state("networkidle")
    assert violations(page) == []

    visit(page, "/dashboard/")
    # Tooltips: hovering a bar chart shows the axis tooltip with its series markers.
    chart = page.locator("[data-testid='chart-industry'][data-rendered='1']")
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for fraction in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(300)
    # The series names: once in the legend, again in the tooltip drawn on the chart.
    assert chart.locator("text", has_text="已提交需求").count() >= 2
    assert violations(page) == []

    visit(page, "/api/v1/docs/")
    page.locator(".swagger-ui .information-container").wait_for()
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations(page) == []

    # ReDoc has its own, wider policy (styled-components, a blob: search worker): its search
    # works; the one thing refused is Redocly's logo from their CDN (nothing loads from
    # outside on a closed network anyway).
    visit(page, "/api/v1/redoc/")
    page.locator(".api-content").first.wait_for()
    page.get_by_placeholder("Search...").fill("demands")
    page.locator("[data-role='search:results'] li").first.wait_for()
    assert violations(page) and all("https://cdn.redoc.ly/" in v for v in violations(page))


def test_an_htmx_form_autosaves_with_the_policy_on(watched, settings):
    page = watched
    settings.PASSWORD_HASHERS = FAST_HASHERS
    demand, user = valid_tb_demand(title="自动保存需求")

    login(page, user.username)
    visit(page, f"/demands/{demand.pk}/edit/basic/")
    # The step progress bar gets its width from data-progress through site.js.
    bar = page.locator(".progress-bar[data-progress]")
    assert bar.evaluate("el => el.style.width") == bar.get_attribute("data-progress") + "%"
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0
    with page.expect_request(lambda r: r.method == "POST" and "/edit/basic/" in r.url) as info:
        page.locator("#id_summary").fill("自动保存的需求概述（CSP）。")
        page.locator("#id_summary").dispatch_event("change")
    request = info.value
    assert request.headers.get("x-csrftoken")
    assert request.headers.get("hx-request") == "true"
    page.locator("#autosave-status").get_by_text("已自动保存").wait_for()
    demand.refresh_from_db()
    assert demand.summary == "自动保存的需求概述（CSP）。"
    assert violations(page) == []
    logout(page)


def test_the_django_admin_runs_under_the_policy(watched, settings):
    page = watched
    settings.PASSWORD_HASHERS = FAST_HASHERS
    from tests.factories import OrganizationFactory, UserFactory

    org = OrganizationFactory()
    UserFactory(username="siteadmin", is_superuser=True, is_staff=True)
    page.goto("/django-admin/login/?next=/django-admin/")
    page.locator("#id_username").fill("siteadmin")
    page.locator("#id_password").fill("Jiebang!2024")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state("networkidle")
    if "/django-admin/login/" in page.url:
        pytest.skip("the admin asks for more than a password here (OTP)")
    for url in (
        "/django-admin/",
        "/django-admin/orgs/organization/",
        f"/django-admin/orgs/organization/{org.pk}/change/",
        "/django-admin/core/auditentry/",
    ):
        visit(page, url)
    assert violations(page) == []

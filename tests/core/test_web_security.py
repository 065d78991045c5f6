"""Web hardening (docs/security.md "Web"): the Content-Security-Policy and the other security
headers on every page, templates that need no inline script or style, CSRF enforced on forms
and on htmx requests, and `check --deploy` clean with the production environment."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from jiebang.demands.models import Demand
from tests.demands.builders import valid_tb_demand

pytestmark = pytest.mark.integration

ROOT = Path(django_settings.BASE_DIR)
SITE_JS = ROOT / "jiebang" / "core" / "static" / "jiebang" / "site.js"


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


# --- headers -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/login/", "/api/v1/docs/"])
def test_pages_carry_the_policy_and_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_redoc_alone_gets_inline_styles_and_a_blob_worker(client):
    policy = directives(client.get("/api/v1/redoc/")["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["script-src"] == ["'self'"]  # still no inline script, no eval
    assert policy["frame-ancestors"] == ["'none'"]
    # …and nowhere else.
    for url in ("/", "/api/v1/docs/"):
        other = directives(client.get(url)["Content-Security-Policy"])
        assert "'unsafe-inline'" not in other["style-src"]
        assert "worker-src" not in other


@pytest.mark.django_db
def test_swagger_ui_needs_no_inline_script(client):
    page = client.get("/api/v1/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in page
    # The init script is a second request to the same view, served as JavaScript.
    init = client.get("/api/v1/docs/?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


@pytest.mark.django_db
def test_https_settings_follow_the_environment_switch():
    """Under the tests (no HTTPS=true) nothing redirects; the production values are checked
    by `check --deploy` below."""
    assert django_settings.SECURE_SSL_REDIRECT is False
    assert django_settings.X_FRAME_OPTIONS == "DENY"
    assert django_settings.SECURE_CONTENT_TYPE_NOSNIFF is True


# --- templates and scripts -----------------------------------------------------------------

TEMPLATES = [
    path
    for path in (ROOT / "jiebang").rglob("*.html")
    # PDF templates are rendered by WeasyPrint on the server, never served to a browser.
    if "/pdf/" not in path.as_posix()
]


def test_templates_have_no_inline_script_handler_or_style():
    assert len(TEMPLATES) > 80
    problems = []
    for path in TEMPLATES:
        text = path.read_text()
        where = path.relative_to(ROOT)
        for attrs in re.findall(r"<script\b([^>]*)>", text):
            if "src=" not in attrs:
                problems.append(f"{where}: inline <script{attrs}>")
        if re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            problems.append(f"{where}: on*= event handler attribute")
        if re.search(r"\sstyle\s*=", text):
            problems.append(f"{where}: style= attribute")
        if "<style" in text:
            problems.append(f"{where}: <style> element")
        if "javascript:" in text:
            problems.append(f"{where}: javascript: URL")
    assert problems == []


def test_site_js_sends_the_csrf_token_on_htmx_requests():
    source = SITE_JS.read_text()
    handler = re.search(
        r'addEventListener\("htmx:configRequest", function \(event\) \{(.*?)\}\);', source, re.S
    )
    assert handler, "site.js listens to htmx:configRequest"
    body = handler.group(1)
    assert "input[name=csrfmiddlewaretoken]" in body
    assert 'event.detail.headers["X-CSRFToken"] = token.value' in body
    # The header is the one Django checks.
    assert django_settings.CSRF_HEADER_NAME == "HTTP_X_CSRFTOKEN"


def test_base_template_turns_off_htmx_inline_styles_and_eval():
    base = (ROOT / "jiebang" / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base
    assert '"allowEval": false' in base
    assert ".htmx-indicator" in (SITE_JS.parent / "site.css").read_text()


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_post_without_the_csrf_token_is_refused():
    """The log-out form (in every page's top bar): refused without its token, obeyed with it."""
    _demand, user = valid_tb_demand()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/work/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token

    refused = client.post("/logout/")
    assert refused.status_code == 403
    assert client.get("/work/").wsgi_request.user == user  # still logged in

    accepted = client.post("/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert accepted.status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_an_htmx_post_needs_the_x_csrftoken_header():
    demand, user = valid_tb_demand()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = f"/demands/{demand.pk}/edit/basic/"
    client.get(url)  # sets the CSRF cookie, as the browser's page load does
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_X_AUTOSAVE": "1"}

    refused = client.post(url, {"summary": "无令牌自动保存"}, **htmx)
    assert refused.status_code == 403
    assert Demand.objects.get(pk=demand.pk).summary != "无令牌自动保存"

    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    accepted = client.post(url, {"summary": "自动保存"}, HTTP_X_CSRFTOKEN=token, **htmx)
    assert accepted.status_code == 200
    assert "已自动保存" in accepted.content.decode()
    assert Demand.objects.get(pk=demand.pk).summary == "自动保存"


# --- check --deploy -------------------------------------------------------------------------


def production_env() -> dict[str, str]:
    """The production environment of .env.example's header, with fresh random secrets."""
    import base64

    def key() -> str:
        return base64.urlsafe_b64encode(os.urandom(32)).decode()

    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "jiebang.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "jiebang.example.gov.cn",
        "HTTPS": "true",
        "PERSONAL_DATA_KEYS": f"v1:{key()}",
        "BLIND_INDEX_KEY": key(),
    }


def test_env_example_documents_the_production_environment():
    example = (ROOT / ".env.example").read_text()
    for name in production_env():
        if name not in ("PATH", "HOME", "LANG", "TMPDIR", "DJANGO_SETTINGS_MODULE"):
            assert re.search(rf"^#?.*\b{name}\b", example, re.M), name
    assert "check --deploy --fail-level WARNING" in example


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment():
    result = _check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_plain_http_deployment():
    env = production_env()
    del env["HTTPS"]
    result = _check_deploy(env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


def test_production_settings_values():
    """The values HTTPS=true gives, read from a fresh interpreter."""
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = production_env() | {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "True 31536000 True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    )

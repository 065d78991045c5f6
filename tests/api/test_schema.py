"""The OpenAPI schema and the interactive docs: a valid OpenAPI 3 document describing the
demand endpoints, and documentation pages that load nothing from outside (closed networks)."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

EXTERNAL = ("cdn", "unpkg", "jsdelivr", "googleapis", "cloudflare")


@pytest.fixture(scope="module")
def schema_text(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_schema_is_valid_openapi_3(schema_text):
    schema = yaml.safe_load(schema_text)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 meta-schema
    assert schema["info"]["title"] == "揭榜挂帅项目管理平台 API"


def test_the_schema_describes_the_demand_endpoints(schema_text, client):
    schema = yaml.safe_load(schema_text)
    paths = schema["paths"]
    expected = {
        "/api/v1/units/": {"get"},
        "/api/v1/calls/": {"get"},
        "/api/v1/calls/active/": {"get"},
        "/api/v1/demands/": {"get", "post"},
        "/api/v1/demands/{id}/": {"get", "patch"},
        "/api/v1/demands/{id}/precheck/": {"post"},
        "/api/v1/demands/{id}/submit/": {"post"},
        "/api/v1/demands/{id}/attachments/": {"post"},
        "/api/v1/demands/{id}/withdraw/": {"post"},
        "/api/v1/demands/{id}/recommend/": {"post"},
        "/api/v1/demands/{id}/return/": {"post"},
        "/api/v1/demands/{id}/not-recommend/": {"post"},
        "/api/v1/demands/{id}/accept/": {"post"},
        "/api/v1/demands/{id}/reject/": {"post"},
        "/api/v1/demands/publish/": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    listing = paths["/api/v1/demands/"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"state", "category", "call", "industry", "page"} <= params
    upload = paths["/api/v1/demands/{id}/attachments/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "details"}
    submit = paths["/api/v1/demands/{id}/submit/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409"} <= set(submit)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["name"] == "Authorization"
    # JSON on request, for clients that want it.
    assert client.get("/api/v1/schema/?format=json").json()["openapi"].startswith("3.")


@pytest.mark.parametrize("page", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_load_nothing_from_outside(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode().lower()
    for word in EXTERNAL:
        assert word not in html, word
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/"), source
    assets = [s for s in sources if s.endswith((".js", ".css"))]
    assert assets
    for asset in assets:
        # The sidecar's bundles, and our stylesheet replacing the stock inline <style> (CSP).
        assert asset.startswith(("/static/drf_spectacular_sidecar/", "/static/jiebang/")), asset
        assert finders.find(asset.removeprefix("/static/")), asset


def test_swagger_ui_uses_the_local_bundle(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # The init script is a separate request (no inline script under the CSP); it names the schema.
    assert '<script src="/api/v1/docs/?script=">' in html
    assert "/api/v1/schema/" in client.get("/api/v1/docs/?script=").content.decode()

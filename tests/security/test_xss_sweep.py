"""Every text field holds an HTML payload, and every page renders it escaped.

The dashboard's world (a call with a demand in every stage, proposals, a public notice, two
projects with money, review rounds) is built once; then every free-text column of every
model of the platform (choices, codes used in URLs, hashes, blind indexes and encrypted
columns left out) is overwritten with `<xss-…>` unique to the row and field. The pages each
role reads are fetched: none may contain the payload unescaped, and together they must show
many of them escaped (so the sweep really rendered the data)."""

from collections import Counter

import pytest
from django.apps import apps
from django.db import models

from jiebang.core.fields import EncryptedCharField
from tests.api.later_support import built_once
from tests.dashboard.builders import FAST_HASHERS, dashboard_world
from tests.projects.support import DAY0, on

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

RAW = "<xss-"
ESCAPED = "&lt;xss-"
SKIPPED_MODELS = {"core.AuditEntry", "core.AuditChainHead"}
MIN_FIELD_LENGTH = 12


def _free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if isinstance(field, EncryptedCharField | models.SlugField) or field.choices:
            continue
        if field.primary_key or field.unique or field.name in ("password",):
            continue
        if field.name.endswith(("_index", "sm3", "sha256", "digest", "key_hash")):
            continue
        if field.max_length is not None and field.max_length < MIN_FIELD_LENGTH:
            continue
        yield field


def poison_every_text_field() -> int:
    """Overwrite the free text of every row; returns how many (row, field) were written."""
    written = 0
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if not model.__module__.startswith("jiebang.") or label in SKIPPED_MODELS:
            continue
        fields = list(_free_text_fields(model))
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {}
            for field in fields:
                payload = f"<xss-{model.__name__[:6]}{pk}>\"'"
                values[field.name] = payload[: field.max_length] if field.max_length else payload
            model._default_manager.filter(pk=pk).update(**values)
            written += len(values)
    return written


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with built_once(django_db_blocker, tmp_path_factory):
        rows = dashboard_world()
        rows["written"] = poison_every_text_field()
        yield rows


@pytest.fixture(autouse=True)
def day(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with on(DAY0):
        yield


def pages_for(world) -> dict:
    demands = world["demands"]
    project_a, project_b = world["project_a"], world["project_b"]
    return {
        None: [
            "/",
            f"/hall/{demands['published'].pk}/",
            "/policies/",
            "/notices/",
            "/publicity/",
            "/results/",
        ],
        world["bureau"]: [
            "/work/",
            "/dashboard/",
            "/bureau/demands/",
            "/bureau/publish/",
            "/bureau/units/",
            f"/demands/{demands['recommended'].pk}/",
            f"/demands/{demands['transfer'].pk}/",
            "/bureau/selection/",
            f"/desk/proposals/{world['taken_proposal'].pk}/",
            "/projects/",
            "/projects/disbursements/",
            f"/projects/{project_a.pk}/",
            f"/projects/{project_b.pk}/",
            "/review/rounds/",
            f"/review/rounds/{world['round'].pk}/",
            f"/review/rounds/{world['draft_round'].pk}/",
            "/review/experts/",
            f"/units/{demands['published'].organization_id}/",
            "/inbox/",
        ],
        world["district_officer"]: ["/district/demands/", "/district/units/", "/work/"],
        world["draft_user"]: [
            "/demands/",
            f"/demands/{demands['draft'].pk}/edit/basic/",
            "/org/",
            "/work/",
        ],
        project_b.proposal.created_by: [
            "/proposals/",
            f"/projects/{project_b.pk}/",
            "/work/",
        ],
        world["experts"][0].user: ["/review/my/", "/work/"],
    }


def test_every_page_renders_every_text_field_escaped(client, world):
    assert world["written"] > 300
    escaped_seen = Counter()
    for user, urls in pages_for(world).items():
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.content.decode()
            assert RAW not in html, (url, html[max(0, html.find(RAW) - 200) : html.find(RAW) + 80])
            escaped_seen[url] = html.count(ESCAPED)
    assert sum(escaped_seen.values()) > 200, escaped_seen
    rendered_nothing = [url for url, count in escaped_seen.items() if count == 0]
    assert len(rendered_nothing) <= 3, rendered_nothing

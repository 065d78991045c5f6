"""The authorisation matrix: every URL of the URL configuration (pages and API v1) × every
actor × the objects of unit A (own unit), of another unit and of another district →
allowed or refused, as classified in tests/security/url_policy.py.

How it works
------------
- `collect_urls` walks the URL resolver (every `URLResolver` and `URLPattern`, building the
  full route and the name). The Django admin is one entry (`admin`, staff only); static and
  media files and DRF's format-suffix duplicates (`.json` …) are left out.
- `test_every_url_is_classified`: each collected URL has an entry in `URL_POLICY` and each
  entry still has its URL (and each registered Excel export and import has its variant).
  `test_an_unclassified_url_fails_the_check` proves that a new URL is caught: it serves the
  real URL configuration plus one new path from a temporary urlconf module
  (`override_settings(ROOT_URLCONF=…)`) and asserts that the check reports that path.
- The matrix is generated from the same walk: one test per URL (and variant) × method ×
  actor, against ONE world built once for the module (rows rolled back at its end, as in
  tests/projects/support.py `module_rows`). Each test runs in its own transaction, so a
  write that was allowed is rolled back before the next cell. Every actor has its own
  client, signed in once with `force_login` and then completed as a person's sign-in is
  (a TOTP device verified for the accounts that need one, the password just confirmed), so
  the account-security gates run as in production and let it through; before each request
  its session cookie is put back (a logout or a password change in one cell cannot sign it
  out of the next). API URLs use the same sessions (DRF SessionAuthentication). Requests
  are made at a fixed time (RUN_AT).
- Every allowed answer that is text (pages, JSON, feeds) is also searched for the titles of
  unit A's draft and submitted demands: an actor who may not read them must not see them
  in any list, queue, inbox or feed ("someone sees what isn't theirs").

What counts as allowed or refused
---------------------------------
- Refused: 401, 403, 404 (an object outside the actor's scope is not found), or a redirect
  to a login page (`/login/`, or the admin's login for the admin).
- Not decided, so the cell fails: 405 (the rule names a method the view does not take: a
  classification error), and a redirect to a sign-in step (TOTP or re-authentication) from
  any other page (the world's sessions are not fully signed in any more).
- Allowed: anything else: 200, 201, 204, a redirect elsewhere, 400 / 409 / 415 (the empty
  body, or the object's state, is refused by the action itself: authorisation passed), 503
  (PDF rendering unavailable). An exception (500) fails the cell.
- GET is sent as is; writes (POST, PATCH, DELETE) carry an empty body unless the rule gives
  one (`Rule.data`): form posts to the pages, JSON to the API.
A cell that disagrees fails with the method, URL, URL key, actor, expected and actual status.
A cell that shows a real authorisation bug is listed in `KNOWN_BUGS` and marked
xfail(strict=True) with its reason ("BUG: …").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sys
import types
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    include,
    path,
    re_path,
    reverse,
)
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.generators import SchemaGenerator

from jiebang.api.models import ApiScope
from jiebang.api.services import issue_token
from jiebang.core import clock, exports, imports
from jiebang.core.models import ImportJob
from jiebang.demands import documents
from jiebang.demands import services as demand_services
from jiebang.notices import services as notice_services
from jiebang.orgs.enums import AccountState, OrgKind, Role
from jiebang.orgs.security import sessions as security_sessions
from jiebang.orgs.security.middleware import requires_totp
from jiebang.proposals import selection
from jiebang.proposals import services as proposal_services
from jiebang.review import services as review_services
from tests.api.later_support import built_once
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import (
    DistrictFactory,
    OrganizationFactory,
    UserFactory,
    beijing,
    make_id_number,
)
from tests.helpers import pdf_upload
from tests.projects.support import approve, pay, started
from tests.proposals.builders import complete_proposal
from tests.proposals.test_selection import to_shortlist
from tests.review.builders import expert
from tests.security.url_policy import (
    ACTORS,
    ADMIN_KEY,
    DRAFT_READERS,
    KNOWN_BUGS,
    SUBMITTED_READERS,
    URL_POLICY,
    Actor,
    Policy,
    Ref,
    Rule,
    rules_of,
)

# ---- the URL configuration ----------------------------------------------------------------

FORMAT_SUFFIX_MARKERS = ("(?P<format>", "<drf_format_suffix:format>")
STATIC_VIEW_MODULES = ("django.views.static", "django.contrib.staticfiles")


def collect_urls(urlconf: str | None = None) -> dict[str, str]:
    """{key: full route} of every URL: the key is the URL name (namespaced), or the route
    when the URL has no name or shares its name with another route."""
    found: list[tuple[str | None, str]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    found.append((ADMIN_KEY, route))
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                if any(marker in route for marker in FORMAT_SUFFIX_MARKERS):
                    continue
                if getattr(entry.callback, "__module__", "").startswith(STATIC_VIEW_MODULES):
                    continue
                found.append((f"{namespace}{entry.name}" if entry.name else None, route))

    walk(get_resolver(urlconf).url_patterns, "", "")
    names = [name for name, _route in found if name]
    return {(name if name and names.count(name) == 1 else route): route for name, route in found}


@dataclass
class Problems:
    unclassified: dict[str, str] = field(default_factory=dict)  # key → route
    stale: list[str] = field(default_factory=list)  # entries without a URL
    variants: list[str] = field(default_factory=list)  # exports / imports without a variant

    def __bool__(self) -> bool:
        return bool(self.unclassified or self.stale or self.variants)

    def report(self) -> str:
        lines = []
        if self.unclassified:
            lines.append("URLs without an entry in tests/security/url_policy.py URL_POLICY:")
            lines += [f"  {key!r}: /{route}" for key, route in sorted(self.unclassified.items())]
        if self.stale:
            lines.append("URL_POLICY entries whose URL no longer exists:")
            lines += [f"  {key!r}" for key in sorted(self.stale)]
        lines += self.variants
        return "\n".join(lines)


def _registry_problems(key: str, registered: set[str]) -> list[str]:
    entry = URL_POLICY.get(key)
    classified = {variant for variant, _rule in rules_of(entry)} if entry else set()
    lines = []
    if registered - classified:
        lines.append(f"{key}: registered but not classified: {sorted(registered - classified)}")
    if classified - registered:
        lines.append(f"{key}: classified but not registered: {sorted(classified - registered)}")
    return lines


def classification_problems(urls: dict[str, str]) -> Problems:
    return Problems(
        unclassified={key: route for key, route in urls.items() if key not in URL_POLICY},
        stale=[key for key in URL_POLICY if key not in urls],
        variants=_registry_problems("export_list", set(exports.registered_exports()))
        + _registry_problems("import_start", set(imports.registered_imports())),
    )


def test_every_url_is_classified():
    problems = classification_problems(collect_urls())
    assert not problems, "\n" + problems.report()


PROBE_URLCONF = "tests.security._probe_urls"


def _probe(request, pk=None):
    return HttpResponse("a page nobody has classified")


@pytest.mark.parametrize(
    "new_url, key",
    [
        (path("security-probe/<int:pk>/", _probe, name="security_probe"), "security_probe"),
        (re_path(r"^security-probe/unnamed/$", _probe), "^security-probe/unnamed/$"),
    ],
    ids=["named", "unnamed"],
)
def test_an_unclassified_url_fails_the_check(new_url, key):
    """The real URL configuration plus one new path, served from a temporary urlconf: the
    check names the new URL and nothing else; the matrix gives it a failing cell."""
    module = types.ModuleType(PROBE_URLCONF)
    module.urlpatterns = [path("", include(settings.ROOT_URLCONF)), new_url]
    sys.modules[PROBE_URLCONF] = module
    try:
        with override_settings(ROOT_URLCONF=PROBE_URLCONF):
            urls = collect_urls()
            problems = classification_problems(urls)
            cells = list(matrix_cells(urls))
    finally:
        del sys.modules[PROBE_URLCONF]
    assert problems.unclassified == {key: str(new_url.pattern)}
    assert not problems.stale and not problems.variants
    assert "URLs without an entry" in problems.report() and key in problems.report()
    assert [c.id for c in cells if c.values[0] == key] == [f"{key}-UNCLASSIFIED"]
    with pytest.raises(pytest.fail.Exception, match="not classified"):
        test_authorisation(None, key, "", "get", Actor.ANONYMOUS)


def test_a_known_bug_cell_is_a_strict_xfail(monkeypatch):
    """A cell listed in KNOWN_BUGS is expected to fail, strictly: the fix makes it pass
    unexpectedly, which fails the run until the entry goes."""
    cell = ("demand_detail", "submitted", "get", Actor.OFFICER_B)
    monkeypatch.setitem(KNOWN_BUGS, cell, "BUG: example")
    (param,) = [
        c
        for c in matrix_cells({"demand_detail": "demands/<int:pk>/"})
        if c.id == "demand_detail[submitted]-GET-officer_B"
    ]
    (mark,) = param.marks
    assert mark.name == "xfail" and mark.kwargs == {"strict": True, "reason": "BUG: example"}


def test_a_removed_url_is_reported_as_stale():
    module = types.ModuleType(PROBE_URLCONF)
    module.urlpatterns = [path("", include("jiebang.core.urls"))]
    sys.modules[PROBE_URLCONF] = module
    try:
        with override_settings(ROOT_URLCONF=PROBE_URLCONF):
            problems = classification_problems(collect_urls())
    finally:
        del sys.modules[PROBE_URLCONF]
    assert not problems.unclassified
    assert "demand_list" in problems.stale and "guide" not in problems.stale


# ---- the world ------------------------------------------------------------------------------

BUILD_AT = beijing(2026, 3, 2, 10, 0)  # a Monday inside the seeded holiday calendar
CLOSE_AT = BUILD_AT + dt.timedelta(days=28)  # past the solicitation deadline and the notice
DAY0 = beijing(2026, 4, 1, 10, 0)  # the project is initiated
RUN_AT = beijing(2026, 4, 2, 10, 0)  # every request of the matrix
ROUND_DEADLINE = beijing(2026, 12, 31, 17, 0)


@dataclass
class World:
    refs: dict[str, object]
    clients: dict[str, Client]
    sessions: dict[str, str]
    secrets: dict[str, tuple[str, Policy]]  # what → (its text, who may see it)

    def resolve(self, values) -> dict:
        return {
            name: self.refs[value.name] if isinstance(value, Ref) else value
            for name, value in (values or {}).items()
        }

    def url(self, key: str, rule: Rule) -> str:
        kwargs = self.resolve(rule.kwargs)
        if key == ADMIN_KEY:
            url = reverse("admin:index")
        else:
            try:
                url = reverse(key, kwargs=kwargs)
            except NoReverseMatch:  # keyed by its route (no name, or a shared one)
                url = "/" + _fill_route(key, kwargs)
        query = self.resolve(rule.query)
        return f"{url}?{urlencode(query)}" if query else url

    def request(self, actor: str, method: str, url: str, data: dict) -> HttpResponse:
        client = self.clients[actor]
        client.cookies.clear()
        if actor in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[actor]
        if method == "get":
            return client.get(url)
        if url.startswith("/api/"):
            return client.generic(
                method.upper(), url, json.dumps(data), content_type="application/json"
            )
        return client.post(url, data)  # the pages: a form post (no page takes PATCH or DELETE)


def _fill_route(route: str, kwargs: dict) -> str:
    """An unnamed route with its arguments (`<int:pk>` and `(?P<pk>…)` alike)."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), route)
    return route.replace("^", "").replace("$", "")


def fully_signed_in(client: Client, account) -> str:
    """Sign `account` in as a person does: the password confirmed now and, for the accounts
    that need one (officers, auditors, staff), a TOTP code entered with a confirmed device;
    the session cookie's value."""
    client.force_login(account)
    session = client.session
    if requires_totp(account):
        device = TOTPDevice.objects.create(user=account, name="身份验证器", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    security_sessions.start_clock(session)
    security_sessions.mark_confirmed(session)
    session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_world() -> World:
    """Two districts; unit A (district A) with an applicant, its org admin and a pending
    applicant; unit S (district A), the solver; unit B (district B) with an applicant and its
    org admin; a district officer of each district; a bureau officer, an auditor, two experts
    and a Django staff account. Unit A's demands: a draft, a submitted one (in a review round
    with one assigned expert), a published one (unit S holds a draft proposal to it) and a
    matched one (unit S's proposal selected after a public notice with an objection; its
    project initiated, with a disbursement approved). An announcement, an export job and an
    import job of the bureau officer, an API token of unit A's applicant."""
    with time_machine.travel(BUILD_AT, tick=False) as traveller:
        call = open_call(name="2026年度揭榜挂帅需求征集", expert_review_of_demands=False)
        district_a, district_b = DistrictFactory(), DistrictFactory()
        unit_a = OrganizationFactory(district=district_a, name="甲单位科技有限公司")
        unit_s = OrganizationFactory(
            district=district_a, kind=OrgKind.UNIVERSITY, name="揭榜乙大学"
        )
        unit_b = OrganizationFactory(district=district_b, name="丙区外单位有限公司")
        applicant_a = UserFactory(organization=unit_a, roles=[Role.APPLICANT])
        solver = UserFactory(organization=unit_s, roles=[Role.APPLICANT])
        bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
        officer_a = UserFactory(district=district_a, roles=[Role.DISTRICT_OFFICER])
        expert_assigned = expert("风电 叶片 覆冰 监测", username="expert_assigned")
        accounts = {
            Actor.APPLICANT_A: applicant_a,
            Actor.ADMIN_A: UserFactory(organization=unit_a, roles=[Role.ORG_ADMIN]),
            Actor.SOLVER: solver,
            Actor.APPLICANT_B: UserFactory(organization=unit_b, roles=[Role.APPLICANT]),
            Actor.ADMIN_B: UserFactory(organization=unit_b, roles=[Role.ORG_ADMIN]),
            Actor.OFFICER_A: officer_a,
            Actor.OFFICER_B: UserFactory(district=district_b, roles=[Role.DISTRICT_OFFICER]),
            Actor.BUREAU: bureau,
            Actor.AUDITOR: UserFactory(roles=[Role.AUDITOR]),
            Actor.EXPERT: expert_assigned.user,
            Actor.EXPERT_OTHER: expert("储能 电池 热管理", username="expert_unassigned").user,
            Actor.STAFF: UserFactory(is_staff=True),
        }
        member_pending = UserFactory(
            organization=unit_a, roles=[Role.APPLICANT], account_state=AccountState.PENDING
        )

        def demand(title, team_start):
            return valid_tb_demand(
                call=call, org=unit_a, user=applicant_a, title=title, team_start=team_start
            )[0]

        # Unique titles: the matrix searches every answer for the two that are not public.
        draft = demand("甲单位草稿需求", 100)
        submitted = demand("甲单位已提交需求", 110)
        published = demand("已发布需求", 120)
        matched = demand("已揭榜需求", 130)
        for item in (submitted, published, matched):
            demand_services.submit_demand(demand_id=item.pk, by=applicant_a)
        for item in (published, matched):
            demand_services.recommend_demand(demand_id=item.pk, by=officer_a)
            demand_services.accept_demand(demand_id=item.pk, by=bureau)
        demand_services.publish_demands(
            call=call,
            demand_ids=[published.pk, matched.pk],
            title="第一批榜单",
            solicitation_deadline=clock.now() + dt.timedelta(days=20),
            by=bureau,
        )
        for item in (draft, submitted, published, matched):
            item.refresh_from_db()

        selected, _user, _partner = complete_proposal(
            matched, lead=unit_s, user=solver, team_start=900
        )
        proposal_services.submit_proposal(proposal_id=selected.pk, by=solver)
        to_shortlist(selected, bureau)
        selection.publicize(demand_id=matched.pk, proposal_ids=[selected.pk], by=bureau)
        # A notice of its own holds the objection (an unresolved one would block closing).
        notice = notice_services.open_notice(
            title="关于拟立项项目的公示",
            body="拟立项项目名单如下。",
            start_on=clock.today(),
            working_days=5,
            subject=None,
            by=bureau,
        )
        objection = notice_services.file_objection(
            notice_id=notice.pk,
            kind="person",
            name="李异议",
            id_number=make_id_number(7),
            phone="13912345678",
            content="该项目的技术指标与事实不符。",
            letter=pdf_upload("异议书.pdf"),
        )
        proposal_draft, _user, _partner = complete_proposal(
            published, lead=unit_s, user=solver, team_start=920
        )

        review_round = review_services.create_round(
            call=call,
            kind="demand_review",
            title="需求论证",
            targets=[submitted],
            experts_per_item=1,
            max_load=5,
            blind=True,
            criteria=call.demand_review_criteria,
            deadline=ROUND_DEADLINE,
            by=bureau,
        )
        assignment = review_services.assign_expert(
            round_id=review_round.pk,
            item_id=review_round.items.get().pk,
            expert_id=expert_assigned.pk,
            by=bureau,
        )
        review_services.open_round(round_id=review_round.pk, by=bureau)

        announcement = notice_services.publish_announcement(
            title="关于发布第一批榜单的公告", body="详见榜单大厅。", by=bureau
        )
        token, _key = issue_token(
            user=applicant_a,
            name="科研管理系统对接",
            scopes=[ApiScope.READ],
            by=accounts[Actor.ADMIN_A],
        )
        export_job = exports.start_export_job(
            export=exports.get_export("bureau-demands"), user=bureau, params={}
        )
        exports.run_export_job(export_job.pk)
        import_job = ImportJob.objects.create(
            user=bureau,
            name="experts",
            title="评审专家库",
            source="imports/experts.xlsx",
            original_name="专家库.xlsx",
            created_at=clock.now(),
        )

        traveller.move_to(CLOSE_AT)
        selection.close_demand(demand_id=matched.pk, by=bureau)
        traveller.move_to(DAY0)
        project = started(selected, bureau)
        pay(project, "6000000.00", by=bureau)
        disbursement = approve(project, Decimal("540000.00"), by=bureau)

        traveller.move_to(RUN_AT)
        clients = {actor: Client() for actor in ACTORS}
        cookies = {}
        for actor, account in accounts.items():
            cookies[actor] = fully_signed_in(clients[actor], account)

    demand_link = draft.attachments.select_related("attachment").order_by("pk").first()
    proposal_link = proposal_draft.attachments.select_related("attachment").order_by("pk").first()
    refs = {
        "call": call.pk,
        "unit_a": unit_a.pk,
        "member_pending": member_pending.pk,
        "demand_draft": draft.pk,
        "demand_submitted": submitted.pk,
        "demand_published": published.pk,
        "demand_link": demand_link.pk,
        "unit_file": demand_link.attachment.uuid,
        "project_file": project.agreement_attachment.uuid,
        "proposal_draft": proposal_draft.pk,
        "proposal_selected": selected.pk,
        "proposal_link": proposal_link.pk,
        "proposal_file": proposal_link.attachment.uuid,
        "objection_letter": objection.attachment.uuid,
        "notice": notice.pk,
        "objection": objection.pk,
        "announcement": announcement.pk,
        "round": review_round.pk,
        "assignment": assignment.pk,
        "project": project.pk,
        "disbursement": disbursement.pk,
        "export_job": export_job.pk,
        "import_job": import_job.pk,
        "token": token.pk,
        "account_applicant_a": applicant_a.pk,
        "account_bureau": bureau.pk,
    }
    secrets = {
        "unit A's draft demand": (draft.title, DRAFT_READERS),
        "unit A's submitted demand": (submitted.title, SUBMITTED_READERS),
    }
    return World(refs=refs, clients=clients, sessions=cookies, secrets=secrets)


# Account security as in production (tests/conftest.py switches it off for other tests):
# the matrix's sessions are fully signed in, so these gates let them through.
PRODUCTION_ACCOUNT_SECURITY = {
    "REQUIRE_TOTP": True,
    "REQUIRE_REAUTH": True,
    "SESSION_IDLE_TIMEOUT": 30 * 60,
    "SESSION_ABSOLUTE_TIMEOUT": 12 * 3600,
}


def _schema_generated_once():
    """drf-spectacular's schema, generated once for the module instead of once a cell (0.5 s
    each): who may fetch it is decided before it is generated, and it holds no rows."""
    generate = SchemaGenerator.get_schema
    schemas = {}

    def get_schema(self, request=None, public=False):
        if public not in schemas:
            schemas[public] = generate(self, request=request, public=public)
        return schemas[public]

    return mock.patch.object(SchemaGenerator, "get_schema", get_schema)


def _no_pdf_rendering():
    """The PDF views answer 503 "PDF unavailable" instead of rendering (0.5 s each): each
    checks who may see the document first, and a 503 counts as allowed."""
    return mock.patch.object(documents, "pdf_support", lambda: (False, "PDF 生成已在本测试中关闭"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        built_once(django_db_blocker, tmp_path_factory),
        override_settings(**PRODUCTION_ACCOUNT_SECURITY),
        _schema_generated_once(),
        _no_pdf_rendering(),
    ):
        yield build_world()


@pytest.fixture(autouse=True)
def _private_media():
    """The world's files stay where they were stored (built_once's folder for the module),
    instead of the empty folder per test of tests/conftest.py."""


@pytest.fixture(autouse=True)
def _account_security_defaults():
    """Not switched off here: see PRODUCTION_ACCOUNT_SECURITY."""


# ---- the matrix -----------------------------------------------------------------------------

REFUSED, ALLOWED = "refused", "allowed"
NOT_APPLICABLE = "not decided: method not applicable (405)"
SIGN_IN_STEP = "not decided: sent to a sign-in step (TOTP or re-authentication)"


def _paths(*names: str) -> set[str]:
    found = set()
    for name in names:
        with contextlib.suppress(NoReverseMatch):
            found.add(reverse(name))
    return found


def verdict(response, url: str) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        return REFUSED
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target in _paths("login", "admin:login"):
            return REFUSED
        steps = _paths("totp_setup", "totp_verify", "reauth")
        if target in steps and urlsplit(url).path not in steps:
            return SIGN_IN_STEP
        return ALLOWED
    if status == 405:
        return NOT_APPLICABLE
    return ALLOWED


def matrix_cells(urls: dict[str, str]):
    for key in urls:
        entry = URL_POLICY.get(key)
        if entry is None:
            yield pytest.param(key, "", "get", Actor.ANONYMOUS, id=f"{key}-UNCLASSIFIED")
            continue
        for variant, rule in rules_of(entry):
            label = f"{key}[{variant}]" if variant else key
            for method, _policy in rule.methods():
                for actor in ACTORS:
                    bug = KNOWN_BUGS.get((key, variant, method, actor))
                    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
                    yield pytest.param(
                        key,
                        variant,
                        method,
                        actor,
                        marks=marks,
                        id=f"{label}-{method.upper()}-{actor}",
                    )


@pytest.mark.django_db
@pytest.mark.parametrize("key, variant, method, actor", list(matrix_cells(collect_urls())))
def test_authorisation(world, key, variant, method, actor):
    if key not in URL_POLICY:
        pytest.fail(
            f"URL {key!r} is not classified: add it to URL_POLICY in tests/security/url_policy.py",
            pytrace=False,
        )
    rule = dict(rules_of(URL_POLICY[key]))[variant]
    policy = getattr(rule, method)
    url = world.url(key, rule)
    where = f"{method.upper()} {url} ({key}{f'[{variant}]' if variant else ''}) as {actor}"
    expected = ALLOWED if policy.allows(actor) else REFUSED
    with time_machine.travel(RUN_AT, tick=False):
        try:
            response = world.request(actor, method, url, world.resolve(rule.data))
        except Exception as error:
            pytest.fail(f"{where}: expected {expected} ({policy}), raised {error!r}")
    answer = verdict(response, url)
    location = f" → {response['Location']}" if response.has_header("Location") else ""
    assert answer == expected, (
        f"{where}: expected {expected} ({policy}), got {response.status_code}{location} ({answer})"
    )
    if answer == ALLOWED:
        shown = [
            what
            for what, (text, readers) in world.secrets.items()
            if not readers.allows(actor) and text in _text_of(response)
        ]
        assert not shown, f"{where}: answered {response.status_code} showing {', '.join(shown)}"


TEXT_TYPES = ("text/", "application/json", "application/atom+xml", "application/xml")


def _text_of(response) -> str:
    """The answer's text (pages, JSON, feeds); "" for files and streams."""
    if response.streaming or not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return ""
    return response.content.decode(response.charset or "utf-8", errors="replace")

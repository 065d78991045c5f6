"""`manage.py seed_demo`: idempotent, every role can log in, the data trips each restriction."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.core.masking import mask_id_number
from jiebang.core.models import AuditEntry, Notification
from jiebang.core.validators import id_check_digit, is_valid_id_number, is_valid_uscc
from jiebang.orgs import selectors
from jiebang.orgs.enums import (
    AccountState,
    CityProjectStatus,
    CreditKind,
    OrgKind,
    RelationKind,
    Role,
    VerificationState,
)
from jiebang.orgs.management.commands.seed_demo import (
    ACCOUNTS,
    CALL_2024_NAME,
    DEMO_CALL_NAME,
    DEMO_PASSWORD,
    ORG_BY_KEY,
    demo_accounts,
)
from jiebang.orgs.models import (
    CityProject,
    CityProjectPrincipal,
    CreditRecord,
    District,
    Organization,
    OrgRelation,
    Person,
    User,
)
from tests.orgs.support import login_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

B = clock.BEIJING


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def org(key) -> Organization:
    return Organization.objects.get(uscc=ORG_BY_KEY[key].uscc)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"orgs", "calls", "core", "auth"}
    }


def raw_rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def ongoing_rnd(qs):
    return qs.filter(status=CityProjectStatus.ONGOING, is_rnd=True)


def test_second_run_changes_nothing(seeded):
    counts = row_counts()
    # The stored ciphertexts and password hashes too: nothing is re-sealed or re-hashed.
    users = raw_rows("SELECT id, password, mobile, mobile_index FROM orgs_user ORDER BY id")
    phones = raw_rows("SELECT id, contact_phone FROM orgs_organization ORDER BY id")
    ids = raw_rows("SELECT id, id_number, id_index FROM orgs_person ORDER BY id")
    calls = list(Call.objects.order_by("id").values())

    output = seed()

    assert row_counts() == counts
    assert raw_rows("SELECT id, password, mobile, mobile_index FROM orgs_user ORDER BY id") == users
    assert raw_rows("SELECT id, contact_phone FROM orgs_organization ORDER BY id") == phones
    assert raw_rows("SELECT id, id_number, id_index FROM orgs_person ORDER BY id") == ids
    assert list(Call.objects.order_by("id").values()) == calls
    assert "新建0/更新0" in output and "新建1" not in output
    # Seeding is setup, not a user action: only the demo call's demands and the demo projects
    # (`_seed_projects`), which go through the services, leave audit entries and inbox
    # messages (and a second run adds none).
    assert not AuditEntry.objects.exclude(action__regex=r"^(demand|notice|proposal|project)\.")
    assert Notification.objects.filter(recipient__username="unit_admin").exists()


def test_reference_data(seeded):
    districts = {d.code: d for d in District.objects.all()}
    assert set(districts) == {
        "650102",
        "650103",
        "650104",
        "650105",
        "650106",
        "650107",
        "650109",
        "650121",
    }
    assert districts["650104"].name == "新市区" and districts["650104"].alias == "高新区"
    assert districts["650104"].office_name == "新市区（高新区）科技局"
    assert districts["650106"].alias == "经开区"
    assert districts["650102"].office_name == "天山区科技局"
    assert list(Industry.objects.values_list("name", flat=True)) == [
        "新能源",
        "装备制造",
        "新材料",
        "化工",
        "生物医药",
        "数字经济",
        "现代都市农业",
        "其他",
    ]


def test_2024_call_has_the_guides_values(seeded):
    call = Call.objects.get(year=2024, name=CALL_2024_NAME)
    assert call.submission_opens_at == dt.datetime(2024, 8, 1, 10, 0, tzinfo=B)
    assert call.submission_closes_at == dt.datetime(2024, 8, 30, 19, 30, 0, tzinfo=B)
    assert clock.beijing(call.submission_closes_at).time() == dt.time(19, 30, 0)
    # "2024年9月2日24:00" is 2024-09-03 00:00 Beijing.
    assert call.recommendation_deadline == dt.datetime(2024, 9, 3, 0, 0, tzinfo=B)
    assert call.resubmission_deadline == dt.datetime(2024, 9, 2, 19, 30, tzinfo=B)
    assert call.min_total_investment == Decimal("5000000.00")
    assert call.normal_max_period_months == 36
    assert call.issuer_min_registration_years == 1
    assert call.credit_lookback_years == 3
    assert call.overdue_threshold_years == 1
    assert call.unit_max_ongoing_projects == 3
    assert call.principal_count == 3
    assert call.person_max_load == 2
    assert call.race_first_phase_cap_percent == Decimal("20")
    assert call.effective_audit_years == [2022, 2023]
    assert call.is_active is False
    assert call.industries.count() == 8


@time_machine.travel(dt.datetime(2025, 3, 10, 12, 0, tzinfo=B), tick=False)
def test_demo_call_is_open_now_and_moves_with_the_date():
    seed()
    call = Call.objects.get(name=DEMO_CALL_NAME)
    assert call.year == 2025 and call.is_active
    assert call.submission_opens_at == dt.datetime(2025, 2, 8, 10, 0, tzinfo=B)
    assert call.submission_closes_at == dt.datetime(2025, 4, 9, 19, 30, tzinfo=B)
    # Three days after the close at 24:00 = the fourth day at 00:00.
    assert call.recommendation_deadline == dt.datetime(2025, 4, 13, 0, 0, tzinfo=B)
    assert call.resubmission_deadline == dt.datetime(2025, 4, 11, 19, 30, tzinfo=B)
    assert call.submission_opens_at <= clock.now() <= call.submission_closes_at
    assert call.industries.count() == 8

    with time_machine.travel(dt.datetime(2025, 3, 20, 9, 0, tzinfo=B), tick=False):
        seed()
    call.refresh_from_db()
    assert Call.objects.filter(name=DEMO_CALL_NAME).count() == 1
    assert call.submission_closes_at == dt.datetime(2025, 4, 19, 19, 30, tzinfo=B)

    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=B), tick=False):
        seed()
    assert list(
        Call.objects.filter(name=DEMO_CALL_NAME).order_by("year").values_list("year", "is_active")
    ) == [(2025, False), (2026, True)]


def test_every_role_has_an_account_and_every_account_logs_in(seeded):
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    for username, _label, _where in demo_accounts():
        user = User.objects.get(username=username)
        if user.account_state == AccountState.PENDING:
            # The right password, but a pending account cannot log in until approved.
            assert user.check_password(DEMO_PASSWORD)
            assert authenticate(login_request(), username=username, password=DEMO_PASSWORD) is None
        else:
            assert authenticate(login_request(), username=username, password=DEMO_PASSWORD) == user
    assert authenticate(login_request(), username="applicant", password="wrong-password") is None
    # By mobile, through the blind index.
    applicant = User.objects.get(username="applicant")
    mobile = next(a.mobile for a in ACCOUNTS if a.username == "applicant")
    assert applicant.mobile_masked == mobile[:3] + "****" + mobile[-4:]
    assert authenticate(login_request(), username=mobile, password=DEMO_PASSWORD) == applicant
    # Mobiles are unique and all set.
    assert User.objects.filter(mobile_index__isnull=True).count() == 0
    assert User.objects.values("mobile_index").distinct().count() == User.objects.count()


def test_accounts_are_where_the_readme_says(seeded):
    users = {u.username: u for u in User.objects.select_related("organization", "district")}
    assert users["bureau"].has_role(Role.BUREAU_OFFICER)
    for username, code in (("district_tianshan", "650102"), ("district_gaoxin", "650104")):
        officer = users[username]
        assert officer.has_role(Role.DISTRICT_OFFICER)
        assert officer.district.code == code and officer.organization is None
    admin = users["unit_admin"]
    assert admin.has_role(Role.ORG_ADMIN) and admin.has_role(Role.APPLICANT)
    unit = admin.organization
    assert unit.kind == OrgKind.ENTERPRISE and unit.is_verified and unit.district.code == "650102"
    assert users["applicant"].organization == unit
    assert users["applicant"].account_state == AccountState.ACTIVE
    pending = users["applicant_pending"]
    assert pending.organization == unit and pending.account_state == AccountState.PENDING
    assert list(selectors.members_of(unit).filter(account_state=AccountState.PENDING)) == [pending]
    research = users["research_admin"]
    assert research.has_role(Role.ORG_ADMIN) and research.organization.is_verified
    assert research.organization.kind in {OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE}
    assert users["expert"].has_role(Role.EXPERT) and users["expert"].person.name == "赵志强"
    assert users["auditor"].has_role(Role.AUDITOR)
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(u.is_staff for name, u in users.items() if name != "admin")


def test_the_table_is_printed(seeded):
    rows = demo_accounts()
    assert [r[0] for r in rows] == [
        "bureau",
        "district_tianshan",
        "district_gaoxin",
        "unit_admin",
        "applicant",
        "applicant_pending",
        "research_admin",
        "expert",
        "auditor",
        "admin",
    ]
    assert {r[0]: r[1] for r in rows}["district_tianshan"] == "区县科技部门"
    assert {r[0]: r[2] for r in rows}["district_gaoxin"] == "新市区（高新区）科技局"
    for username, label, where in rows:
        line = next(line for line in seeded.splitlines() if line.startswith(username + " "))
        assert label in line and where in line and DEMO_PASSWORD in line


def test_units_have_valid_codes_and_a_realistic_mix(seeded):
    units = list(Organization.objects.all())
    assert all(is_valid_uscc(u.uscc) for u in units)
    by_kind = {
        row["kind"]: row["n"] for row in Organization.objects.values("kind").annotate(n=Count("id"))
    }
    assert set(by_kind) == set(OrgKind.values)
    assert all(n >= 9 for n in by_kind.values()), by_kind
    out_of_city = [u for u in units if u.district_id is None]
    assert {u.kind for u in out_of_city} >= {OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE}
    assert all(u.registered_in_city_on is None for u in out_of_city)
    assert all(u.uscc[2:4] != "65" for u in out_of_city)
    local = [u for u in units if u.district_id is not None]
    assert all(u.uscc[2:6] == "6501" and u.registered_in_city_on for u in local)
    states = {
        row["verification_state"]: row["n"]
        for row in Organization.objects.values("verification_state").annotate(n=Count("id"))
    }
    assert states[VerificationState.VERIFIED] > 60
    assert 2 <= states[VerificationState.PENDING] <= 6
    rejected = Organization.objects.get(verification_state=VerificationState.REJECTED)
    assert rejected.verification_reason
    # Contact phones are encrypted and masked.
    assert all(u.contact_phone and "****" in u.contact_phone_masked for u in units)
    assert raw_rows("SELECT contact_phone FROM orgs_organization LIMIT 1")[0][0].startswith("v1:")


def test_tech_certifications(seeded):
    today = clock.today()
    certified = Organization.objects.exclude(tech_certification="")
    assert certified.filter(tech_certification="high_tech").count() >= 3
    assert certified.filter(tech_certification="tech_sme").count() >= 2
    assert all(o.tech_certificate_number and o.tech_certificate_valid_until for o in certified)
    assert org("zhixin").holds_tech_certification_on(today)
    assert not org("tianrun").holds_tech_certification_on(today)  # expired a month ago


def test_a_unit_registered_less_than_a_year_ago(seeded):
    young = org("xinrui_h2")
    assert young.kind == OrgKind.ENTERPRISE and young.is_local and young.is_verified
    assert clock.today() - dt.timedelta(days=365) < young.registered_in_city_on <= clock.today()
    assert not org("tianshan_branch").is_independent_legal_person


def test_persons_have_valid_encrypted_id_numbers(seeded):
    persons = list(Person.objects.all())
    assert len(persons) >= 20
    for person in persons:
        assert is_valid_id_number(person.id_number), person.name
        assert person.id_masked == mask_id_number(person.id_number)
        assert person.id_index == blind_index(person.id_number)
        assert person.organization_id is not None
    stored = raw_rows("SELECT id_number FROM orgs_person")
    assert all(value.startswith("v1:") and not value[3:].isdigit() for (value,) in stored)


def test_equity_chain_between_issuer_and_solver(seeded):
    issuer, solver = org("tianshan_group"), org("zhixin")
    assert issuer.kind == OrgKind.ENTERPRISE and issuer.is_local
    assert solver.holds_tech_certification_on(clock.today())
    assert not OrgRelation.objects.filter(
        Q(subject=issuer, object=solver) | Q(subject=solver, object=issuer)
    ).exists()
    chain = selectors.relation_chain(issuer.pk, solver.pk)
    assert len(chain) == 2
    assert [r.kind for r in chain] == [RelationKind.SHAREHOLDING, RelationKind.SHAREHOLDING]
    assert chain[0].subject == issuer and chain[1].object == solver
    assert OrgRelation.objects.filter(kind=RelationKind.SUBORDINATE).count() >= 2


def test_credit_records_for_each_restriction(seeded):
    today = clock.today()
    three_years_ago = today.replace(year=today.year - 3)
    serious = CreditRecord.objects.get(
        organization=org("silu_cloud"), kind=CreditKind.SERIOUS_DISHONESTY
    )
    assert three_years_ago < serious.decided_on < today
    old = CreditRecord.objects.get(organization=org("zhongtai"))
    assert old.decided_on < three_years_ago  # outside the look-back

    in_force = CreditRecord.objects.get(person__name="周文斌")
    assert in_force.kind == CreditKind.RESEARCH_MISCONDUCT and in_force.bars_city_fiscal_projects
    assert in_force.penalty_start <= today <= in_force.penalty_end

    ended = CreditRecord.objects.get(person__name="郑丽")
    assert ended.kind == CreditKind.RESEARCH_MISCONDUCT and ended.bars_city_fiscal_projects
    assert ended.penalty_end == today - dt.timedelta(days=1)


def test_city_project_history_for_each_limit(seeded):
    today = clock.today()
    ongoing = {
        row["organization"]: row["n"]
        for row in ongoing_rnd(CityProject.objects).values("organization").annotate(n=Count("id"))
    }
    assert ongoing[org("kunlun").pk] == 3  # at the limit: passes LIM-UNIT-ONGOING
    assert ongoing[org("hengyuan").pk] == 4  # over it: fails
    # Non-R&D and accepted projects of the "exactly 3" unit exist but do not count.
    assert CityProject.objects.filter(organization=org("kunlun")).count() == 5

    overdue = CityProject.objects.exclude(status=CityProjectStatus.ACCEPTED).filter(
        planned_end__lt=today - dt.timedelta(days=365)
    )
    assert org("beiting").pk in set(overdue.values_list("organization", flat=True))
    assert not overdue.filter(organization__in=[org("kunlun"), org("hengyuan"), org("xuefeng")])

    accepted = CityProject.objects.filter(status=CityProjectStatus.ACCEPTED)
    assert accepted.count() >= 4 and all(p.accepted_on for p in accepted)
    # Imported history, plus the mirrors of the demo projects initiated on the platform.
    platform = CityProject.objects.exclude(source="imported")
    assert set(platform.values_list("source", flat=True)) <= {"platform"}
    assert sorted(platform.values_list("code", flat=True)) == sorted(
        apps.get_model("projects", "Project").objects.values_list("code", flat=True)
    )

    def load(name):
        return (
            CityProjectPrincipal.objects.filter(
                person__name=name,
                position__lte=3,
                project__status=CityProjectStatus.ONGOING,
                project__is_rnd=True,
            )
            .values("project")
            .distinct()
            .count()
        )

    assert load("王志刚") == 2  # at the LIM-PERSON-LOAD limit
    assert load("李晓燕") == 1
    assert CityProjectPrincipal.objects.filter(person__name="马建军", position=4).exists()
    # Principals are numbered 1..n without gaps.
    for project in CityProject.objects.prefetch_related("principals"):
        positions = [p.position for p in project.principals.all()]
        assert positions == list(range(1, len(positions) + 1))


def test_the_demo_applicants_unit_passes_every_limit(seeded):
    unit = org("xuefeng")
    assert ongoing_rnd(unit.city_projects).count() <= 3
    assert not unit.credit_records.exists()
    assert not unit.city_projects.exclude(status=CityProjectStatus.ACCEPTED).filter(
        planned_end__lt=clock.today() - dt.timedelta(days=365)
    )
    assert unit.registered_in_city_on < clock.today() - dt.timedelta(days=365)


def test_admin_pages_render_seeded_data_without_raw_personal_data(seeded, client):
    client.force_login(User.objects.get(username="admin"))
    for model in (
        Organization,
        User,
        Person,
        District,
        OrgRelation,
        CreditRecord,
        CityProject,
        Call,
        Industry,
        AuditEntry,
    ):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url

    person = Person.objects.get(name="王志刚")
    for url in (
        reverse("admin:orgs_person_changelist"),
        reverse("admin:orgs_person_change", args=[person.pk]),
    ):
        page = client.get(url).content.decode()
        assert person.id_masked in page
        assert person.id_number not in page

    applicant = User.objects.get(username="applicant")
    page = client.get(reverse("admin:orgs_user_change", args=[applicant.pk])).content.decode()
    assert applicant.mobile_masked in page and applicant.mobile not in page

    call = Call.objects.get(year=2024)
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    for legend in (
        "申报时间窗口",
        "投入与周期",
        "申报资格与限制",
        "赛马制",
        "专家评审",
        "公示",
        "资金拨付",
        "项目管理",
    ):
        assert legend in page

    # Adding an account starts from the username and password only.
    assert client.get(reverse("admin:orgs_user_add")).status_code == 200

    # The audit log is read-only in the admin.
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403


def test_admin_edits_personal_data_only_through_the_helpers(seeded, client):
    superuser = User.objects.get(username="admin")
    client.force_login(superuser)

    # A new mobile for a seeded account: encrypted, indexed, masked, audited by field name.
    user = User.objects.get(username="applicant")
    url = reverse("admin:orgs_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "password"
    }
    data.update(
        groups=[g.pk for g in user.groups.all()],
        user_permissions=[],
        organization=user.organization_id,
        district="",
        new_mobile="13912345678",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.mobile == "13912345678" and user.mobile_masked == "139****5678"
    assert user.mobile_index == blind_index("13912345678")
    assert authenticate(login_request(), username="13912345678", password=DEMO_PASSWORD) == user
    entry = AuditEntry.objects.get(action="admin.changed", target_id=str(user.pk))
    assert entry.data == {"fields": ["new_mobile"]} and "13912345678" not in str(entry.data)

    # A mobile already used by another account is refused.
    data["new_mobile"] = next(a.mobile for a in ACCOUNTS if a.username == "bureau")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "该手机号码已被其他账号使用" in response.content.decode()

    # A unit and a district at once violate the account constraint.
    data.update(new_mobile="", district=District.objects.get(code="650102").pk)
    response = client.post(url, data)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.district_id is None

    # A person added in the admin: the ID number is validated, encrypted and masked.
    add_url = reverse("admin:orgs_person_add")
    response = client.post(add_url, {"name": "测试人", "new_id_number": "650102198001010011"})
    assert response.status_code == 200 and "校验位不正确" in response.content.decode()
    existing = Person.objects.get(name="王志刚")
    response = client.post(add_url, {"name": "重复人", "new_id_number": existing.id_number})
    assert "已登记" in response.content.decode()
    new_id = "65010219800101001" + id_check_digit("65010219800101001")
    response = client.post(add_url, {"name": "测试人", "new_id_number": new_id, "new_phone": ""})
    assert response.status_code == 302
    person = Person.objects.get(name="测试人")
    assert person.id_number == new_id and person.id_index == blind_index(new_id)
    assert person.id_masked == mask_id_number(new_id)


# ---------------------------------------------------------------------------------------
# The demo call's demands (`_seed_demands`), seeded through the demand services
# ---------------------------------------------------------------------------------------


def demo_call() -> Call:
    return Call.objects.get(name=DEMO_CALL_NAME, is_active=True)


def demo_demands():
    from jiebang.demands.models import Demand

    return Demand.objects.filter(call=demo_call()).select_related("organization__district")


def test_demo_demands_in_every_state_of_the_desks(seeded):
    from jiebang.demands.enums import DemandState as S
    from jiebang.demands.selectors import bureau_queue, district_queue

    demands = demo_demands()
    states = {row["state"]: row["n"] for row in demands.values("state").annotate(n=Count("id"))}
    assert {k: v for k, v in states.items() if k != S.PUBLISHED} == {
        S.DRAFT: 2,
        S.SUBMITTED: 2,
        S.RETURNED: 1,
        S.RECOMMENDED: 1,
        S.ACCEPTED: 1,
    }
    assert 6 <= states[S.PUBLISHED] <= 8
    assert 13 <= demands.count() <= 16
    # The drafts are the demo unit's; the submitted ones wait for 天山区.
    drafts = demands.filter(state=S.DRAFT)
    assert {d.organization.uscc for d in drafts} == {ORG_BY_KEY["xuefeng"].uscc}
    assert {d.category for d in drafts} == {"tech_breakthrough", "achievement_transfer"}
    tianshan = User.objects.get(username="district_tianshan")
    queue = list(district_queue(tianshan))
    assert len(queue) == 2 and all(d.organization.district.code == "650102" for d in queue)
    assert set(queue) == set(demands.filter(state=S.SUBMITTED))
    # Returned by the district with its reason; recommended waits for the bureau.
    returned = demands.get(state=S.RETURNED)
    assert returned.state_reason and returned.organization.district.code == "650102"
    event = returned.events.get(action="returned")
    assert event.actor == tianshan and event.reason == returned.state_reason
    assert demands.get(state=S.RECOMMENDED) in bureau_queue()
    # Every demand past the draft was submitted once, eligible, with a receipt.
    for demand in demands.exclude(state=S.DRAFT):
        version = demand.versions.get()
        assert demand.number and version.receipt_number == demand.number
        assert not [f for f in version.findings if f.get("blocks")], demand.title
        assert AuditEntry.objects.filter(action="demand.submitted", target_id=str(demand.pk))
    # Nobody is a principal of more than 2 counted applications of the year.
    from jiebang.demands.enums import NOT_COUNTED_STATES
    from jiebang.demands.models import DemandTeamMember

    load = (
        DemandTeamMember.objects.filter(position__lte=3, demand__call__year=demo_call().year)
        .exclude(demand__state__in=NOT_COUNTED_STATES)
        .values("person")
        .annotate(n=Count("demand", distinct=True))
    )
    assert max(row["n"] for row in load) <= 2


def test_the_demo_units_drafts_show_the_pre_check(seeded):
    from jiebang.demands import services as demand_services

    drafts = {d.category: d for d in demo_demands().filter(state="draft")}
    half_filled = drafts["tech_breakthrough"]
    blocking = {
        f.code for f in demand_services.precheck(half_filled, half_filled.created_by) if f.blocks
    }
    assert len(blocking) >= 4 and {"FUND-MIN", "TB-AUDIT-REPORTS"} <= blocking
    ready = drafts["achievement_transfer"]
    assert not [f for f in demand_services.precheck(ready, ready.created_by) if f.blocks]


def test_a_published_batch_that_the_portal_shows_and_finds(seeded):
    from jiebang.demands.models import PublicationBatch
    from jiebang.portal.search import matching_demand_ids
    from jiebang.portal.selectors import published_demands

    call = demo_call()
    batch = PublicationBatch.objects.get(call=call)
    assert batch.title == f"{call.year}年第一批揭榜挂帅榜单"
    deadline = clock.beijing(batch.solicitation_deadline)
    assert deadline.date() == clock.today() + dt.timedelta(days=30)
    assert deadline.time() == dt.time(17, 30)

    public = list(published_demands().filter(call=call).prefetch_related("routes"))
    assert 6 <= len(public) <= 8 and all(d.publication == batch for d in public)
    assert {d.category for d in public} == {"tech_breakthrough", "achievement_transfer"}
    districts = {d.organization.district.code if d.organization.district else None for d in public}
    assert len(districts) >= 3 and "650104" in districts
    race = [d for d in public if d.is_horse_race]
    assert race and all(d.routes.count() >= 2 for d in race)
    gaoxin = User.objects.get(username="district_gaoxin")
    assert any(
        d.events.filter(action="recommended", actor=gaoxin).exists()
        for d in public
        if d.organization.district and d.organization.district.code == "650104"
    )
    for demand in public:
        assert demand.versions.exists() and demand.search_document
        assert demand.events.filter(action="published").exists()
    found = matching_demand_ids("储能")
    assert set(found) & {d.pk for d in public}


def test_a_second_seed_creates_no_demands(seeded):
    from jiebang.demands.models import Demand, DemandAttachment, DemandVersion
    from jiebang.notices.models import Announcement

    def counts():
        return [
            m.objects.count()
            for m in (Demand, DemandVersion, DemandAttachment, Announcement, AuditEntry)
        ]

    before = counts()
    output = seed()
    assert counts() == before
    assert "新建0，已存在" in output


# ---------------------------------------------------------------------------------------
# The expert pool and the draft review round (`_seed_experts`)
# ---------------------------------------------------------------------------------------


def demo_round():
    from jiebang.review.models import ReviewRound

    call = demo_call()
    return ReviewRound.objects.get(call=call, title=f"{call.year}年度揭榜挂帅需求论证（第一组）")


def test_the_expert_pool_has_accounts_profiles_and_conflicts(seeded):
    from jiebang.orgs.management.commands._seed_accounts import demo_password_hash
    from jiebang.orgs.management.commands._seed_experts import EXPERTS
    from jiebang.review.conflict_selectors import relation_groups
    from jiebang.review.conflicts import ConflictCode, ItemFacts, conflicts_for
    from jiebang.review.models import ExpertProfile
    from jiebang.review.selectors import available_experts, expert_facts

    available = available_experts()
    assert len(available) >= 12 and ExpertProfile.objects.count() == len(EXPERTS)
    for expert in ExpertProfile.objects.select_related("person", "user", "organization"):
        user = expert.user
        assert user.has_role(Role.EXPERT) and user.account_state == AccountState.ACTIVE
        assert user.password == demo_password_hash()  # the demo password, like every account
        assert is_valid_id_number(expert.person.id_number)
        assert expert.person.user == user and user.organization is None
        assert expert.keywords and expert.bio and expert.title and expert.industries.exists()
        assert expert.display_unit
    # The `expert` demo account has a profile (its tasks show once the round opens).
    pool_user = available[-1].user
    assert (
        authenticate(login_request(), username=pool_user.username, password=DEMO_PASSWORD)
        == pool_user
    )
    demo_expert = User.objects.get(username="expert").expert_profile
    assert demo_expert.person.name == "赵志强" and demo_expert.organization == org("xju")
    # Mostly seeded units; two retirees with a unit name only.
    named_only = ExpertProfile.objects.filter(organization__isnull=True)
    assert named_only.count() == 2 and all(e.unit_name for e in named_only)
    kinds = set(ExpertProfile.objects.values_list("organization__kind", flat=True))
    assert {OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.ENTERPRISE} <= kinds
    assert {e.title for e in available} >= {"教授", "研究员", "正高级工程师"}
    # The pool covers the demands' topics.
    keywords = "、".join(ExpertProfile.objects.values_list("keywords", flat=True))
    for topic in ("风电", "主轴承", "光伏", "石英砂", "储能", "氢能", "煤化工", "医学影像"):
        assert topic in keywords, topic
    for topic in ("维吾尔医", "农残检测", "供水管网", "边缘计算"):
        assert topic in keywords, topic
    # Affiliations that make experts conflict with seeded issuers.
    by_name = {e.person.name: e for e in available}
    lookback = demo_call().conflict_lookback_years
    for name, issuer in (("付建伟", "tianshan_group"), ("许东升", "xju")):
        found = conflicts_for(
            expert_facts(by_name[name]),
            ItemFacts(item_id=1, applicant_unit_ids=frozenset({org(issuer).pk})),
            groups=relation_groups(),
            today=clock.today(),
            lookback_years=lookback,
        )
        assert [c.code for c in found] == [ConflictCode.AFFILIATION], name


def test_a_draft_review_round_over_the_accepted_demand(seeded):
    from jiebang.demands.enums import DemandState
    from jiebang.review.enums import RoundKind, RoundState
    from jiebang.review.services import validate_criteria

    review_round = demo_round()
    call = demo_call()
    assert review_round.state == RoundState.DRAFT and review_round.kind == RoundKind.DEMAND_REVIEW
    assert review_round.experts_per_item == 3 and review_round.blind
    assert review_round.criteria == validate_criteria(call.demand_review_criteria)
    assert review_round.created_by.username == "bureau"
    deadline = clock.beijing(review_round.deadline)
    assert deadline.date() == clock.today() + dt.timedelta(days=10)
    assert deadline.time() == dt.time(17, 30)
    accepted = set(demo_demands().filter(state=DemandState.ACCEPTED).values_list("pk", flat=True))
    items = list(review_round.items.all())
    assert len(items) >= 1 and {i.target_id for i in items} == accepted
    assert not review_round.assignments.exists()  # the bureau presses 自动分配专家


def test_auto_assign_on_the_seeded_pool_avoids_every_conflict(seeded):
    from jiebang.review import selectors
    from jiebang.review.conflicts import ConflictCode
    from jiebang.review.services import auto_assign

    review_round = demo_round()
    result = auto_assign(round_id=review_round.pk, by=User.objects.get(username="bureau"))
    assert not result.shortfalls
    experts = selectors.available_experts()
    conflicts = selectors.conflicts_in_round(review_round, experts)
    # The seeded conflicts with the accepted demand's issuer: same unit, a visiting post.
    codes = {(e, c.code) for (e, _item), found in conflicts.items() for c in found}
    names = {e.pk: e.person.name for e in experts}
    assert {(names[e], code) for e, code in codes} >= {
        ("程立伟", ConflictCode.SAME_UNIT),
        ("范文博", ConflictCode.AFFILIATION),
    }
    for item in review_round.items.prefetch_related("assignments__expert"):
        assignments = list(item.assignments.all())
        assert len(assignments) == 3
        assert not [a for a in assignments if (a.expert_id, item.pk) in conflicts]
        units = [a.expert.organization_id for a in assignments if a.expert.organization_id]
        assert len(units) == len(set(units))
    # The `expert` demo account is among them: logging in shows a task once the round opens.
    assert review_round.assignments.filter(expert__user__username="expert").exists()


def test_a_second_seed_creates_no_experts_or_rounds(seeded):
    from jiebang.review.models import (
        Assignment,
        ExpertAffiliation,
        ExpertProfile,
        ReviewItem,
        ReviewRound,
    )

    def state():
        return [
            list(m.objects.order_by("pk").values())
            for m in (ExpertProfile, ExpertAffiliation, ReviewRound, ReviewItem, Assignment)
        ]

    before = state()
    output = seed()
    assert state() == before
    assert "评审专家库：新建0" in output and "已存在，截止" in output
    assert not AuditEntry.objects.filter(action__startswith="review.")

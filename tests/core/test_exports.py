"""Excel exports of the lists (core.exports): the same rows as the filtered page, personal data
masked unless the exporter holds the right, every download audited, the list's permission
enforced, and long exports run as a job with progress and an owner-only download.

The rows are created directly (the exports only read them); the world is built once for the
module and rolled back at its end (see tests/projects/support.py).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.core.exports import run_export_job, start_export_job
from jiebang.core.masking import mask_id_number, mask_phone
from jiebang.core.models import Attachment, AuditEntry, ExportJob, ExportJobState
from jiebang.demands.models import Demand, DemandTeamMember
from jiebang.orgs.enums import Role
from jiebang.orgs.models import Person
from jiebang.projects.models import Disbursement, Project
from jiebang.proposals.models import ConsortiumMember, Proposal, ProposalTeamMember
from jiebang.review.models import Assignment, ExpertProfile, ReviewItem, ReviewRound, Score
from tests.factories import (
    CallFactory,
    DistrictFactory,
    OrganizationFactory,
    UserFactory,
    beijing,
    make_id_number,
)
from tests.projects.support import module_rows

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NOW = beijing(2024, 9, 10, 10, 0)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def person(n, org, phone=""):
    id_number = make_id_number(n, birth="19800101")
    return Person.objects.create(
        name=f"负责人{n}",
        id_number=id_number,
        id_index=blind_index(id_number),
        id_masked=mask_id_number(id_number),
        phone=phone,
        phone_masked=mask_phone(phone),
        organization=org,
    )


def demand(n, org, user, call, *, state, category="tech_breakthrough", title=None, number=True):
    submitted = None if state == "draft" else NOW - dt.timedelta(days=10 - n)
    phone = f"139876543{n:02d}"
    row = Demand.objects.create(
        call=call,
        organization=org,
        created_by=user,
        category=category,
        state=state,
        number=f"TB2024-{n:03d}" if number else None,
        title=title or f"风电叶片技术攻关需求{n}",
        total_investment=Decimal("5000000.50") + n,
        period_months=24,
        contact_name=f"联系人{n}",
        contact_phone=phone,
        contact_phone_masked=mask_phone(phone),
        created_at=NOW - dt.timedelta(days=20),
        updated_at=NOW - dt.timedelta(hours=n),
        submitted_at=submitted,
    )
    DemandTeamMember.objects.create(demand=row, position=1, person=person(n, org))
    return row


def proposal(n, target, lead, user, *, state):
    row = Proposal.objects.create(
        demand=target,
        lead=lead,
        created_by=user,
        state=state,
        number=f"JB2024-{n:03d}" if state != "draft" else None,
        budget_total=Decimal("3000000.00") + n,
        created_at=NOW - dt.timedelta(days=5),
        updated_at=NOW - dt.timedelta(hours=n),
        submitted_at=None if state == "draft" else NOW - dt.timedelta(days=4, hours=n),
    )
    ConsortiumMember.objects.create(
        proposal=row, organization=lead, position=1, role="lead", work_share=100
    )
    ProposalTeamMember.objects.create(
        proposal=row, position=1, person=person(100 + n, lead, phone=f"1380000{n:04d}")
    )
    return row


def project(code, prop, bureau, *, state, overdue_since=None):
    agreement = Attachment.objects.create(
        kind="agreement",
        original_name="协议.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        sm3="0" * 64,
        file=f"test/{code}.pdf",
        created_at=NOW,
    )
    return Project.objects.create(
        code=code,
        call=prop.demand.call,
        demand=prop.demand,
        proposal=prop,
        issuer=prop.demand.organization,
        solver=prop.lead,
        title=f"项目{code}",
        category="tech_breakthrough",
        state=state,
        contract_amount=Decimal("10000000.00"),
        total_investment=Decimal("12000000.00"),
        subsidy_ratio_percent=Decimal("30.00"),
        subsidy_cap=Decimal("3000000.00"),
        fiscal_total=Decimal("3000000.00"),
        instalment_plan=[],
        race_first_phase_cap_percent=Decimal("20.00"),
        start_on=dt.date(2024, 10, 1),
        planned_end=dt.date(2026, 9, 30),
        original_end=dt.date(2026, 9, 30),
        midterm_due_on=dt.date(2025, 10, 1),
        agreement_attachment=agreement,
        agreement_signed_on=dt.date(2024, 9, 20),
        initiated_by=bureau,
        initiated_at=NOW + dt.timedelta(days=int(code[-1])),
        updated_at=NOW,
        overdue_since=overdue_since,
    )


def disbursement(proj, trigger, amount, bureau, *, paid_on=None):
    return Disbursement.objects.create(
        project=proj,
        trigger=trigger,
        amount=Decimal(amount),
        state="paid" if paid_on else "approved",
        approved_by=bureau,
        approved_at=NOW + dt.timedelta(days=30),
        paid_on=paid_on,
    )


def build_world():
    call = CallFactory()
    d1, d2 = DistrictFactory(), DistrictFactory()
    org_a, org_b = OrganizationFactory(district=d1), OrganizationFactory(district=d2)
    solver = OrganizationFactory(district=d1)
    # The tests log in with force_login: no password to hash (argon2 costs ~0.4 s a user).
    w = {
        "applicant": UserFactory(organization=org_a, roles=[Role.APPLICANT], password=None),
        "solver_user": UserFactory(organization=solver, roles=[Role.APPLICANT], password=None),
        "district": UserFactory(district=d1, roles=[Role.DISTRICT_OFFICER], password=None),
        "bureau": UserFactory(roles=[Role.BUREAU_OFFICER], password=None),
        "auditor": UserFactory(roles=[Role.AUDITOR], password=None),
    }
    user_a = w["applicant"]
    w["draft"] = demand(1, org_a, user_a, call, state="draft", number=False, title="需求草稿")
    w["submitted"] = demand(2, org_a, user_a, call, state="submitted")
    w["recommended"] = demand(
        3,
        org_a,
        user_a,
        call,
        state="recommended",
        category="achievement_transfer",
        title="=SUM(1,2) 成果转化需求",
    )
    w["published"] = demand(4, org_a, user_a, call, state="published")
    w["other_district"] = demand(5, org_b, user_a, call, state="submitted")

    bureau = w["bureau"]
    p1 = proposal(1, w["published"], solver, w["solver_user"], state="submitted")
    p2 = proposal(2, w["published"], org_b, w["solver_user"], state="shortlisted")
    proposal(3, w["published"], solver, w["solver_user"], state="draft")
    w["p1"], w["p2"] = p1, p2
    x1 = project("XM2024-001", p1, bureau, state="in_progress")
    x2 = project("XM2024-002", p2, bureau, state="initiated", overdue_since=dt.date(2027, 10, 1))
    w["x1"], w["x2"] = x1, x2
    disbursement(x1, "initiation", "900000.00", bureau, paid_on=dt.date(2024, 10, 15))
    disbursement(x1, "midterm_passed", "1200000.00", bureau)
    disbursement(x2, "initiation", "900000.00", bureau)

    review_round = ReviewRound.objects.create(
        call=call,
        kind="demand_review",
        title="需求论证",
        experts_per_item=2,
        deadline=NOW + dt.timedelta(days=7),
        created_by=bureau,
        created_at=NOW,
    )
    w["round"] = review_round
    demand_type = ContentType.objects.get_for_model(Demand)
    items = [
        ReviewItem.objects.create(
            round=review_round, target_type=demand_type, target_id=d.pk, position=i
        )
        for i, d in enumerate([w["submitted"], w["recommended"]], 1)
    ]
    university = OrganizationFactory()
    experts = [
        ExpertProfile.objects.create(
            person=person(200 + i, university, phone=f"1370000{i:04d}"),
            organization=university,
            title="教授",
            created_at=NOW,
        )
        for i in range(2)
    ]
    for item in items:
        for index, expert in enumerate(experts):
            assignment = Assignment.objects.create(
                round=review_round,
                item=item,
                expert=expert,
                source="auto",
                affinity=0.5 + index / 10,
                state="submitted" if item.position == 1 and index == 0 else "assigned",
                created_at=NOW,
            )
            if assignment.state == "submitted":
                Score.objects.create(
                    assignment=assignment,
                    scores={},
                    total=Decimal("86.50"),
                    comment="方案可行",
                    recommendation="support",
                    submitted_at=NOW + dt.timedelta(days=1),
                )
    w["experts"] = experts
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_rows(django_db_blocker, tmp_path_factory):
        yield build_world()


def read_xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    # Reading the stream to its end closes the response (the test client's wrapper does it
    # with the database left open); closing it again would close PostgreSQL's connection.
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert all(c.font.b for c in sheet[1]), "header row is bold"
    rows = [
        dict(zip(header, values, strict=True)) for values in sheet.iter_rows(2, values_only=True)
    ]
    return sheet, header, rows


def export(client, user, url):
    client.force_login(user)
    return client.get(url)


def page_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["page"])


def last_download():
    return AuditEntry.objects.filter(action="export.downloaded").first()


# ---- demands ---------------------------------------------------------------------------------


def test_unit_demand_list_export_matches_the_page_and_masks_personal_data(client, world):
    applicant = world["applicant"]
    sheet, header, rows = read_xlsx(export(client, applicant, "/exports/demands.xlsx"))
    page = page_rows(client, "/demands/")
    assert [r["需求名称"] for r in rows] == [d.title for d in page]
    # The unit's four demands (not the other unit's), last modified first, drafts included.
    assert len(rows) == 4 and rows[0]["需求名称"] == "需求草稿"

    submitted = world["submitted"]
    row = next(r for r in rows if r["需求编号"] == submitted.number)
    leader_id = make_id_number(2, birth="19800101")
    assert row["负责人身份证号"] == mask_id_number(leader_id) != leader_id
    assert row["负责人身份证号"].startswith("6501") and "*" in row["负责人身份证号"]
    assert row["联系电话"] == "139****4302"
    assert row["状态"] == "已提交" and row["需求类别"] == "技术攻关类"
    assert row["项目投入总额（元）"] == 5000002.5
    # Money as a number with two decimals; datetimes as dates (Beijing wall-clock time).
    money = sheet.cell(row=rows.index(row) + 2, column=header.index("项目投入总额（元）") + 1)
    assert money.number_format == "#,##0.00"
    assert row["提交时间"] == clock.beijing(submitted.submitted_at).replace(tzinfo=None)
    assert isinstance(row["提交时间"], dt.datetime)
    draft = next(r for r in rows if r["需求名称"] == "需求草稿")
    assert draft["需求编号"] is None and draft["提交时间"] is None

    entry = last_download()
    assert entry.actor == applicant
    assert entry.data == {
        "export": "demands",
        "filters": {},
        "rows": 4,
        "masked": True,
        "job": None,
    }
    assert "本单位需求" in entry.summary and "4 行" in entry.summary


def test_district_desk_export_uses_the_desk_filters_and_scope(client, world):
    officer = world["district"]
    _, _, rows = read_xlsx(export(client, officer, "/exports/district-demands.xlsx"))
    # Default queue: submitted demands of the officer's district only.
    assert [r["需求编号"] for r in rows] == [world["submitted"].number]
    assert rows[0]["联系电话"] == "139****4302"  # a district officer gets masked data

    sheet, header, rows = read_xlsx(
        export(client, officer, "/exports/district-demands.xlsx?state=all&page=2")
    )
    page = page_rows(client, "/district/demands/?state=all")
    assert [r["需求编号"] for r in rows] == [d.number for d in page]
    assert {r["需求编号"] for r in rows} == {
        world["submitted"].number,
        world["recommended"].number,
        world["published"].number,
    }
    # A title typed as a formula stays text.
    index = next(i for i, r in enumerate(rows) if r["需求编号"] == world["recommended"].number)
    cell = sheet.cell(row=index + 2, column=header.index("需求名称") + 1)
    assert cell.data_type == "s" and cell.value == "=SUM(1,2) 成果转化需求"

    _, _, rows = read_xlsx(
        export(
            client,
            officer,
            "/exports/district-demands.xlsx?state=all&category=achievement_transfer",
        )
    )
    assert [r["需求编号"] for r in rows] == [world["recommended"].number]
    assert last_download().data["filters"] == {"state": "all", "category": "achievement_transfer"}


def test_bureau_desk_export_for_an_auditor_is_unmasked(client, world):
    auditor = world["auditor"]
    url = "?state=all&category=tech_breakthrough"
    _, _, rows = read_xlsx(export(client, auditor, "/exports/bureau-demands.xlsx" + url))
    page = page_rows(client, "/bureau/demands/" + url)
    assert [r["需求编号"] for r in rows] == [d.number for d in page]
    assert len(rows) == 3  # drafts and the 成果转化 demand are not on the page
    row = next(r for r in rows if r["需求编号"] == world["submitted"].number)
    assert row["负责人身份证号"] == make_id_number(2, birth="19800101")
    assert row["联系电话"] == "13987654302"
    entry = last_download()
    assert entry.actor == auditor and entry.data["masked"] is False and entry.data["rows"] == 3
    assert "含未脱敏个人信息" in entry.summary


@pytest.mark.parametrize(
    ("who", "one_row", "more_rows"),
    [
        ("auditor", "bureau-demands.xlsx?state=recommended", "bureau-demands.xlsx?state=all"),
        ("district", "district-demands.xlsx", "district-demands.xlsx?state=all"),
        ("bureau", "selection-proposals.xlsx?state=shortlisted", "selection-proposals.xlsx"),
        ("bureau", "projects.xlsx?q=XM2024-001", "projects.xlsx"),
        ("bureau", "disbursements.xlsx?trigger=midterm_passed", "disbursements.xlsx"),
    ],
)
def test_export_query_count_does_not_grow_with_rows(client, world, who, one_row, more_rows):
    """No column reads a field the export did not load (that would be a query per row)."""
    client.force_login(world[who])
    counts = []
    for url in (one_row, more_rows):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/exports/" + url)
            rows = (
                len(
                    list(
                        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.rows
                    )
                )
                - 1
            )
        counts.append((len(queries), rows))
    assert counts[0][1] == 1 < counts[1][1], counts
    assert counts[0][0] == counts[1][0], counts


# ---- proposals, review, projects, disbursements -----------------------------------------------


def test_selection_desk_export_matches_the_page(client, world):
    bureau = world["bureau"]
    _, _, rows = read_xlsx(export(client, bureau, "/exports/selection-proposals.xlsx"))
    page = page_rows(client, "/bureau/selection/")
    assert [r["揭榜编号"] for r in rows] == [p.number for p in page]
    assert {r["揭榜编号"] for r in rows} == {world["p1"].number, world["p2"].number}
    p1 = next(r for r in rows if r["揭榜编号"] == world["p1"].number)
    assert p1["负责人电话"] == "13800000001"  # bureau officers hold the right
    assert p1["预算总额（元）"] == 3000001 and p1["榜单名称"] == world["published"].title

    _, _, rows = read_xlsx(
        export(client, bureau, "/exports/selection-proposals.xlsx?state=shortlisted")
    )
    assert [r["揭榜编号"] for r in rows] == [world["p2"].number]
    assert rows[0]["状态"] == "入围"


def test_own_proposals_export_is_masked_for_the_unit(client, world):
    solver_user = world["solver_user"]
    _, _, rows = read_xlsx(export(client, solver_user, "/exports/proposals.xlsx"))
    page = page_rows(client, "/proposals/")
    assert [r["揭榜编号"] for r in rows] == [p.number for p in page]
    assert len(rows) == 2  # its submitted proposal and its draft, not org B's
    p1 = next(r for r in rows if r["揭榜编号"] == world["p1"].number)
    assert p1["负责人电话"] == "138****0001"
    assert p1["负责人身份证号"] == mask_id_number(make_id_number(101, birth="19800101"))


def test_review_round_export_lists_assignments_and_scores(client, world):
    review_round = world["round"]
    url = f"/exports/review-assignments.xlsx?round={review_round.pk}"
    _, _, rows = read_xlsx(export(client, world["auditor"], url))
    assert len(rows) == 4
    assert [r["评审编号"] for r in rows] == [f"R{review_round.pk}-001"] * 2 + [
        f"R{review_round.pk}-002"
    ] * 2
    first = rows[0]  # best affinity first within an item, as on the round page
    assert first["专家"] == world["experts"][1].person.name and first["匹配度"] == 0.6
    scored = next(r for r in rows if r["总分"] is not None)
    assert scored["总分"] == 86.5 and scored["评审建议"] == "建议支持"
    assert scored["评审对象"] == world["submitted"].title
    assert scored["申报单位"] == world["submitted"].organization.name
    assert scored["专家身份证号"] == make_id_number(200, birth="19800101")
    assert scored["专家电话"] == "13700000000"
    assert last_download().data["filters"] == {"round": str(review_round.pk)}

    client.force_login(world["auditor"])
    assert client.get("/exports/review-assignments.xlsx?round=999999").status_code == 404


def test_project_list_export_matches_the_page(client, world):
    solver_user = world["solver_user"]
    sheet, header, rows = read_xlsx(export(client, solver_user, "/exports/projects.xlsx"))
    page = page_rows(client, "/projects/")
    assert [r["项目编号"] for r in rows] == [p.code for p in page] == [world["x1"].code]
    row = rows[0]
    assert row["已拨付（元）"] == 900000 and row["财政资助总额（元）"] == 3000000
    assert row["计划结束日期"] == dt.datetime(2026, 9, 30)  # a date cell
    assert sheet.cell(row=2, column=header.index("计划结束日期") + 1).is_date
    assert row["负责人电话"] == "138****0001"

    bureau = world["bureau"]
    _, _, rows = read_xlsx(export(client, bureau, "/exports/projects.xlsx?overdue=1"))
    assert [r["项目编号"] for r in rows] == [
        p.code for p in page_rows(client, "/projects/?overdue=1")
    ]
    assert [r["项目编号"] for r in rows] == [world["x2"].code]
    assert rows[0]["负责人身份证号"] == make_id_number(102, birth="19800101")

    _, _, rows = read_xlsx(export(client, bureau, "/exports/projects.xlsx?q=XM2024-001"))
    assert [r["项目编号"] for r in rows] == [world["x1"].code]


def test_disbursement_export_scoped_and_filtered(client, world):
    _, _, rows = read_xlsx(export(client, world["solver_user"], "/exports/disbursements.xlsx"))
    assert [(r["项目编号"], r["拨付节点"], r["状态"]) for r in rows] == [
        ("XM2024-001", "立项后", "已拨付"),
        ("XM2024-001", "中期评估合格（赛马制：继续支持）后", "已审批待拨付"),
    ]
    assert rows[0]["金额（元）"] == 900000 and rows[0]["拨付日期"] == dt.datetime(2024, 10, 15)

    bureau = world["bureau"]
    _, _, rows = read_xlsx(export(client, bureau, "/exports/disbursements.xlsx?state=approved"))
    assert [r["项目编号"] for r in rows] == ["XM2024-001", "XM2024-002"]
    _, _, rows = read_xlsx(
        export(
            client,
            bureau,
            f"/exports/disbursements.xlsx?trigger=initiation&call={world['x1'].call_id}",
        )
    )
    assert [r["项目编号"] for r in rows] == ["XM2024-001", "XM2024-002"]
    assert last_download().data["filters"] == {
        "trigger": "initiation",
        "call": str(world["x1"].call_id),
    }


# ---- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("district", "bureau-demands"),
        ("applicant", "district-demands"),
        ("applicant", "bureau-demands"),
        ("applicant", "selection-proposals"),
        ("applicant", "review-assignments"),
        ("bureau", "district-demands"),
    ],
)
def test_export_refused_without_the_list_permission(client, world, who, name):
    before = AuditEntry.objects.filter(action="export.downloaded").count()
    response = export(client, world[who], f"/exports/{name}.xlsx?round={world['round'].pk}")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="export.downloaded").count() == before


def test_export_needs_login_and_a_known_list(client, world):
    response = client.get("/exports/demands.xlsx")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert export(client, world["bureau"], "/exports/nothing.xlsx").status_code == 404


# ---- long exports as a job -------------------------------------------------------------------


def test_long_export_runs_as_a_job_with_progress_and_owner_only_download(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    settings.EXPORT_PROGRESS_EVERY = 1
    bureau = world["bureau"]
    client.force_login(bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/exports/bureau-demands.xlsx?state=all")
    job = ExportJob.objects.get(user=bureau)
    assert response.status_code == 302 and response["Location"] == f"/exports/jobs/{job.pk}/"
    assert job.state == ExportJobState.DONE
    assert (job.total, job.done, job.percent, job.masked) == (4, 4, 100, False)
    assert job.params == {"state": "all"}

    page = client.get(f"/exports/jobs/{job.pk}/")
    assert page.status_code == 200
    fragment = client.get(f"/exports/jobs/{job.pk}/progress/").content.decode()
    assert 'aria-valuenow="100"' in fragment and "hx-trigger" not in fragment
    assert f"/exports/jobs/{job.pk}/download/" in fragment

    _, _, rows = read_xlsx(client.get(f"/exports/jobs/{job.pk}/download/"))
    assert [r["需求编号"] for r in rows] == [
        d.number for d in page_rows(client, "/bureau/demands/?state=all")
    ]
    entry = last_download()
    assert entry.actor == bureau and entry.target_id == str(job.pk)
    assert entry.data["rows"] == 4 and entry.data["job"] == job.pk
    assert AuditEntry.objects.filter(action="export.queued", target_id=str(job.pk)).exists()

    other = world["auditor"]
    client.force_login(other)
    for suffix in ("", "progress/", "download/"):
        assert client.get(f"/exports/jobs/{job.pk}/{suffix}").status_code == 403


def test_queued_job_page_polls_until_finished(client, world, settings):
    """Without running its task the job stays queued: its fragment keeps polling."""
    officer = world["district"]
    from jiebang.core.exports import get_export

    job = start_export_job(
        export=get_export("district-demands"), user=officer, params={"state": "all"}
    )
    client.force_login(officer)
    fragment = client.get(f"/exports/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'aria-valuenow="0"' in fragment
    assert client.get(f"/exports/jobs/{job.pk}/download/").status_code == 404

    job = run_export_job(job.pk)
    assert job.state == ExportJobState.DONE and job.masked and job.done == 3
    _, _, rows = read_xlsx(client.get(f"/exports/jobs/{job.pk}/download/"))
    assert all("*" in r["负责人身份证号"] for r in rows)


def test_job_fails_when_the_exporter_lost_the_permission(world):
    officer = world["district"]
    from jiebang.core.exports import get_export

    job = start_export_job(export=get_export("district-demands"), user=officer, params={})
    officer.groups.remove(Group.objects.get(name=str(Role.DISTRICT_OFFICER)))
    job = run_export_job(job.pk)
    assert job.state == ExportJobState.FAILED and not job.file
    assert job.error == "您已无权导出该清单。"

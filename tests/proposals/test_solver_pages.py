"""The solver's pages: take a demand, the step editor with autosave and pre-check, the
submit, the receipt, withdrawal, the list — and who is refused."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.demands.models import RaceRoute
from jiebang.orgs.enums import Role, VerificationState
from jiebang.proposals import services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import (
    ConsortiumMember,
    IndicatorAnswer,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
)
from tests.factories import OrganizationFactory, UserFactory, make_id_number
from tests.helpers import pdf_upload
from tests.proposals.builders import complete_proposal, published_demand, solver, tech_enterprise

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
STEPS = ["plan", "consortium", "team", "indicators", "ip", "attachments", "submit"]


@pytest.fixture
def demand():
    return published_demand()


def edit_url(proposal, step):
    return f"/proposals/{proposal.pk}/edit/{step}/"


def test_every_step_renders_for_a_complete_proposal(client, demand):
    proposal, user, partner = complete_proposal(demand)
    client.force_login(user)
    pages = {}
    for step in STEPS:
        response = client.get(edit_url(proposal, step))
        assert response.status_code == 200
        pages[step] = response.content.decode()
        assert demand.title in pages[step] and 'aria-current="step"' in pages[step]
    assert "基于多光谱成像" in pages["plan"]
    assert partner.name in pages["consortium"] and partner.uscc in pages["consortium"]
    assert re.search(r'id="lead-share"[^>]*>60<', pages["consortium"])
    indicator = demand.indicators.first()
    assert (
        f"{indicator.name}（目标值：{indicator.target_value}{indicator.unit}）"
        in (pages["indicators"])
    )
    assert "识别准确率可达96%" in pages["indicators"]
    assert "ZL202210000002.3" in pages["ip"]
    assert pages["attachments"].count("plan.pdf") == 1
    assert "提交揭榜申请" in pages["submit"] and "disabled" not in re.search(
        r"<button[^>]*>提交揭榜申请", pages["submit"]
    ).group(0)
    panel = client.get(f"/proposals/{proposal.pk}/precheck/").content.decode()
    assert "可以提交" in panel and 'data-code="PRIORITY-INDUSTRY-ACADEMIA"' in panel


def test_take_from_the_detail_page_opens_the_editor_once(client, demand):
    lead, user = solver()
    client.force_login(user)
    detail = client.get(f"/hall/{demand.pk}/").content.decode()
    assert f'action="/hall/{demand.pk}/take/"' in detail
    response = client.post(f"/hall/{demand.pk}/take/")
    proposal = Proposal.objects.get(demand=demand, lead=lead)
    assert response["Location"] == edit_url(proposal, "plan")
    assert proposal.state == ProposalState.DRAFT
    assert list(proposal.members.values_list("organization_id", "work_share")) == [(lead.pk, 100)]
    # A second click reopens the draft instead of starting another one.
    again = client.post(f"/hall/{demand.pk}/take/")
    assert again["Location"] == edit_url(proposal, "plan")
    assert Proposal.objects.filter(demand=demand).count() == 1


def test_take_refusals_are_explained_on_the_detail_page(client, demand):
    # After the solicitation deadline.
    lead, user = solver()
    with time_machine.travel(demand.solicitation_deadline + dt.timedelta(seconds=1), tick=False):
        client.force_login(user)  # a session of that moment
        page = client.post(f"/hall/{demand.pk}/take/", follow=True).content.decode()
    assert "截止揭榜" in page and "本榜单揭榜征集已截止" in page
    # The issuer's own demand.
    issuer_user = UserFactory(organization=demand.organization, roles=[Role.APPLICANT])
    client.force_login(issuer_user)
    page = client.post(f"/hall/{demand.pk}/take/", follow=True).content.decode()
    assert "发榜单位不能揭自己的榜" in page
    # A unit not yet verified: no button, and a direct POST is explained.
    pending = OrganizationFactory(verification_state=VerificationState.PENDING)
    client.force_login(UserFactory(organization=pending, roles=[Role.APPLICANT]))
    detail = client.get(f"/hall/{demand.pk}/").content.decode()
    assert "/take/" not in detail and "尚未通过注册审核" in detail
    page = client.post(f"/hall/{demand.pk}/take/", follow=True).content.decode()
    assert "本单位尚未通过注册审核，审核通过后方可揭榜" in page
    # An expert has no unit: refused outright.
    client.force_login(UserFactory(roles=[Role.EXPERT]))
    assert client.post(f"/hall/{demand.pk}/take/").status_code == 403
    assert not Proposal.objects.exists()
    # Anonymous visitors are asked to log in.
    client.logout()
    detail = client.get(f"/hall/{demand.pk}/").content.decode()
    assert "/login/?next=" in detail and "/take/" not in detail


def test_autosave_saves_the_valid_part_and_reports_the_rest(client, demand):
    proposal, user, _partner = complete_proposal(demand)
    client.force_login(user)
    response = client.post(
        edit_url(proposal, "plan"),
        {"technical_plan": "改进后的方案：增加激光雷达。", "budget_total": "abc"},
        headers={"X-Autosave": "1"},
    )
    text = response.content.decode()
    assert re.search(r"已自动保存 \d\d:\d\d:\d\d（1 处待修改", text)
    assert response["HX-Trigger"] == "proposal-saved"
    proposal.refresh_from_db()
    assert proposal.technical_plan == "改进后的方案：增加激光雷达。"
    assert str(proposal.budget_total) == "5000000.00"  # the invalid value was not saved


def test_autosave_of_the_consortium_updates_the_lead_share(client, demand):
    proposal, user, partner = complete_proposal(demand)
    client.force_login(user)
    response = client.post(
        edit_url(proposal, "consortium"),
        {
            "member-TOTAL_FORMS": "1",
            "member-INITIAL_FORMS": "1",
            "member-0-uscc": partner.uscc,
            "member-0-work_share": "25",
            "member-0-tasks": "样机研制",
        },
        headers={"X-Autosave": "1"},
    )
    text = response.content.decode()
    assert "已自动保存" in text and re.search(r'id="lead-share"[^>]*>75<', text)
    assert ConsortiumMember.objects.get(proposal=proposal, position=1).work_share == 75


def test_a_bad_id_number_keeps_the_input_and_changes_nothing(client, demand):
    proposal, user, _partner = complete_proposal(demand)
    before = list(proposal.team.values_list("person_id", flat=True))
    client.force_login(user)
    response = client.post(
        edit_url(proposal, "team"),
        {
            "team-TOTAL_FORMS": "1",
            "team-INITIAL_FORMS": "0",
            "team-0-name": "新负责人",
            "team-0-id_number": "650102198001010000",
            "team-0-title": "教授",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "居民身份证号校验位不正确" in page and "新负责人" in page
    assert "650102198001010000" in page
    assert list(proposal.team.values_list("person_id", flat=True)) == before


def test_saved_ids_are_never_sent_back_and_only_this_teams_people_can_be_kept(client, demand):
    proposal, user, _partner = complete_proposal(demand)
    other, other_user, _ = complete_proposal(demand, team_start=950)
    client.force_login(user)
    page = client.get(edit_url(proposal, "team")).content.decode()
    rows = list(proposal.team.select_related("person").order_by("position"))
    assert rows[0].person.id_number not in page and rows[0].person.id_masked in page
    data = {"team-TOTAL_FORMS": "3", "team-INITIAL_FORMS": "3"}
    for i, m in enumerate(rows):
        data.update(
            {
                f"team-{i}-name": m.person.name,
                f"team-{i}-kept_person": m.person_id,
                f"team-{i}-id_number": "",
            }
        )
    data["team-2-DELETE"] = "on"
    assert client.post(edit_url(proposal, "team"), data).status_code == 302
    assert list(proposal.team.order_by("position").values_list("person_id", flat=True)) == [
        m.person_id for m in rows[:2]
    ]
    stranger = other.team.get(position=1).person
    smuggled = {
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "冒用",
        "team-0-kept_person": stranger.pk,
    }
    response = client.post(edit_url(proposal, "team"), smuggled)
    assert "请填写居民身份证号" in response.content.decode()
    assert not proposal.team.filter(person=stranger).exists()


def test_consortium_step_checks_units_and_shares(client, demand):
    proposal, user, partner = complete_proposal(demand)
    client.force_login(user)

    def post(uscc, share):
        return client.post(
            edit_url(proposal, "consortium"),
            {
                "member-TOTAL_FORMS": "1",
                "member-INITIAL_FORMS": "1",
                "member-0-uscc": uscc,
                "member-0-work_share": share,
            },
        )

    unknown = "91650100999999999" + "X"
    page = post(unknown, "40").content.decode()
    assert "统一社会信用代码" in page and unknown in page
    page = post(partner.uscc, "100").content.decode()
    assert "99.99" in page  # the member cannot take the whole work
    page = post(proposal.lead.uscc, "30").content.decode()
    assert "牵头单位" in page and "无需作为成员重复填写" in page
    members = ConsortiumMember.objects.filter(proposal=proposal).order_by("position")
    assert [(m.organization_id, m.work_share) for m in members] == [
        (proposal.lead_id, 60),
        (partner.pk, 40),
    ]
    other = tech_enterprise()
    assert post(other.uscc, "35").status_code == 302
    assert [(m.organization_id, m.work_share) for m in members.all()] == [
        (proposal.lead_id, 65),
        (other.pk, 35),
    ]


def test_indicator_answers_and_horse_race_routes_of_this_demand_only(client, demand):
    lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    other = published_demand(title="储能电站热失控预警技术攻关", team_start=760)
    type(demand).objects.filter(pk=demand.pk).update(is_horse_race=True)
    mine = RaceRoute.objects.create(demand=demand, position=1, name="光纤测温路线")
    RaceRoute.objects.create(demand=demand, position=2, name="声发射路线")
    foreign = RaceRoute.objects.create(demand=other, position=1, name="别家路线")
    client.force_login(user)
    page = client.get(edit_url(proposal, "plan")).content.decode()
    assert "光纤测温路线" in page and "声发射路线" in page and "别家路线" not in page
    response = client.post(
        edit_url(proposal, "plan"), {"technical_plan": "方案", "route": foreign.pk}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).route_id is None
    client.post(edit_url(proposal, "plan"), {"technical_plan": "方案", "route": mine.pk})
    assert Proposal.objects.get(pk=proposal.pk).route_id == mine.pk

    indicator = demand.indicators.first()
    response = client.post(
        edit_url(proposal, "indicators"), {f"answer_{indicator.pk}": "识别准确率达到97%"}
    )
    assert response["Location"] == edit_url(proposal, "ip")
    assert IndicatorAnswer.objects.get(proposal=proposal).answer == "识别准确率达到97%"


def test_upload_is_checked_by_content_and_nothing_is_linked_on_refusal(client, demand):
    lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    client.force_login(user)
    fake = pdf_upload(name="技术方案.pdf", content=b"MZ\x90\x00 not a pdf at all")
    response = client.post(f"/proposals/{proposal.pk}/attachments/", {"kind": "plan", "file": fake})
    assert response.status_code == 400
    assert "内容不是允许的类型" in response.content.decode()
    assert not ProposalAttachment.objects.filter(proposal=proposal).exists()
    response = client.post(
        f"/proposals/{proposal.pk}/attachments/",
        {"kind": "commit_unit", "file": pdf_upload("承诺书.pdf")},
        follow=True,
    )
    assert "已上传：承诺书.pdf（单位诚信承诺书）" in response.content.decode()
    assert ProposalAttachment.objects.get(proposal=proposal).kind == "commit_unit"


def test_other_units_get_404_and_the_issuer_cannot_edit(client, demand):
    proposal, user, partner = complete_proposal(demand)
    outsider = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    issuer = UserFactory(organization=demand.organization, roles=[Role.APPLICANT])
    member = UserFactory(organization=partner, roles=[Role.APPLICANT])
    urls = [edit_url(proposal, "plan"), f"/proposals/{proposal.pk}/precheck/"]
    for who in (outsider, issuer):  # the issuer does not see drafts
        client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(f"/proposals/{proposal.pk}/submit/").status_code == 404
        assert client.post(edit_url(proposal, "plan"), {"technical_plan": "x"}).status_code == 404
    client.force_login(member)  # a consortium member sees it but only the lead edits
    assert client.get(edit_url(proposal, "plan")).status_code == 403
    assert client.post(f"/proposals/{proposal.pk}/withdraw/", {"reason": "不做"}).status_code == 403
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    client.force_login(issuer)  # submitted: visible to the issuer, still not editable
    assert client.get(edit_url(proposal, "plan")).status_code == 403
    assert client.post(edit_url(proposal, "plan"), {"technical_plan": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.get(f"/proposals/{proposal.pk}/receipt/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert proposal.technical_plan.startswith("基于多光谱成像")


def test_a_refused_submit_shows_every_finding_and_changes_nothing(client, demand):
    lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    client.force_login(user)
    page = client.get(edit_url(proposal, "submit")).content.decode()
    assert re.search(r"<button[^>]*disabled[^>]*>提交揭榜申请", page)
    page = client.post(f"/proposals/{proposal.pk}/submit/", follow=True).content.decode()
    assert "揭榜申请不符合条件，未提交" in page
    assert "<code>SOLVER-PLAN</code>" in page and "<code>SOLVER-IP</code>" in page
    assert "依据：申报指南 二（三）3" in page
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT and proposal.number is None
    assert not ProposalVersion.objects.exists()
    panel = client.get(f"/proposals/{proposal.pk}/precheck/").content.decode()
    assert f'href="{edit_url(proposal, "ip")}"' in panel  # SOLVER-IP is fixed on the IP step


def test_submit_lands_on_the_receipt_and_a_double_submit_does_nothing(client, demand):
    proposal, user, _partner = complete_proposal(demand)
    client.force_login(user)
    first = client.post(f"/proposals/{proposal.pk}/submit/")
    assert first["Location"] == f"/proposals/{proposal.pk}/receipt/"
    second = client.post(f"/proposals/{proposal.pk}/submit/", follow=True)
    page = second.content.decode()
    assert "无需重复提交" in page
    proposal.refresh_from_db()
    version = proposal.versions.get()
    assert re.search(rf"JB-{demand.call.year}-PTB-\d{{6}}", page) and proposal.number in page
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）", page)
    assert version.digest in page and len(version.digest) == 64
    assert "单位诚信承诺书" in page  # attachments listed with their labels


def test_withdraw_needs_a_reason(client, demand):
    proposal, user, _partner = complete_proposal(demand)
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    client.force_login(user)
    client.post(f"/proposals/{proposal.pk}/withdraw/", {"reason": ""})
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.SUBMITTED
    response = client.post(
        f"/proposals/{proposal.pk}/withdraw/", {"reason": "团队调整"}, follow=True
    )
    assert "揭榜申请已撤回" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN and proposal.state_reason == "团队调整"


def test_my_proposals_list_shows_lead_and_member_rows_with_constant_queries(client, demand):
    lead, user = solver()
    client.force_login(user)
    services.create_proposal(demand=demand, org=lead, by=user)
    with CaptureQueriesContext(connection) as one:
        page = client.get("/proposals/").content.decode()
    assert demand.title in page and 'data-state="draft"' in page and "state-draft" in page
    # A second proposal led by this unit, and one where it is a consortium member.
    services.create_proposal(demand=demand, org=lead, by=user)
    other_lead, other_user = solver()
    theirs = services.create_proposal(demand=demand, org=other_lead, by=other_user)
    services.set_members(
        proposal=theirs, by=other_user, members=[{"uscc": lead.uscc, "work_share": "30"}]
    )
    with CaptureQueriesContext(connection) as three:
        page = client.get("/proposals/").content.decode()
    assert page.count("data-proposal=") == 3 and "联合体成员" in page
    assert len(one.captured_queries) == len(three.captured_queries)
    # Other units' proposals are not listed.
    client.force_login(UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]))
    assert "data-proposal=" not in client.get("/proposals/").content.decode()


def test_team_step_saves_new_people(client, demand):
    lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    client.force_login(user)
    response = client.post(
        edit_url(proposal, "team"),
        {
            "team-TOTAL_FORMS": "2",
            "team-INITIAL_FORMS": "0",
            "team-0-name": "负责人甲",
            "team-0-id_number": make_id_number(31, birth="19800808"),
            "team-1-name": "成员乙",
            "team-1-id_number": make_id_number(32, birth="19900909"),
        },
    )
    assert response["Location"] == edit_url(proposal, "indicators")
    assert list(proposal.team.values_list("person__name", flat=True)) == ["负责人甲", "成员乙"]


def test_rows_autosaved_before_the_final_save_are_kept(client, demand):
    """The page still counts an autosaved new row as an extra row: it must not be dropped."""
    lead, user = solver()
    proposal = services.create_proposal(demand=demand, org=lead, by=user)
    partner = tech_enterprise()
    client.force_login(user)
    data = {
        "member-TOTAL_FORMS": "1",
        "member-INITIAL_FORMS": "0",
        "member-0-uscc": partner.uscc,
        "member-0-work_share": "40",
    }
    client.post(edit_url(proposal, "consortium"), data, headers={"X-Autosave": "1"})
    assert client.post(edit_url(proposal, "consortium"), data).status_code == 302
    assert list(proposal.members.values_list("organization_id", "work_share")) == [
        (lead.pk, 60),
        (partner.pk, 40),
    ]


def test_an_untouched_blank_ip_row_is_ignored(client, demand):
    proposal, user, _partner = complete_proposal(demand)
    item = proposal.ip_items.get()
    client.force_login(user)
    page = client.get(edit_url(proposal, "ip")).content.decode()
    assert 'name="ip-1-kind"' in page  # the blank extra row offered by the page
    response = client.post(
        edit_url(proposal, "ip"),
        {
            "perf-TOTAL_FORMS": "1",
            "perf-INITIAL_FORMS": "0",
            "ip-TOTAL_FORMS": "2",
            "ip-INITIAL_FORMS": "1",
            "ip-0-kind": item.kind,
            "ip-0-number": item.number,
            "ip-0-owner": item.owner,
            "ip-0-legal_status": "已转让",
            "ip-1-kind": "",
        },
    )
    assert response["Location"] == edit_url(proposal, "attachments")
    assert list(proposal.ip_items.values_list("number", "legal_status")) == [
        ("ZL202210000002.3", "已转让")
    ]


def test_prior_performance_is_saved_at_most_five_per_type_and_a_wrong_upload_can_be_removed(client):
    from jiebang.proposals.models import PriorPerformance, ProposalAttachment
    from tests.proposals.builders import complete_proposal, published_demand

    demand = published_demand()
    proposal, user, _ = complete_proposal(demand)
    client.force_login(user)
    data = {
        "ip-TOTAL_FORMS": "1",
        "ip-INITIAL_FORMS": "1",
        "ip-0-kind": "invention_patent",
        "ip-0-number": "ZL1",
        "ip-0-owner": proposal.lead.name,
        "ip-0-legal_status": "有效",
        "perf-TOTAL_FORMS": "6",
        "perf-INITIAL_FORMS": "0",
    }
    for i in range(6):
        data.update(
            {
                f"perf-{i}-kind": "award",
                f"perf-{i}-title": f"科技进步奖{i}",
                f"perf-{i}-year": "2020",
            }
        )
    response = client.post(f"/proposals/{proposal.pk}/edit/ip/", data)
    assert "每类业绩最多填写5项" in response.content.decode()
    assert not PriorPerformance.objects.filter(proposal=proposal).exists()
    data["perf-TOTAL_FORMS"] = "5"
    assert client.post(f"/proposals/{proposal.pk}/edit/ip/", data).status_code == 302
    assert PriorPerformance.objects.filter(proposal=proposal, kind="award").count() == 5
    link = ProposalAttachment.objects.filter(proposal=proposal, kind="plan").get()
    response = client.post(f"/proposals/{proposal.pk}/attachments/{link.pk}/remove/", follow=True)
    assert "已移除该附件" in response.content.decode()
    assert not ProposalAttachment.objects.filter(pk=link.pk).exists()


def test_the_submit_step_shows_its_precheck_without_asking_for_it_again(client, demand):
    """The last step runs the pre-check once and shows the panel with it: in the deadline
    rush every applicant opens this page, so the panel is not fetched a second time."""
    proposal, user, _partner = complete_proposal(demand)
    client.force_login(user)
    precheck_url = f"/proposals/{proposal.pk}/precheck/"

    with CaptureQueriesContext(connection) as queries:
        page = client.get(edit_url(proposal, "submit")).content.decode()

    panel = page[page.index('id="precheck-panel"') :]
    assert "可以提交" in panel and 'data-code="PRIORITY-INDUSTRY-ACADEMIA"' in panel
    assert f'hx-get="{precheck_url}" hx-trigger="proposal-saved from:body"' in page
    assert f'hx-get="{precheck_url}" hx-trigger="load' not in page
    members_reads = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "proposals_consortiummember"')
    ]
    assert len(members_reads) == 1, "the proposal is loaded for the check once"
    other_step = client.get(edit_url(proposal, "plan")).content.decode()
    assert f'hx-get="{precheck_url}" hx-trigger="load, proposal-saved from:body"' in other_step


def test_a_consortium_member_sees_each_proposal_once_in_its_list(client, demand):
    proposal, user, partner = complete_proposal(demand)
    second, second_user, _partner = complete_proposal(demand, partner=partner, team_start=950)
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    services.submit_proposal(proposal_id=second.pk, by=second_user)
    partner_user = UserFactory(organization=partner, roles=[Role.APPLICANT])
    client.force_login(partner_user)

    page = client.get("/proposals/").content.decode()

    receipts = re.findall(r'href="/proposals/(\d+)/receipt/"', page)
    assert sorted(receipts) == sorted([str(proposal.pk), str(second.pk)])

"""Browser, the whole 揭榜 chain: a solver finds a published demand by search and submits a
proposal with a two-member consortium; the issuer records a meeting and the agreement; the
bureau confirms eligibility, the review shortlists it, the selection goes on public notice
(公示) for the call's working days, and 开榜 is announced publicly."""

import datetime as dt

import pytest
import time_machine

from jiebang.core import clock
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.notices.models import CalendarDay, PublicNotice
from jiebang.orgs.enums import Role
from jiebang.proposals import selection
from jiebang.proposals.enums import ProposalState
from tests.e2e.conftest import login, logout
from tests.e2e.test_proposal_submission import take_and_submit
from tests.factories import UserFactory
from tests.helpers import pdf_file_on_disk
from tests.proposals.builders import published_demand, solver, tech_enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=clock.BEIJING)


def test_from_search_to_the_public_announcement(page, tmp_path):
    # Browser tests flush the seeded holidays: record the year the notice runs in.
    CalendarDay.objects.get_or_create(
        date=dt.date(2026, 10, 1), defaults={"kind": "holiday", "name": "国庆节"}
    )
    with time_machine.travel(START, tick=True) as traveller:
        demand = published_demand(title="风电机组叶片覆冰监测技术攻关")
        lead, user = solver(name="新疆某理工大学")
        partner = tech_enterprise(name="乌鲁木齐智感科技有限公司")
        issuer = demand.created_by
        bureau = UserFactory(username="bureau_sel", roles=[Role.BUREAU_OFFICER])

        # 1. The solver finds the demand and submits with its consortium partner.
        proposal, number = take_and_submit(page, tmp_path, demand, lead, user, partner)
        logout(page)

        # 2. The issuer records a site visit and the signed agreement.
        login(page, issuer.username)
        page.get_by_role("link", name="收到的揭榜申请").click()
        page.get_by_role("link", name=number).click()
        page.get_by_label("方式").select_option(label="实地考察")
        page.get_by_label("地点").fill("达坂城风电场")
        page.get_by_label("参加人员 *").fill("双方技术负责人")
        page.get_by_label("纪要 *").fill("现场查看叶片覆冰，确认识别准确率指标。")
        page.get_by_role("button", name="保存对接记录").click()
        page.get_by_text("已记录对接情况").wait_for()
        page.get_by_label("合同金额（元）*").fill("5200000")
        page.get_by_label("协议扫描件（PDF）*").set_input_files(
            str(pdf_file_on_disk(tmp_path, "协议.pdf"))
        )
        page.get_by_role("button", name="登记协议").click()
        page.get_by_test_id("agreement").filter(has_text="520.00 万元").wait_for()
        logout(page)

        # 3. The bureau confirms eligibility; the expert review (tested on its own) shortlists.
        login(page, bureau.username)
        page.goto(f"/desk/proposals/{proposal.pk}/")
        page.get_by_role("button", name="资格审查通过").click()
        page.get_by_text("已办理").first.wait_for()
        selection.send_to_review(proposal_ids=[proposal.pk], by=bureau)
        selection.record_review_outcome(
            proposal_id=proposal.pk, shortlisted=True, reason="", by=bureau
        )

        # 4. Public notice for the call's working days.
        page.get_by_role("link", name="揭榜评选与开榜").click()
        group = page.locator(f"[data-demand-group='{demand.pk}']")
        group.get_by_label(f"{lead.name}（{number}）").check()
        group.get_by_role("button", name="公示所选揭榜方").click()
        page.get_by_text("已公示，公示期至").wait_for()
        notice = PublicNotice.objects.get()
        assert notice.working_days == demand.call.notice_working_days
        page.goto("/publicity/")
        assert page.get_by_role("link", name=notice.title).is_visible()

        # 5. After the notice and the solicitation deadline: 开榜, announced publicly.
        traveller.move_to(max(notice.ends_at, demand.solicitation_deadline) + dt.timedelta(hours=1))
        login(page, bureau.username)
        page.get_by_role("link", name="揭榜评选与开榜").click()
        page.get_by_role("button", name="开榜").first.click()
        page.get_by_text("已开榜并发布公告").wait_for()
        logout(page)

        page.goto("/results/")
        assert (
            page.get_by_text(lead.name).first.is_visible()
            and page.get_by_text("揭榜成功").first.is_visible()
        )
        page.goto("/notices/")
        assert page.get_by_role("link", name=f"开榜公告：{demand.title}").is_visible()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.MATCHED
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SELECTED

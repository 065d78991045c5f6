"""Submitted, financial and review material is never cascade-deleted: deleting its parent
(a project, a demand, a proposal, a review round or a scored assignment) raises
ProtectedError and deletes nothing. Drafts still drop their own rows explicitly."""

from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.db.models import ProtectedError

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.models import Attachment
from jiebang.demands import services as demand_services
from jiebang.demands.models import DemandAttachment
from jiebang.projects import services as project_services
from jiebang.projects.models import (
    ChangeRequest,
    Disbursement,
    Expenditure,
    FinalReport,
    IssuerPayment,
    MidtermEvaluation,
    ProgressReport,
)
from jiebang.review import services as review_services
from jiebang.review.models import Assignment, Score
from tests.demands.builders import valid_tb_demand
from tests.helpers import pdf_upload
from tests.projects.builders import (
    pay,
    selected_proposal,
    solver_user,
    to_final_submitted,
)
from tests.projects.support import BUILD_AT, DAY0, module_rows, on, started
from tests.review.builders import world

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

APPS = ("core", "demands", "proposals", "review", "projects", "notices")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    """A project carrying every kind of submitted material, and a review round with a score;
    built once for the module and rolled back at its end."""
    with module_rows(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            proposal, bureau = selected_proposal()
        with on(DAY0):
            project = started(proposal, bureau)
            pay(project, Decimal("6000000.00"))
            project_services.approve_disbursement(
                project_id=project.pk, by=bureau, trigger="initiation", amount=Decimal("540000.00")
            )
            project_services.record_expenditure(
                project_id=project.pk,
                by=solver_user(project),
                category="business",
                source="self",
                amount=Decimal("1000.00"),
                spent_on=clock.today(),
                description="测试材料费",
                voucher_file=pdf_upload("发票.pdf"),
            )
            project_services.submit_progress_report(
                report_id=project.reports.first().pk, by=solver_user(project), progress="进展顺利"
            )
            project_services.file_change_request(
                project_id=project.pk,
                by=solver_user(project),
                kind="extension",
                reason="现场试验受季节影响需顺延",
                extension_months=6,
            )
            to_final_submitted(project, bureau)

            review = world(n_demands=1, n_experts=3, k=2)
            round_id = review["round"].pk
            review_services.auto_assign(round_id=round_id, by=review["bureau"])
            review_services.open_round(round_id=round_id, by=review["bureau"])
            scored, unscored = Assignment.objects.filter(round_id=round_id).order_by("id")
            review_services.declare(
                assignment_id=scored.pk, user=scored.expert.user, no_conflict=True
            )
            review_services.submit_score(
                assignment_id=scored.pk,
                user=scored.expert.user,
                scores={"产业带动": "22", "研究基础": "20", "技术指标": "23", "财务指标": "21"},
                comment="指标明确，建议支持。",
                recommendation="support",
            )
        project.refresh_from_db()
        yield {
            "project": project,
            "proposal": project.proposal,
            "demand": project.demand,
            "round": review["round"],
            "scored": scored,
            "unscored": unscored,
            "bureau": review["bureau"],
        }


def refused_to_delete(obj) -> set[str]:
    """Delete `obj` (instance and queryset paths); both must refuse and change nothing.
    Returns the labels of the protected rows named by the error."""
    before = row_counts()
    with pytest.raises(ProtectedError) as refused:
        obj.delete()
    with pytest.raises(ProtectedError):
        type(obj)._default_manager.filter(pk=obj.pk).delete()
    assert row_counts() == before
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()
    return {o._meta.label for o in refused.value.protected_objects}


def test_the_material_is_there(chain):
    project = chain["project"]
    for model in (
        IssuerPayment,
        Disbursement,
        Expenditure,
        ProgressReport,
        ChangeRequest,
        MidtermEvaluation,
        FinalReport,
    ):
        assert model.objects.filter(project=project).exists(), model
    assert Score.objects.filter(assignment=chain["scored"]).exists()


def test_a_project_with_reports_payments_and_spending_cannot_be_deleted(chain):
    protected = refused_to_delete(chain["project"])
    assert {
        "projects.IssuerPayment",
        "projects.Expenditure",
        "projects.ProgressReport",
        "projects.ChangeRequest",
        "projects.MidtermEvaluation",
        "projects.FinalReport",
    } <= protected


def test_a_submitted_demand_and_its_proposal_cannot_be_deleted(chain):
    demand_protected = refused_to_delete(chain["demand"])
    assert {"demands.DemandVersion", "demands.DemandAttachment", "demands.DemandEvent"} <= (
        demand_protected
    )
    proposal_protected = refused_to_delete(chain["proposal"])
    assert {"proposals.ProposalVersion", "proposals.ProposalAttachment"} <= proposal_protected


def test_a_review_round_and_a_scored_assignment_cannot_be_deleted(chain):
    assert {"review.ReviewItem", "review.Assignment"} <= refused_to_delete(chain["round"])
    assert "review.Score" in refused_to_delete(chain["scored"])
    assert "review.Assignment" in refused_to_delete(chain["scored"].item)


def test_a_draft_demand_with_uploaded_files_cannot_be_deleted_either(chain):
    demand, _user = valid_tb_demand(team_start=400)
    assert "demands.DemandAttachment" in refused_to_delete(demand)


def test_drafts_still_drop_their_own_rows_explicitly(chain):
    # Removing a wrong upload from a draft drops the link only; the stored file stays.
    demand, user = valid_tb_demand(team_start=450)
    link = DemandAttachment.objects.filter(demand=demand).first()
    demand_services.remove_attachment(demand=demand, by=user, link_id=link.pk)
    assert not DemandAttachment.objects.filter(pk=link.pk).exists()
    assert Attachment.objects.filter(pk=link.attachment_id).exists()
    # An assignment nobody has scored can be removed; a scored one cannot.
    review_services.remove_assignment(assignment_id=chain["unscored"].pk, by=chain["bureau"])
    assert not Assignment.objects.filter(pk=chain["unscored"].pk).exists()
    with pytest.raises(DomainError) as refused:
        review_services.remove_assignment(assignment_id=chain["scored"].pk, by=chain["bureau"])
    assert refused.value.code == "ALREADY-SCORED"

"""验收评审: the expert round over projects that applied for acceptance, on the [4/9]
engine (`review.targets.ProjectAdapter` shows a project to the experts, checks their
conflicts and turns the round page's decision into `decide_acceptance`)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.services import record_audit
from jiebang.projects.enums import ProjectState
from jiebang.projects.models import Project
from jiebang.projects.services.acceptance import ACCEPTANCE_CRITERIA
from jiebang.review.enums import RoundKind, RoundState
from jiebang.review.models import ReviewItem, ReviewRound
from jiebang.review.services import create_round


@transaction.atomic
def start_acceptance_review(
    *,
    project_ids,
    by,
    title: str,
    deadline,
    experts_per_item: int = 5,
    max_load: int = 10,
    blind: bool = False,
    request=None,
) -> ReviewRound:
    """The bureau starts an expert acceptance round (验收评审) over projects of one call.

    Refused (nothing written) unless every project is `final_submitted` (PROJECT-STATE),
    none is already in a draft or open acceptance round (ACCEPTANCE-ROUND-EXISTS) and all
    belong to the same call (CALL-MIXED); an empty selection or title, a past deadline or an
    unknown project are refused too. The rubric is ACCEPTANCE_CRITERIA (scored by criterion name,
    each out of its weight).
    Side effects: the projects' rows locked until the round exists; the ReviewRound
    (kind 验收评审, `draft`) with one item per project, in the order given, and its audit
    entry; one audit entry per project. Experts are assigned and told later, by the
    round's own steps (auto_assign, open_round).
    """
    wanted = list(dict.fromkeys(int(pk) for pk in project_ids))
    if not wanted:
        raise DomainError("NOTHING-SELECTED", _("请至少选择一个项目。"))
    if not (title or "").strip():
        raise DomainError("TITLE-REQUIRED", _("请填写评审名称。"))
    found = {
        p.pk: p
        for p in Project.objects.select_for_update(of=("self",))
        .select_related("call")
        .filter(pk__in=wanted)
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise DomainError(
            "PROJECT-NOT-FOUND",
            _("所选项目不存在：%(ids)s。") % {"ids": "、".join(str(pk) for pk in missing)},
        )
    projects = [found[pk] for pk in wanted]
    for project in projects:
        if project.state != ProjectState.FINAL_SUBMITTED:
            raise DomainError(
                "PROJECT-STATE",
                _("项目“%(code)s %(title)s”当前状态为“%(s)s”，尚未提交验收材料，不能发起验收评审。")
                % {"code": project.code, "title": project.title, "s": project.get_state_display()},
            )
    busy = set(
        ReviewItem.objects.filter(
            target_type=ContentType.objects.get_for_model(Project),
            target_id__in=wanted,
            round__kind=RoundKind.ACCEPTANCE,
            round__state__in=(RoundState.DRAFT, RoundState.OPEN),
        ).values_list("target_id", flat=True)
    )
    if busy:
        raise DomainError(
            "ACCEPTANCE-ROUND-EXISTS",
            _("以下项目已在筹备中或评审中的验收评审里：%(list)s。")
            % {"list": "、".join(f"{p.code} {p.title}" for p in projects if p.pk in busy)},
        )
    if len({p.call_id for p in projects}) > 1:
        raise DomainError("CALL-MIXED", _("一次验收评审只能包括同一征集批次的项目。"))
    review_round = create_round(
        call=projects[0].call,
        kind=RoundKind.ACCEPTANCE,
        title=title,
        targets=projects,
        experts_per_item=experts_per_item,
        max_load=max_load,
        blind=blind,
        criteria=ACCEPTANCE_CRITERIA,
        deadline=deadline,
        by=by,
        request=request,
    )
    for project in projects:
        record_audit(
            action="project.acceptance_review_started",
            actor=by,
            target=project,
            summary=f"发起验收评审：{project.code}（{review_round.title}）",
            data={"round": review_round.pk},
            request=request,
        )
    return review_round

"""What the project services share: row locks, state guards, telling the parties, and
keeping the platform project's mirror in the city-project register (LIM-* read it)."""

from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify
from jiebang.orgs.enums import AccountState, CityProjectStatus
from jiebang.orgs.models import CityProject, User
from jiebang.projects.enums import ProjectState
from jiebang.projects.models import Project

CITY_STATUS = {
    ProjectState.ACCEPTED: CityProjectStatus.ACCEPTED,
    ProjectState.CONCLUDED: CityProjectStatus.CONCLUDED,
    ProjectState.FAILED: CityProjectStatus.FAILED,
    ProjectState.TERMINATED: CityProjectStatus.TERMINATED,
}


def locked(project_id: int) -> Project:
    """The project row, locked until the transaction ends (check-then-act)."""
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("call", "demand", "solver", "issuer")
        .get(pk=project_id)
    )


def require_state(project: Project, *states, action: str) -> None:
    if project.state not in states:
        raise DomainError(
            "PROJECT-STATE",
            _("项目当前状态为“%(s)s”，不能%(action)s。")
            % {"s": project.get_state_display(), "action": action},
        )


def touch(project: Project) -> None:
    project.updated_at = clock.now()


def sync_city_project(project: Project) -> None:
    """Mirror the project's state and planned end into its CityProject row, so that the
    restrictions of 四 (LIM-UNIT-ONGOING, LIM-UNIT-OVERDUE, LIM-PERSON-LOAD) count it
    beside the imported history."""
    if project.city_project_id is None:
        return
    CityProject.objects.filter(pk=project.city_project_id).update(
        status=CITY_STATUS.get(project.state, CityProjectStatus.ONGOING),
        planned_end=project.planned_end,
        accepted_on=project.closed_on if project.state == ProjectState.ACCEPTED else None,
        title=project.title,
    )


def unit_users(org_id: int):
    return list(User.objects.filter(organization_id=org_id, account_state=AccountState.ACTIVE))


def tell_parties(project: Project, title: str, body: str = "", *, issuer=True, sms=False):
    """Inbox (and e-mail; SMS when urgent) to the solver's and, unless told not to, the
    issuer's active accounts."""
    recipients = unit_users(project.solver_id)
    if issuer:
        recipients += unit_users(project.issuer_id)
    notify(
        recipients,
        title=title,
        body=body,
        link=f"/projects/{project.pk}/",
        sms=sms,
    )

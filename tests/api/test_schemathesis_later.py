"""Property-based requests against the API schema (schemathesis), the later stages: every
generated request to the proposals, review, notices, announcements, projects and
disbursements endpoints — the reads, the units' writes and the desks' actions — is answered
without a server error (the units, calls and demands are in test_schemathesis).

Each operation is sent with the token of the one who may act there, at a row that exists:
the solver's applicant on its own complete draft for the unit's proposal writes, the issuer
on a submitted proposal for 揭榜对接, the bureau on it for the selection desk; the expert on
its own assignment in an open round, the bureau on a draft round with one item; the bureau
on an open notice with a pending objection and on an announcement; on a project in progress
(technology contract registered), the solver for the actions it runs, the issuer for its
payment and the bureau for the rest, 立项 and disbursements. Rows are built through the
services on first use in each operation's test (inside its transaction), the selection
chains on BUILD_AT; the requests run frozen on DAY (inside the solicitation period, rounds
and notices open) or, for projects and disbursements, on DAY0 (the day they start).

Bounded: the fuzzing phase only, 8 examples per operation (all prefixes), a fixed seed and
derandomized Hypothesis: about 40 s on SQLite and two minutes on PostgreSQL (a third of it
creating the test database) on two cores, so no prefix needs fewer examples."""

import datetime as dt
from types import SimpleNamespace

import pytest
import schemathesis
import time_machine
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from jiebang.notices import services as notice_services
from jiebang.orgs.enums import Role
from jiebang.proposals import selection
from tests.api.core_support import token_for
from tests.api.later_support import FAST_HASHERS
from tests.api.test_later_notices import open_notice, person
from tests.api.test_later_review import new_round
from tests.factories import UserFactory
from tests.projects.builders import issuer_user, selected_proposal, solver_user
from tests.projects.support import BUILD_AT, DAY0, approve, on, pay, started
from tests.proposals.builders import complete_proposal, published_demand
from tests.proposals.test_selection import submitted_proposal
from tests.review.builders import expert

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db,
    pytest.mark.usefixtures("keep_the_test_connection"),
]

LATER_PATHS = r"^/api/v1/(proposals|review|notices|announcements|projects|disbursements)/"
# Inside the demand's solicitation period (published on BUILD_AT for 20 days), the review
# rounds' week and the notice's five working days.
DAY = dt.date(2026, 3, 3)
# The unit's own proposal writes: the solver's applicant on its draft.
UNIT_SIDE = {
    "POST /api/v1/proposals/",
    "PATCH /api/v1/proposals/{id}/",
    "POST /api/v1/proposals/{id}/attachments/",
    "DELETE /api/v1/proposals/{id}/attachments/{link_id}/",
    "GET /api/v1/proposals/{id}/precheck/",
    "POST /api/v1/proposals/{id}/submit/",
    "POST /api/v1/proposals/{id}/withdraw/",
}
# 揭榜对接: the issuer on a submitted proposal.
ISSUER_SIDE = {
    "POST /api/v1/proposals/{id}/matching/",
    "POST /api/v1/proposals/{id}/agreement/",
    "POST /api/v1/proposals/{id}/preference/",
}
# The project page's actions the solver runs (projects.run_project); the payment is the
# payer's, the issuer of a 技术攻关 demand.
SOLVER_SIDE = {
    f"POST /api/v1/projects/{{id}}/{name}/"
    for name in (
        "contract",
        "report",
        "milestone",
        "expenditure",
        "change",
        "post",
        "hire",
        "achievement",
        "final",
    )
}
PAYER_SIDE = {"POST /api/v1/projects/{id}/payment/"}
CONFIG = SchemathesisConfig.from_dict(
    {"seed": 20240801, "phases": {"coverage": {"enabled": False}}}
)

# Loaded in-process at collection (generating the schema reads no rows); requests go to the
# same WSGI application, inside each test's database transaction.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", get_wsgi_application(), config=CONFIG
).include(path_regex=LATER_PATHS)


class World:
    """What the requests read and act on, built on first use (each operation's test builds
    only what its prefix touches), and the tokens of who acts.

    `aim(label)` answers the ids to put in the operation's path parameters and the user whose
    token is sent."""

    def __init__(self):
        self._cache = {}

    def _once(self, name, build):
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    def key(self, user) -> str:
        return self._once(("token", user.pk), lambda: token_for(user))

    def bureau(self):
        return self._once("bureau", lambda: UserFactory(roles=[Role.BUREAU_OFFICER]))

    # proposals and review ----------------------------------------------------------------

    def demand(self):
        with time_machine.travel(BUILD_AT, tick=False):
            return self._once("demand", published_demand)

    def draft(self):
        """(the applicant's complete draft, its applicant)."""

        def build():
            with time_machine.travel(BUILD_AT, tick=False):
                proposal, applicant, _partner = complete_proposal(self.demand(), team_start=930)
            return proposal, applicant

        return self._once("draft", build)

    def submitted(self):
        def build():
            with time_machine.travel(BUILD_AT, tick=False):
                return submitted_proposal(self.demand(), team_start=900)

        return self._once("submitted", build)

    def under_review(self):
        """The submitted proposal, found eligible and sent to 专家评榜."""

        def build():
            proposal = self.submitted()
            with time_machine.travel(BUILD_AT, tick=False):
                selection.confirm_eligibility(
                    proposal_id=proposal.pk, eligible=True, reason="", by=self.bureau()
                )
                selection.send_to_review(proposal_ids=[proposal.pk], by=self.bureau())
            return proposal

        return self._once("under_review", build)

    def _round(self, name, keywords, *, open_it):
        def build():
            rows = SimpleNamespace(
                demand=self.demand(), proposal=self.under_review(), bureau=self.bureau()
            )
            with time_machine.travel(BUILD_AT, tick=False):
                return new_round(rows, expert(keywords), blind=True, open_it=open_it)

        return self._once(name, build)

    def open_assignment(self):
        """An expert's assignment in an open blind round."""
        return self._round("open_round", "风电 叶片 覆冰 监测", open_it=True)[1]

    def draft_round(self):
        """A draft round over one item, one expert assigned."""
        return self._round("draft_round", "储能 电池 热管理", open_it=False)[0]

    # notices -----------------------------------------------------------------------------

    def notice(self):
        def build():
            with time_machine.travel(BUILD_AT, tick=False):
                return open_notice(self.bureau())

        return self._once("notice", build)

    def objection(self):
        return self._once(
            "objection",
            lambda: notice_services.file_objection(notice_id=self.notice().pk, **person()),
        )

    def announcement(self):
        def build():
            with time_machine.travel(BUILD_AT, tick=False):
                return notice_services.publish_announcement(
                    title="2026年度榜单发布", body="详见榜单大厅。", by=self.bureau()
                )

        return self._once("announcement", build)

    # projects ----------------------------------------------------------------------------

    def _selected(self, name, team_start):
        def build():
            with time_machine.travel(BUILD_AT, tick=False):
                return selected_proposal(team_start=team_start)

        return self._once(name, build)

    def project(self):
        """A project initiated on DAY0 with its technology contract registered."""

        def build():
            proposal, bureau = self._selected("selected", 900)
            with on(DAY0):
                return started(proposal, bureau)

        return self._once("project", build)

    def awaiting(self):
        """Another selected proposal, not initiated yet (立项 and its queue)."""
        return self._selected("awaiting", 960)[0]

    def disbursement(self):
        def build():
            project = self.project()
            with on(DAY0):
                pay(project, "6000000.00", by=self.bureau())
                return approve(project, "100000.00", by=self.bureau())

        return self._once("disbursement", build)

    # aims --------------------------------------------------------------------------------

    def aim(self, label: str) -> tuple[dict, object]:
        path = label.split(" ", 1)[1]
        if path.startswith("/api/v1/proposals/"):
            if label in UNIT_SIDE:
                proposal, applicant = self.draft()
                link = proposal.attachments.order_by("pk").first()
                return {"id": proposal.pk, "link_id": link.pk if link else 0}, applicant
            proposal = self.submitted()
            return {"id": proposal.pk}, (
                proposal.demand.created_by if label in ISSUER_SIDE else self.bureau()
            )
        if path.startswith("/api/v1/review/assignments/"):
            assignment = self.open_assignment()
            return {"id": assignment.pk}, assignment.expert.user
        if path.startswith("/api/v1/review/rounds/"):
            return {"id": self.draft_round().pk}, self.bureau()
        if path.startswith("/api/v1/notices/{notice_pk}/objections/"):
            return {"notice_pk": self.notice().pk, "id": self.objection().pk}, self.bureau()
        if path.startswith("/api/v1/notices/"):
            return {"id": self.notice().pk}, self.bureau()
        if path.startswith("/api/v1/announcements/"):
            return {"id": self.announcement().pk}, self.bureau()
        if path.startswith("/api/v1/disbursements/"):
            return {"id": self.disbursement().pk}, self.bureau()
        if path in ("/api/v1/projects/", "/api/v1/projects/awaiting_initiation/"):
            self.awaiting()
        project = self.project()
        if label in SOLVER_SIDE:
            return {"id": project.pk}, solver_user(project)
        if label in PAYER_SIDE:
            return {"id": project.pk}, issuer_user(project)
        return {"id": project.pk}, self.bureau()

    @staticmethod
    def day(label: str) -> dt.date:
        path = label.split(" ", 1)[1]
        return DAY0 if path.startswith(("/api/v1/projects/", "/api/v1/disbursements/")) else DAY


def is_integer(value) -> bool:
    """A generated id that names a row: an int, or a string of digits (the later ids'
    schema type), not a malformed one."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, str) and value.isascii() and value.isdigit()
    )


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return World()


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case, world):
    label = case.operation.label
    # Every example of an operation runs at the same frozen instant.
    with on(world.day(label)):
        ids, actor = world.aim(label)
        # Aim most requests at rows that exist (a generated id seldom does); keep the
        # generated value when it is not an integer, so malformed ids are still tried. The
        # later ids are strings of digits in the schema (`^[0-9]{1,18}$`), so an integer is
        # either an int or such a string, and keeps its type.
        for name, value in (case.path_parameters or {}).items():
            if name in ids and is_integer(value):
                case.path_parameters[name] = type(value)(ids[name])
        response = case.call(headers={"Authorization": f"Token {world.key(actor)}"})
    case.validate_response(response, checks=[not_a_server_error])

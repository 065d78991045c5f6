"""Property-based requests against the API schema (schemathesis): every generated request to
the units, calls and demands endpoints — the reads, the unit's writes and the desks'
actions — is answered without a server error.

The bureau officer's token drives the reads, the desk actions and publishing; the unit's
own writes (create, edit, upload, pre-check, submit, withdraw) run with the applicant's
token on the applicant's draft, since a bureau token is refused before their bodies are
read. Bounded: the fuzzing phase only, a few examples per operation, a fixed seed and
derandomized Hypothesis, so it runs in well under a minute."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from jiebang.demands import services
from jiebang.orgs.enums import Role
from tests.api.core_support import token_for
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db,
    pytest.mark.usefixtures("keep_the_test_connection"),
]

CORE_PATHS = r"^/api/v1/(units|calls|demands)/"
UNIT_SIDE = {
    "POST /api/v1/demands/",
    "PATCH /api/v1/demands/{id}/",
    "POST /api/v1/demands/{id}/attachments/",
    "DELETE /api/v1/demands/{id}/attachments/{link_id}/",
    "POST /api/v1/demands/{id}/precheck/",
    "POST /api/v1/demands/{id}/submit/",
    "POST /api/v1/demands/{id}/withdraw/",
}
CONFIG = SchemathesisConfig.from_dict(
    {"seed": 20240801, "phases": {"coverage": {"enabled": False}}}
)

# Loaded in-process at collection (generating the schema reads no rows); requests go to the
# same WSGI application, inside each test's database transaction.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", get_wsgi_application(), config=CONFIG
).include(path_regex=CORE_PATHS)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class World:
    """What the requests read and act on, built on first use (each operation's test builds
    only what it touches): the applicant's complete draft, another unit's submitted demand,
    and the tokens."""

    def __init__(self):
        self.call = open_call()
        self._cache = {}

    def _once(self, name, build):
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    def _draft(self):
        return valid_tb_demand(self.call, title="草稿需求", team_start=800)

    def _submitted(self):
        demand, user = valid_tb_demand(self.call, title="已提交需求", team_start=810)
        services.submit_demand(demand_id=demand.pk, by=user)
        return demand

    def draft(self) -> int:
        return self._once("draft", self._draft)[0].pk

    def submitted(self) -> int:
        return self._once("submitted", self._submitted).pk

    def applicant_key(self) -> str:
        return self._once("applicant", lambda: token_for(self._once("draft", self._draft)[1]))

    def bureau_key(self) -> str:
        return self._once("bureau", lambda: token_for(UserFactory(roles=[Role.BUREAU_OFFICER])))


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
    unit_side = case.operation.label in UNIT_SIDE
    # Aim most requests at rows that exist (a generated id seldom does); keep the generated
    # value when it is not an integer, so malformed ids are still tried.
    if isinstance((case.path_parameters or {}).get("id"), int):
        case.path_parameters["id"] = world.draft() if unit_side else world.submitted()
    elif case.operation.path.endswith("/demands/"):
        world.submitted()  # a row for the list
    key = world.applicant_key() if unit_side else world.bureau_key()
    response = case.call(headers={"Authorization": f"Token {key}"})
    case.validate_response(response, checks=[not_a_server_error])

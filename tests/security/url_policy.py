"""Who may reach each URL of the platform: the classification that the authorisation matrix
(tests/security/test_authorisation_matrix.py) checks cell by cell.

Every URL of the URL configuration (pages and API v1; the Django admin is one entry; DRF's
format-suffix duplicates and static files are left out) has an entry here, keyed by its URL
name (by its route where it has no name). An entry is a `Rule`, or a dict of named variants
(`{"draft": Rule(...), "submitted": Rule(...)}`) when the answer depends on the object or on
a slug of the path. A URL without an entry, or an entry without a URL, fails
`test_every_url_is_classified`: a new URL fails the tests until somebody decides here who
may use it.

A rule gives, for each HTTP method the view accepts (GET; POST, PATCH, DELETE where it writes),
the `Policy` that says which actors of the test world are allowed. Every other actor must
be refused. Path arguments come from the world's objects (`Ref("demand_draft")`), which
belong to unit A in district A unless said otherwise.

The actors (one account each; see `build_world` in the test module):

- anonymous: nobody signed in;
- applicant_A, org_admin_A: an applicant and the org admin of unit A, the owning unit (it
  issued the demands and is the issuer side of the proposal and of the project);
- solver_S: an applicant of unit S (also in district A), which leads the proposal and
  runs the project (the solver side);
- applicant_B, org_admin_B: an applicant and the org admin of unit B, in district B;
- officer_A, officer_B: district officers of district A and of district B;
- bureau, auditor: a city bureau officer and an auditor;
- expert_assigned, expert_unassigned: an expert with an assignment in the review round,
  and an expert of the pool without one;
- django_staff: an account with `is_staff` and no role (for the Django admin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from jiebang.orgs.enums import Role


class Actor:
    ANONYMOUS = "anonymous"
    APPLICANT_A = "applicant_A"
    ADMIN_A = "org_admin_A"
    SOLVER = "solver_S"
    APPLICANT_B = "applicant_B"
    ADMIN_B = "org_admin_B"
    OFFICER_A = "officer_A"
    OFFICER_B = "officer_B"
    BUREAU = "bureau"
    AUDITOR = "auditor"
    EXPERT = "expert_assigned"
    EXPERT_OTHER = "expert_unassigned"
    STAFF = "django_staff"


ACTORS = (
    Actor.ANONYMOUS,
    Actor.APPLICANT_A,
    Actor.ADMIN_A,
    Actor.SOLVER,
    Actor.APPLICANT_B,
    Actor.ADMIN_B,
    Actor.OFFICER_A,
    Actor.OFFICER_B,
    Actor.BUREAU,
    Actor.AUDITOR,
    Actor.EXPERT,
    Actor.EXPERT_OTHER,
    Actor.STAFF,
)

# The roles each actor holds (the groups of its account).
ROLES_OF = {
    Actor.APPLICANT_A: {Role.APPLICANT},
    Actor.ADMIN_A: {Role.ORG_ADMIN},
    Actor.SOLVER: {Role.APPLICANT},
    Actor.APPLICANT_B: {Role.APPLICANT},
    Actor.ADMIN_B: {Role.ORG_ADMIN},
    Actor.OFFICER_A: {Role.DISTRICT_OFFICER},
    Actor.OFFICER_B: {Role.DISTRICT_OFFICER},
    Actor.BUREAU: {Role.BUREAU_OFFICER},
    Actor.AUDITOR: {Role.AUDITOR},
    Actor.EXPERT: {Role.EXPERT},
    Actor.EXPERT_OTHER: {Role.EXPERT},
}


@dataclass(frozen=True)
class Policy:
    """The actors allowed; everybody else must be refused."""

    label: str
    actors: frozenset[str]

    def __or__(self, other: Policy) -> Policy:
        return Policy(f"{self.label} | {other.label}", self.actors | other.actors)

    def allows(self, actor: str) -> bool:
        return actor in self.actors

    def __str__(self) -> str:
        return self.label


def _policy(label: str, *actors: str) -> Policy:
    return Policy(label, frozenset(actors))


def ROLE(*roles: Role) -> Policy:  # noqa: N802 (reads as the vocabulary it is)
    """Every actor holding one of `roles`, whatever its unit or district."""
    actors = [actor for actor, held in ROLES_OF.items() if held & set(roles)]
    return _policy(f"ROLE({', '.join(str(r) for r in roles)})", *actors)


# ---- the vocabulary -----------------------------------------------------------------------

PUBLIC = _policy("PUBLIC", *ACTORS)
LOGIN = _policy("LOGIN", *(a for a in ACTORS if a != Actor.ANONYMOUS))
NOBODY = _policy("NOBODY")
# Any account belonging to a unit (`has_unit`), on its own unit's rows.
UNIT_MEMBER = _policy(
    "UNIT_MEMBER",
    Actor.APPLICANT_A,
    Actor.ADMIN_A,
    Actor.SOLVER,
    Actor.APPLICANT_B,
    Actor.ADMIN_B,
)
APPLICANT = ROLE(Role.APPLICANT)
ORG_ADMIN = ROLE(Role.ORG_ADMIN)
DISTRICT_OFFICER = ROLE(Role.DISTRICT_OFFICER)
BUREAU = ROLE(Role.BUREAU_OFFICER)
STAFF_READER = ROLE(Role.BUREAU_OFFICER, Role.AUDITOR)
EXPERTS = ROLE(Role.EXPERT)
# The object's owners: unit A (issuer of the demands, issuer side of proposal and project).
OWNER_UNIT = _policy("OWNER_UNIT", Actor.APPLICANT_A, Actor.ADMIN_A)
OWNER_APPLICANT = _policy("OWNER_APPLICANT", Actor.APPLICANT_A)
OWNER_ADMIN = _policy("OWNER_ADMIN", Actor.ADMIN_A)
# The other party: unit S leads the proposal and runs the project.
SOLVER_UNIT = _policy("SOLVER_UNIT", Actor.SOLVER)
# The district officer of the owning unit's district.
OWNER_DISTRICT = _policy("OWNER_DISTRICT", Actor.OFFICER_A)
ASSIGNED_EXPERT = _policy("ASSIGNED_EXPERT", Actor.EXPERT)
# The account a page is about, itself (applicant_A's account page).
SELF = _policy("SELF", Actor.APPLICANT_A)
# The bureau officer who started the export / import job (its owner).
JOB_OWNER = _policy("JOB_OWNER", Actor.BUREAU)
# Django's `is_staff` (the admin site).
STAFF = _policy("STAFF", Actor.STAFF)

# Who may see unit A's draft demand, and its submitted one (under review by the assigned
# expert), wherever they show: every allowed answer is searched for their titles.
DRAFT_READERS = OWNER_UNIT | STAFF_READER
SUBMITTED_READERS = OWNER_UNIT | OWNER_DISTRICT | STAFF_READER | ASSIGNED_EXPERT
# Who may see a submitted demand of unit A (demands.view_demand and demands_visible_to).
DEMAND_READERS = OWNER_UNIT | OWNER_DISTRICT | STAFF_READER
# Who may see a proposal once submitted, or the project (the two parties and the staff).
PARTIES = OWNER_UNIT | SOLVER_UNIT | STAFF_READER


@dataclass(frozen=True)
class Ref:
    """A path argument taken from the test world (`world.refs[name]`)."""

    name: str


@dataclass(frozen=True)
class Rule:
    """Who may use one URL, method by method (None: the method is not checked, the view
    refuses it with 405). `kwargs` fills the path, `data` is the body of the writes (empty by
    default: the check is authorisation, not what the action does with a valid body)."""

    get: Policy | None = None
    post: Policy | None = None
    patch: Policy | None = None
    delete: Policy | None = None
    kwargs: Mapping[str, object] = field(default_factory=dict)
    query: Mapping[str, object] = field(default_factory=dict)
    data: Mapping[str, object] | None = None
    why: str = ""

    def methods(self) -> list[tuple[str, Policy]]:
        return [
            (method, policy)
            for method in ("get", "post", "patch", "delete")
            if (policy := getattr(self, method)) is not None
        ]


# The entry of the Django admin (everything under /django-admin/).
ADMIN_KEY = "admin"

D_DRAFT = {"pk": Ref("demand_draft")}
D_SUBMITTED = {"pk": Ref("demand_submitted")}
D_PUBLISHED = {"pk": Ref("demand_published")}
P_DRAFT = {"pk": Ref("proposal_draft")}
P_SELECTED = {"pk": Ref("proposal_selected")}
PROJECT = {"pk": Ref("project")}
ROUND = {"pk": Ref("round")}
ASSIGNMENT = {"pk": Ref("assignment")}
NOTICE = {"pk": Ref("notice")}
OBJECTION = {"notice_pk": Ref("notice"), "pk": Ref("objection")}

# Project actions (jiebang/projects/views.py ACTIONS): run = `projects.run_project` (the
# solver's active accounts while the project runs), manage = the bureau, payment = the payer
# (the issuer, unit A, for 技术攻关).
PROJECT_ACTION_POLICIES = {
    "acceptance": BUREAU,
    "achievement": SOLVER_UNIT,
    "change": SOLVER_UNIT,
    "change_decision": BUREAU,
    "contract": SOLVER_UNIT | BUREAU,
    "disburse": BUREAU,
    "disbursement_cancel": BUREAU,
    "disbursement_paid": BUREAU,
    "expenditure": SOLVER_UNIT,
    "final": SOLVER_UNIT,
    "hire": SOLVER_UNIT,
    "midterm": BUREAU,
    "milestone": SOLVER_UNIT,
    "payment": OWNER_UNIT,
    "payment_check": BUREAU,
    "post": SOLVER_UNIT,
    "refund": BUREAU,
    "report": SOLVER_UNIT,
    "report_review": BUREAU,
    "terminate": BUREAU,
}


def _api_project_actions() -> dict[str, Rule]:
    return {
        f"api-project-{name.replace('_', '-')}": Rule(
            post=policy, kwargs=PROJECT, why=f"the project page's action {name!r}"
        )
        for name, policy in PROJECT_ACTION_POLICIES.items()
    }


URL_POLICY: dict[str, Rule | dict[str, Rule]] = {
    ADMIN_KEY: Rule(get=STAFF, why="Django admin: is_staff only"),
    # ---- core ---------------------------------------------------------------------------
    "guide": Rule(get=PUBLIC),
    "inbox": Rule(get=LOGIN, why="each account's own inbox"),
    "inbox_mark_read": Rule(post=LOGIN),
    "attachment_download": {
        "unit_file": Rule(
            get=OWNER_UNIT | STAFF_READER,
            kwargs={"uuid": Ref("unit_file")},
            why="core.view_attachment: a file of unit A (the draft demand's)",
        ),
        "project_file": Rule(
            get=PARTIES,
            kwargs={"uuid": Ref("project_file")},
            why="core.view_attachment extended to the project's parties (its agreement)",
        ),
        "proposal_file": Rule(
            get=SOLVER_UNIT | STAFF_READER,
            kwargs={"uuid": Ref("proposal_file")},
            why="a file of unit S's draft proposal",
        ),
        "objection_letter": Rule(
            get=STAFF_READER,
            kwargs={"uuid": Ref("objection_letter")},
            why="an objector's letter (no unit): the bureau and auditors only",
        ),
    },
    # One variant per registered export (a new export fails the check until classified).
    "export_list": {
        "demands": Rule(get=UNIT_MEMBER, kwargs={"name": "demands"}),
        "district-demands": Rule(get=DISTRICT_OFFICER, kwargs={"name": "district-demands"}),
        "bureau-demands": Rule(get=STAFF_READER, kwargs={"name": "bureau-demands"}),
        "proposals": Rule(get=UNIT_MEMBER, kwargs={"name": "proposals"}),
        "received-proposals": Rule(get=UNIT_MEMBER, kwargs={"name": "received-proposals"}),
        "selection-proposals": Rule(get=STAFF_READER, kwargs={"name": "selection-proposals"}),
        "projects": Rule(get=LOGIN, kwargs={"name": "projects"}, why="rows scoped to the user"),
        "disbursements": Rule(get=LOGIN, kwargs={"name": "disbursements"}),
        "review-assignments": Rule(
            get=STAFF_READER,
            kwargs={"name": "review-assignments"},
            query={"round": Ref("round")},
        ),
    },
    "export_job": Rule(get=JOB_OWNER, kwargs={"pk": Ref("export_job")}),
    "export_job_progress": Rule(get=JOB_OWNER, kwargs={"pk": Ref("export_job")}),
    "export_job_download": Rule(get=JOB_OWNER, kwargs={"pk": Ref("export_job")}),
    # One variant per registered import.
    "import_start": {
        "experts": Rule(post=BUREAU, kwargs={"name": "experts"}, why="review.manage_experts"),
    },
    "import_job": Rule(get=JOB_OWNER, kwargs={"pk": Ref("import_job")}),
    "import_job_progress": Rule(get=JOB_OWNER, kwargs={"pk": Ref("import_job")}),
    # ---- dashboard ----------------------------------------------------------------------
    "dashboard": Rule(get=LOGIN, why="each account's own work queue"),
    "stats_dashboard": Rule(get=STAFF_READER),
    # ---- accounts and units -------------------------------------------------------------
    "login": Rule(get=PUBLIC, post=PUBLIC, why="signed-in users are sent on to their page"),
    "logout": Rule(post=PUBLIC),
    "password_change": Rule(get=LOGIN, post=LOGIN),
    "register_unit": Rule(get=PUBLIC, post=PUBLIC),
    "register_applicant": Rule(get=PUBLIC, post=PUBLIC),
    "my_org": Rule(get=UNIT_MEMBER, why="the user's own unit"),
    "my_org_edit": Rule(get=ORG_ADMIN, post=ORG_ADMIN, why="orgs.edit_organization, own unit"),
    "members": Rule(get=ORG_ADMIN, why="orgs.view_members, own unit"),
    "member_action": Rule(
        post=OWNER_ADMIN,
        kwargs={"pk": Ref("member_pending"), "action": "approve"},
        why="orgs.manage_members: a pending applicant of unit A",
    ),
    "relation_create": Rule(get=ORG_ADMIN, post=ORG_ADMIN, why="orgs.declare_relation"),
    "verification_queue": Rule(get=BUREAU),
    "unit_detail": Rule(
        get=OWNER_UNIT | OWNER_DISTRICT | STAFF_READER,
        kwargs={"pk": Ref("unit_a")},
        why="orgs.view_organization",
    ),
    "unit_verify": Rule(post=BUREAU, kwargs={"pk": Ref("unit_a"), "action": "verify"}),
    "district_units": Rule(get=DISTRICT_OFFICER),
    # ---- account security (jiebang/orgs/security) ---------------------------------------
    "totp_setup": Rule(get=LOGIN, post=LOGIN, why="any account may enrol an authenticator"),
    "totp_verify": Rule(get=LOGIN, post=LOGIN),
    "reauth": Rule(get=LOGIN, post=LOGIN),
    "login_history": Rule(get=LOGIN, why="the account's own history"),
    "account_list": Rule(get=STAFF_READER, why="orgs.list_accounts"),
    "account_detail": Rule(
        get=SELF | STAFF_READER,
        kwargs={"pk": Ref("account_applicant_a")},
        why="orgs.view_login_history: applicant_A's own account page",
    ),
    "account_unlock": {
        "other_account": Rule(
            post=BUREAU,
            kwargs={"pk": Ref("account_applicant_a")},
            why="orgs.manage_account_security",
        ),
        "own_account": Rule(
            post=NOBODY, kwargs={"pk": Ref("account_bureau")}, why="never one's own account"
        ),
    },
    "account_reset_totp": {
        "other_account": Rule(post=BUREAU, kwargs={"pk": Ref("account_applicant_a")}),
        "own_account": Rule(post=NOBODY, kwargs={"pk": Ref("account_bureau")}),
    },
    # ---- calls --------------------------------------------------------------------------
    "call_list": Rule(get=STAFF_READER),
    "call_create": Rule(get=BUREAU, post=BUREAU),
    "call_edit": Rule(get=BUREAU, post=BUREAU, kwargs={"pk": Ref("call")}),
    # ---- demands ------------------------------------------------------------------------
    "demand_list": Rule(get=UNIT_MEMBER, why="demands.list_own_demands"),
    "demand_new": Rule(get=APPLICANT, post=APPLICANT, why="demands.create_demand"),
    "demand_detail": {
        "draft": Rule(get=OWNER_UNIT | STAFF_READER, kwargs=D_DRAFT, why="drafts stay in the unit"),
        "submitted": Rule(get=DEMAND_READERS, kwargs=D_SUBMITTED),
    },
    "demand_edit": {
        "draft": Rule(
            get=OWNER_APPLICANT,
            post=OWNER_APPLICANT,
            kwargs={**D_DRAFT, "step": "basic"},
            why="demands.edit_demand",
        ),
        "submitted": Rule(
            get=NOBODY, kwargs={**D_SUBMITTED, "step": "basic"}, why="not editable once submitted"
        ),
    },
    "demand_precheck": Rule(get=OWNER_APPLICANT, kwargs=D_DRAFT),
    "demand_attachment_upload": Rule(post=OWNER_APPLICANT, kwargs=D_DRAFT),
    "demand_attachment_remove": Rule(
        post=OWNER_APPLICANT, kwargs={**D_DRAFT, "link_id": Ref("demand_link")}
    ),
    "demand_submit": Rule(post=OWNER_APPLICANT, kwargs=D_DRAFT, why="demands.submit_demand"),
    "demand_notify_candidates": Rule(post=BUREAU, kwargs=D_PUBLISHED, why="demands.bureau_act"),
    "demand_withdraw": Rule(post=OWNER_APPLICANT, kwargs=D_SUBMITTED),
    "demand_receipt": Rule(get=DEMAND_READERS, kwargs=D_SUBMITTED),
    "demand_receipt_version": Rule(get=DEMAND_READERS, kwargs={**D_SUBMITTED, "version_no": 1}),
    "demand_receipt_pdf_version": Rule(get=DEMAND_READERS, kwargs={**D_SUBMITTED, "version_no": 1}),
    "demand_form_download": Rule(
        get=DEMAND_READERS, kwargs={**D_SUBMITTED, "form_name": "application_form", "fmt": "docx"}
    ),
    "offline_entries": Rule(get=BUREAU, post=BUREAU, why="demands.record_offline_entry"),
    "demand_action": {
        "recommend": Rule(
            post=OWNER_DISTRICT,
            kwargs={**D_SUBMITTED, "action": "recommend"},
            why="demands.district_act",
        ),
        "return": Rule(
            post=OWNER_DISTRICT | BUREAU,
            kwargs={**D_SUBMITTED, "action": "return"},
            why="the bureau's or the district's return",
        ),
        "accept": Rule(
            post=BUREAU, kwargs={**D_SUBMITTED, "action": "accept"}, why="demands.bureau_act"
        ),
    },
    "demand_batch_action": Rule(
        post=LOGIN,
        why="no item posted: each posted item is checked on its own (tests/demands)",
    ),
    "district_desk": Rule(get=DISTRICT_OFFICER),
    "recommendation_letter": Rule(get=DISTRICT_OFFICER, kwargs={"call_id": Ref("call")}),
    "bureau_desk": Rule(get=STAFF_READER),
    "publish": Rule(get=BUREAU, post=BUREAU),
    # ---- notices ------------------------------------------------------------------------
    "announcement_list": Rule(get=PUBLIC),
    "announcement_detail": Rule(get=PUBLIC, kwargs={"pk": Ref("announcement")}),
    "announcement_new": Rule(get=BUREAU, post=BUREAU),
    "publicity_list": Rule(get=PUBLIC),
    "publicity_detail": Rule(get=PUBLIC, post=PUBLIC, kwargs=NOTICE, why="anyone may object"),
    "publicity_new": Rule(get=BUREAU, post=BUREAU),
    "publicity_objections": Rule(get=STAFF_READER, kwargs=NOTICE),
    "objection_action": Rule(
        post=BUREAU,
        kwargs={"pk": Ref("notice"), "objection_pk": Ref("objection"), "action": "accept"},
    ),
    "publicity_close": Rule(post=BUREAU, kwargs=NOTICE),
    # ---- review -------------------------------------------------------------------------
    "review_rounds": Rule(get=STAFF_READER),
    "review_round_new": Rule(get=BUREAU, post=BUREAU),
    "review_round": Rule(get=STAFF_READER, kwargs=ROUND),
    "review_round_action": Rule(post=BUREAU, kwargs={**ROUND, "action": "close"}),
    "review_round_export": Rule(get=STAFF_READER, kwargs=ROUND),
    "review_round_report": Rule(get=STAFF_READER, kwargs=ROUND),
    "review_experts": Rule(get=STAFF_READER),
    "review_my": Rule(get=EXPERTS),
    "review_assignment": Rule(get=ASSIGNED_EXPERT, post=ASSIGNED_EXPERT, kwargs=ASSIGNMENT),
    "review_assignment_declare": Rule(post=ASSIGNED_EXPERT, kwargs=ASSIGNMENT),
    # ---- proposals ----------------------------------------------------------------------
    "proposal_take": {
        "published": Rule(
            get=LOGIN,
            post=APPLICANT,
            kwargs={"demand_id": Ref("demand_published")},
            why="GET only sends signed-in users to the demand; proposals.create_proposal",
        ),
        "draft": Rule(get=NOBODY, post=NOBODY, kwargs={"demand_id": Ref("demand_draft")}),
    },
    "proposal_list": Rule(get=UNIT_MEMBER),
    "proposal_edit": Rule(
        get=SOLVER_UNIT,
        post=SOLVER_UNIT,
        kwargs={**P_DRAFT, "step": "plan"},
        why="proposals.edit_proposal: the lead's applicant",
    ),
    "proposal_precheck": Rule(get=SOLVER_UNIT, kwargs=P_DRAFT),
    "proposal_attachment_upload": Rule(post=SOLVER_UNIT, kwargs=P_DRAFT),
    "proposal_attachment_remove": Rule(
        post=SOLVER_UNIT, kwargs={**P_DRAFT, "link_id": Ref("proposal_link")}
    ),
    "proposal_submit": Rule(post=SOLVER_UNIT, kwargs=P_DRAFT),
    "proposal_withdraw": Rule(post=SOLVER_UNIT, kwargs=P_DRAFT),
    "proposal_receipt": Rule(
        get=OWNER_UNIT | SOLVER_UNIT,
        kwargs=P_SELECTED,
        why="the unit pages: the lead and the issuer (the bureau reads the desk page)",
    ),
    "proposal_received": Rule(get=UNIT_MEMBER, why="the proposals to the user's own demands"),
    "proposal_desk_detail": Rule(get=PARTIES, kwargs=P_SELECTED),
    "proposal_issuer_action": Rule(
        post=OWNER_UNIT,
        kwargs={**P_SELECTED, "action": "preference"},
        why="proposals.handle_matching",
    ),
    "proposal_bureau_action": Rule(post=BUREAU, kwargs={**P_SELECTED, "action": "eligible"}),
    "proposal_selection_desk": Rule(get=STAFF_READER),
    "proposal_publicize": Rule(post=BUREAU, kwargs={"demand_id": Ref("demand_published")}),
    "proposal_close": Rule(post=BUREAU, kwargs={"demand_id": Ref("demand_published")}),
    "results": Rule(get=PUBLIC),
    # ---- API tokens (pages) -------------------------------------------------------------
    "api_tokens": {
        "page": Rule(
            get=ORG_ADMIN | BUREAU, post=ORG_ADMIN | BUREAU, why="api.manage_tokens (own scope)"
        ),
        "issue_for_applicant_a": Rule(
            post=OWNER_ADMIN,
            data={"account": Ref("account_applicant_a"), "name": "对接", "scopes": "read"},
            why="api.issue_token_for: only unit A's admin issues tokens for its accounts",
        ),
    },
    "api_token_revoke": Rule(
        post=OWNER_ADMIN, kwargs={"pk": Ref("token")}, why="a token of an account of unit A"
    ),
    # ---- projects -----------------------------------------------------------------------
    "project_list": Rule(get=LOGIN, why="projects.view_own_projects, rows scoped"),
    "disbursement_list": Rule(get=LOGIN, why="rows scoped to the user's projects"),
    "project_awaiting": Rule(get=BUREAU),
    "project_initiate": Rule(
        get=BUREAU, post=BUREAU, kwargs={"proposal_id": Ref("proposal_selected")}
    ),
    "project_acceptance_round": Rule(post=BUREAU),
    "project_detail": Rule(get=PARTIES, kwargs=PROJECT),
    "project_task_book": Rule(get=PARTIES, kwargs={**PROJECT, "fmt": "docx"}),
    "project_action": {
        name: Rule(post=PROJECT_ACTION_POLICIES[name], kwargs={**PROJECT, "action": name})
        for name in ("contract", "payment", "expenditure", "disburse")
    },
    # ---- public portal ------------------------------------------------------------------
    "home": Rule(get=PUBLIC),
    "hall_detail": {
        "published": Rule(get=PUBLIC, kwargs=D_PUBLISHED),
        "draft": Rule(get=NOBODY, kwargs=D_DRAFT, why="only published demands are public"),
    },
    "policies": Rule(get=PUBLIC),
    "feed_json": Rule(get=PUBLIC),
    "feed_atom": Rule(get=PUBLIC),
    # ---- API v1 -------------------------------------------------------------------------
    "api_schema": Rule(get=PUBLIC, why="the published OpenAPI description"),
    "api_docs": Rule(get=PUBLIC),
    "api_redoc": Rule(get=PUBLIC),
    "api-root": Rule(get=LOGIN),
    "api-unit-list": Rule(get=LOGIN, why="rows scoped (organizations_visible_to)"),
    "api-unit-detail": Rule(
        get=OWNER_UNIT | OWNER_DISTRICT | STAFF_READER, kwargs={"pk": Ref("unit_a")}
    ),
    "api-call-list": Rule(get=LOGIN),
    "api-call-active": Rule(get=LOGIN),
    "api-call-detail": Rule(get=LOGIN, kwargs={"pk": Ref("call")}),
    "api-demand-list": Rule(get=LOGIN, post=APPLICANT, why="rows scoped; demands.create_demand"),
    "api-demand-publish": Rule(post=BUREAU),
    "api-demand-detail": {
        "draft": Rule(get=OWNER_UNIT | STAFF_READER, patch=OWNER_APPLICANT, kwargs=D_DRAFT),
        "submitted": Rule(get=DEMAND_READERS, patch=NOBODY, kwargs=D_SUBMITTED),
    },
    "api-demand-accept": Rule(post=BUREAU, kwargs=D_SUBMITTED),
    "api-demand-approve": Rule(post=BUREAU, kwargs=D_SUBMITTED),
    "api-demand-reject": Rule(post=BUREAU, kwargs=D_SUBMITTED),
    "api-demand-review-decline": Rule(post=BUREAU, kwargs=D_SUBMITTED),
    "api-demand-recommend": Rule(post=OWNER_DISTRICT, kwargs=D_SUBMITTED),
    "api-demand-not-recommend": Rule(post=OWNER_DISTRICT, kwargs=D_SUBMITTED),
    "api-demand-return": Rule(post=OWNER_DISTRICT | BUREAU, kwargs=D_SUBMITTED),
    "api-demand-attachments": Rule(post=OWNER_APPLICANT, kwargs=D_DRAFT),
    "api-demand-attachment-remove": Rule(
        delete=OWNER_APPLICANT, kwargs={**D_DRAFT, "link_id": Ref("demand_link")}
    ),
    "api-demand-precheck": Rule(post=OWNER_APPLICANT, kwargs=D_DRAFT),
    "api-demand-submit": Rule(post=OWNER_APPLICANT, kwargs=D_DRAFT),
    "api-demand-withdraw": Rule(post=OWNER_APPLICANT, kwargs=D_SUBMITTED),
    "api-notice-list": Rule(get=PUBLIC),
    "api-notice-detail": Rule(get=PUBLIC, kwargs=NOTICE),
    "api-notice-close": Rule(post=BUREAU, kwargs=NOTICE),
    "api-notice-objection-list": Rule(
        get=STAFF_READER,
        post=PUBLIC,
        kwargs={"notice_pk": Ref("notice")},
        why="reading is the bureau's and auditors'; anyone may file an objection",
    ),
    "api-notice-objection-accept": Rule(post=BUREAU, kwargs=OBJECTION),
    "api-notice-objection-refuse": Rule(post=BUREAU, kwargs=OBJECTION),
    "api-notice-objection-resolve": Rule(post=BUREAU, kwargs=OBJECTION),
    "api-announcement-list": Rule(get=PUBLIC),
    "api-announcement-detail": Rule(get=PUBLIC, kwargs={"pk": Ref("announcement")}),
    "api-project-list": Rule(get=LOGIN, post=BUREAU, why="rows scoped; initiation is the bureau's"),
    "api-project-acceptance-round": Rule(post=BUREAU),
    "api-project-awaiting-initiation": Rule(get=BUREAU),
    "api-project-detail": Rule(get=PARTIES, kwargs=PROJECT),
    **_api_project_actions(),
    "api-disbursement-list": Rule(get=LOGIN, why="rows scoped to the user's projects"),
    "api-disbursement-detail": Rule(get=PARTIES, kwargs={"pk": Ref("disbursement")}),
    "api-proposal-list": {
        "published": Rule(
            get=UNIT_MEMBER | STAFF_READER,
            post=APPLICANT,
            data={"demand": Ref("demand_published")},
            why="proposals.create_proposal (the body is checked before the permission)",
        ),
        "draft_demand": Rule(
            post=NOBODY, data={"demand": Ref("demand_draft")}, why="a draft cannot be taken"
        ),
    },
    "api-proposal-close-demand": Rule(post=BUREAU),
    "api-proposal-publicize": Rule(post=BUREAU),
    "api-proposal-detail": {
        "draft": Rule(get=SOLVER_UNIT | STAFF_READER, patch=SOLVER_UNIT, kwargs=P_DRAFT),
        "selected": Rule(get=PARTIES, patch=NOBODY, kwargs=P_SELECTED),
    },
    "api-proposal-agreement": Rule(post=OWNER_UNIT, kwargs=P_SELECTED),
    "api-proposal-matching": Rule(post=OWNER_UNIT, kwargs=P_SELECTED),
    "api-proposal-preference": Rule(post=OWNER_UNIT, kwargs=P_SELECTED),
    "api-proposal-attachments": Rule(post=SOLVER_UNIT, kwargs=P_DRAFT),
    "api-proposal-attachment-remove": Rule(
        delete=SOLVER_UNIT, kwargs={**P_DRAFT, "link_id": Ref("proposal_link")}
    ),
    "api-proposal-eligibility": Rule(post=BUREAU, kwargs=P_SELECTED),
    "api-proposal-to-review": Rule(post=BUREAU, kwargs=P_SELECTED),
    "api-proposal-review-outcome": Rule(post=BUREAU, kwargs=P_SELECTED),
    "api-proposal-precheck": Rule(get=SOLVER_UNIT, kwargs=P_DRAFT),
    "api-proposal-submit": Rule(post=SOLVER_UNIT, kwargs=P_DRAFT),
    "api-proposal-withdraw": Rule(post=SOLVER_UNIT, kwargs=P_DRAFT),
    "api-review-assignment-list": Rule(get=EXPERTS, why="rows: the expert's own"),
    "api-review-assignment-detail": Rule(get=ASSIGNED_EXPERT, kwargs=ASSIGNMENT),
    "api-review-assignment-declare": Rule(post=ASSIGNED_EXPERT, kwargs=ASSIGNMENT),
    "api-review-assignment-score": Rule(post=ASSIGNED_EXPERT, kwargs=ASSIGNMENT),
    "api-review-round-list": Rule(get=STAFF_READER, post=BUREAU),
    "api-review-round-candidates": Rule(get=BUREAU),
    "api-review-round-detail": Rule(get=STAFF_READER, kwargs=ROUND),
    "api-review-round-assign": Rule(post=BUREAU, kwargs=ROUND),
    "api-review-round-auto-assign": Rule(post=BUREAU, kwargs=ROUND),
    "api-review-round-close": Rule(post=BUREAU, kwargs=ROUND),
    "api-review-round-consensus": Rule(post=BUREAU, kwargs=ROUND),
    "api-review-round-decide": Rule(post=BUREAU, kwargs=ROUND),
    "api-review-round-open": Rule(post=BUREAU, kwargs=ROUND),
    "api-review-round-unassign": Rule(post=BUREAU, kwargs=ROUND),
}

# Cells that reveal a real authorisation bug: (URL key, variant or "", method, actor) →
# the reason (starting "BUG:"). They are marked xfail(strict=True): fixing the app turns
# them into an unexpected pass, and then the entry goes.
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}


def rules_of(entry: Rule | dict[str, Rule]) -> list[tuple[str, Rule]]:
    """(variant, rule) pairs of an entry; the variant is "" for a plain rule."""
    if isinstance(entry, Rule):
        return [("", entry)]
    return list(entry.items())

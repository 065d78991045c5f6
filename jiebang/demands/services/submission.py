"""Every write about demands. Pages and the API call these and nothing else."""

import json

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.crypto import sm3_hex
from jiebang.core.errors import DomainError
from jiebang.core.masking import mask_phone
from jiebang.core.services import notify, record_audit, store_attachment
from jiebang.demands import selectors
from jiebang.demands.enums import (
    CATEGORY_CODES,
    EDITABLE_STATES,
    WITHDRAWABLE_STATES,
    Category,
    DemandState,
)
from jiebang.demands.models import (
    Demand,
    DemandAttachment,
    DemandFinancial,
    DemandIndicator,
    DemandIPItem,
    DemandResearchTask,
    DemandTeamMember,
    DemandVersion,
    OfflineDemandEntry,
    OfflineEntryPrincipal,
    RaceRoute,
    ReceiptSequence,
)
from jiebang.eligibility.engine import check_demand
from jiebang.orgs.enums import Role
from jiebang.orgs.models import User
from jiebang.orgs.services import upsert_person

ROW_MODELS = {
    "indicators": (DemandIndicator, ["name", "target_value", "unit", "test_method"]),
    "research_tasks": (DemandResearchTask, ["name", "level", "year", "role"]),
    "ip_items": (DemandIPItem, ["kind", "number", "owner", "legal_status"]),
    "routes": (RaceRoute, ["name", "description", "rnd_investment"]),
}
CONTENT_FIELDS = [
    "category",
    "title",
    "summary",
    "problem",
    "is_horse_race",
    "is_classified",
    "involves_ethics",
    "ethics_review_record",
    "priority_common_tech",
    "priority_first_set",
    "priority_public_benefit",
    "time_requirement",
    "ip_terms",
    "solver_conditions",
    "total_investment",
    "investment_breakdown",
    "period_months",
    "period_justification",
    "declares_end_user",
    "commits_funding",
    "support_conditions",
    "success_cases",
    "transfer_team",
    "contact_name",
    "contact_email",
]


# What the editor may change: the content (but never the category, fixed at creation) and
# the industry, which is a relation and is frozen into versions by name.
EDITABLE_FIELDS = frozenset(CONTENT_FIELDS) - {"category"} | {"industry"}


def _locked(demand_id: int) -> Demand:
    return Demand.objects.select_for_update().get(pk=demand_id)


def _ensure_editable(demand: Demand) -> None:
    if demand.state not in EDITABLE_STATES:
        raise DomainError(
            "DEMAND-NOT-EDITABLE",
            _("需求当前状态为“%(s)s”，不能修改。") % {"s": demand.get_state_display()},
        )


def _saved(demand: Demand) -> None:
    """Record a saved change of the content: the time, and one more edit version (so an
    editor that loaded the content before this save can no longer save over it)."""
    Demand.objects.filter(pk=demand.pk).update(
        updated_at=clock.now(), edit_version=F("edit_version") + 1
    )


@transaction.atomic
def check_edit_version(*, demand_id: int, expected_version: int | None) -> Demand:
    """The optimistic lock of the editor (two tabs, or two colleagues, on one draft).

    Locks the demand row and refuses (DEMAND-EDIT-CONFLICT) when its content was saved since
    the editor loaded it at `expected_version`; `None` skips the comparison (API clients that
    do not send a version). Call it inside the transaction that then saves the step, so the
    row stays locked until those writes commit and a concurrent save waits, then is refused.
    Side effects: none (the row lock).
    """
    demand = _locked(demand_id)
    _ensure_editable(demand)
    if expected_version is not None and demand.edit_version != expected_version:
        raise DomainError(
            "DEMAND-EDIT-CONFLICT",
            _("该内容已在其他窗口或由他人修改，请刷新后再编辑。"),
            details=[{"loaded_version": expected_version, "current_version": demand.edit_version}],
        )
    return demand


def edit_version_of(demand_id: int) -> int:
    return Demand.objects.values_list("edit_version", flat=True).get(pk=demand_id)


@transaction.atomic
def create_demand(*, call, org, by: User, category: str, title: str, request=None) -> Demand:
    """Start a draft demand for the unit in the call.

    Side effects: a Demand in `draft`; audit entry.
    """
    if category == Category.TECH_BREAKTHROUGH and not call.accepts_tech_breakthrough:
        raise DomainError("CATEGORY-CLOSED", _("本批次不征集技术攻关类需求。"))
    if category == Category.ACHIEVEMENT_TRANSFER and not call.accepts_achievement_transfer:
        raise DomainError("CATEGORY-CLOSED", _("本批次不征集成果转化类需求。"))
    now = clock.now()
    demand = Demand.objects.create(
        call=call,
        organization=org,
        created_by=by,
        category=category,
        title=title.strip(),
        contact_name=by.real_name,
        created_at=now,
        updated_at=now,
    )
    record_audit(
        action="demand.created",
        actor=by,
        target=demand,
        summary=f"新建需求草稿：{demand.title}",
        request=request,
    )
    return demand


@transaction.atomic
def update_demand(
    *, demand: Demand, by: User, fields: dict, contact_phone: str | None = None
) -> Demand:
    """Save edited fields of a draft or returned demand (also used by autosave).

    Not a state change, so no audit entry; `updated_at` records when it was saved.
    Side effects: the Demand's fields; one more edit version.
    """
    demand = _locked(demand.pk)
    _ensure_editable(demand)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            continue
        setattr(demand, name, value)
    if contact_phone is not None:
        demand.contact_phone = contact_phone.strip()
        demand.contact_phone_masked = mask_phone(demand.contact_phone)
    demand.updated_at = clock.now()
    demand.edit_version += 1
    demand.save()
    return demand


@transaction.atomic
def replace_rows(*, demand: Demand, by: User, kind: str, rows: list[dict]) -> None:
    """Replace the ordered rows of one table (indicators, tasks, IP items, routes) of a demand.

    Side effects: deletes the old rows and inserts `rows` in order; one more edit version.
    """
    demand = _locked(demand.pk)
    _ensure_editable(demand)
    model, columns = ROW_MODELS[kind]
    model.objects.filter(demand=demand).delete()
    model.objects.bulk_create(
        [
            model(demand=demand, position=i, **{c: row.get(c) for c in columns})
            for i, row in enumerate(rows, 1)
        ]
    )
    _saved(demand)


@transaction.atomic
def set_financials(*, demand: Demand, by: User, rows: list[dict]) -> None:
    """Replace the audit-year financial rows (year, revenue, rnd_spend).

    Side effects: rows; one more edit version."""
    demand = _locked(demand.pk)
    _ensure_editable(demand)
    DemandFinancial.objects.filter(demand=demand).delete()
    DemandFinancial.objects.bulk_create(
        [
            DemandFinancial(
                demand=demand,
                year=r["year"],
                revenue=r.get("revenue"),
                rnd_spend=r.get("rnd_spend"),
            )
            for r in rows
        ]
    )
    _saved(demand)


@transaction.atomic
def set_team(*, demand: Demand, by: User, members: list[dict]) -> None:
    """Replace the ordered team; each member is matched to a Person by the ID blind index.

    `members`: dicts with name, id_number, title, work_unit, responsibility. Refuses the same
    person twice. Side effects: Person rows created or updated; team rows replaced; one more
    edit version.
    """
    demand = _locked(demand.pk)
    _ensure_editable(demand)
    people = [
        upsert_person(name=m["name"], id_number=m["id_number"], title=m.get("title", ""))
        for m in members
    ]
    if len({p.pk for p in people}) != len(people):
        raise DomainError("TEAM-DUPLICATE", _("同一人员不能在团队中出现两次，请检查身份证号。"))
    DemandTeamMember.objects.filter(demand=demand).delete()
    DemandTeamMember.objects.bulk_create(
        [
            DemandTeamMember(
                demand=demand,
                position=i,
                person=person,
                title=m.get("title", ""),
                work_unit=m.get("work_unit", ""),
                responsibility=m.get("responsibility", ""),
            )
            for i, (person, m) in enumerate(zip(people, members, strict=True), 1)
        ]
    )
    _saved(demand)


@transaction.atomic
def attach_file(
    *, demand: Demand, by: User, kind: str, uploaded_file, year: int | None = None
) -> DemandAttachment:
    """Upload one attachment of a kind (and an audit year for audit reports).

    Side effects: the stored file and Attachment row (checked by content and size), the link row.
    """
    demand = _locked(demand.pk)
    _ensure_editable(demand)
    stored = store_attachment(
        uploaded_file=uploaded_file, kind=kind, user=by, organization=demand.organization
    )
    link = DemandAttachment.objects.create(demand=demand, kind=kind, year=year, attachment=stored)
    Demand.objects.filter(pk=demand.pk).update(updated_at=clock.now())
    return link


@transaction.atomic
def remove_attachment(*, demand: Demand, by: User, link_id: int) -> None:
    """Detach an attachment from an editable demand. The stored file stays (versions may cite it).

    Side effects: deletes the link row.
    """
    demand = _locked(demand.pk)
    _ensure_editable(demand)
    DemandAttachment.objects.filter(demand=demand, pk=link_id).delete()
    Demand.objects.filter(pk=demand.pk).update(updated_at=clock.now())


def precheck(demand: Demand, user: User):
    """All findings for the demand as it stands now (the live pre-check panel)."""
    check, params = selectors.build_demand_check(selectors.demand_for_edit(demand.pk), user=user)
    return check_demand(check, params)


def demand_content(demand: Demand) -> dict:
    """The canonical content of a demand as frozen in a version (JSON-safe)."""
    content = {name: getattr(demand, name) for name in CONTENT_FIELDS}
    content["organization"] = {"name": demand.organization.name, "uscc": demand.organization.uscc}
    content["industry"] = demand.industry.name if demand.industry_id else ""
    content["contact_phone_masked"] = demand.contact_phone_masked
    for kind, (_model, columns) in ROW_MODELS.items():
        content[kind] = [
            {c: getattr(row, c) for c in columns} for row in getattr(demand, kind).all()
        ]
    content["financials"] = [
        {"year": f.year, "revenue": f.revenue, "rnd_spend": f.rnd_spend}
        for f in demand.financials.all()
    ]
    content["team"] = [
        {
            "position": m.position,
            "name": m.person.name,
            "id_masked": m.person.id_masked,
            "title": m.title,
            "work_unit": m.work_unit,
            "responsibility": m.responsibility,
        }
        for m in demand.team.all()
    ]
    content["attachments"] = [
        {
            "kind": a.kind,
            "year": a.year,
            "name": a.attachment.original_name,
            "size": a.attachment.size,
            "sm3": a.attachment.sm3,
            "sha256": a.attachment.sha256,
        }
        for a in demand.attachments.all()
    ]
    return json.loads(json.dumps(content, ensure_ascii=False, default=str))


def content_digest(content: dict) -> str:
    return sm3_hex(
        json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )


def next_receipt_number(year: int, code: str) -> str:
    """The next number of a per-year, per-code counter, e.g. JB-2024-TB-000123; the counter
    row is locked so concurrent submissions never share a number. Demands use TB/AT,
    proposals PTB/PAT."""
    sequence, _created = ReceiptSequence.objects.select_for_update().get_or_create(
        year=year, category_code=code
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"JB-{year}-{code}-{sequence.last:06d}"


def _next_number(year: int, category: str) -> str:
    return next_receipt_number(year, CATEGORY_CODES[category])


@transaction.atomic
def submit_demand(*, demand_id: int, by: User, request=None) -> DemandVersion:
    """Submit a draft or returned demand: draft/returned → submitted.

    Locks the demand row, then re-runs every rule authoritatively at the server's time; any
    blocking finding refuses the submission with all findings (code DEMAND-INELIGIBLE) and
    changes nothing. A second submit of the same demand (double click, second tab) finds it
    already submitted and is refused with DEMAND-ALREADY-SUBMITTED.
    Side effects: the demand number (first submission), state and submitted_at; an immutable
    DemandVersion with content, attachment digests and SM3 digest (the receipt); audit entry;
    inbox messages to the submitter and to the district officers of the unit's district.
    """
    at = clock.now()
    demand = _locked(demand_id)
    if demand.state not in EDITABLE_STATES:
        latest = demand.versions.order_by("-version").first()
        raise DomainError(
            "DEMAND-ALREADY-SUBMITTED",
            _("该需求已提交（回执编号 %(r)s），无需重复提交。")
            % {"r": latest.receipt_number if latest else "—"},
        )
    demand = selectors.demand_for_edit(demand.pk)
    check, params = selectors.build_demand_check(demand, user=by, at=at)
    findings = check_demand(check, params)
    if any(f.blocks for f in findings):
        raise DomainError(
            "DEMAND-INELIGIBLE",
            _("需求不符合申报条件，未提交。请按提示逐项修改后再提交。"),
            details=[f.as_dict() for f in findings if f.blocks],
        )
    if not demand.number:
        demand.number = _next_number(demand.call.year, demand.category)
    version_no = demand.current_version + 1
    demand.current_version = version_no
    demand.mark_submitted()
    demand.submitted_at = at
    demand.updated_at = at
    demand.state_reason = ""
    demand.save()
    content = demand_content(demand)
    content["number"] = demand.number
    content["version"] = version_no
    version = DemandVersion.objects.create(
        demand=demand,
        version=version_no,
        receipt_number=demand.number if version_no == 1 else f"{demand.number}-V{version_no}",
        content=content,
        digest=content_digest(content),
        submitted_at=at,
        submitted_by=by,
        findings=[f.as_dict() for f in findings],
    )
    record_audit(
        action="demand.submitted",
        actor=by,
        target=demand,
        summary=f"提交需求：{demand.number} {demand.title}（第{version_no}版）",
        data={"receipt": version.receipt_number, "digest": version.digest},
        request=request,
    )
    notify(
        [by],
        title=_("需求已提交：%(n)s") % {"n": demand.number},
        body=demand.title,
        link=f"/demands/{demand.pk}/receipt/",
    )
    if demand.organization.district_id:
        officers = User.objects.filter(
            district_id=demand.organization.district_id, groups__name=Role.DISTRICT_OFFICER
        )
        notify(
            officers,
            title=_("辖区单位提交了需求：%(t)s") % {"t": demand.title},
            link=f"/demands/{demand.pk}/",
        )
    return version


@transaction.atomic
def withdraw_demand(*, demand_id: int, by: User, reason: str, request=None) -> Demand:
    """The issuer withdraws its demand (draft/submitted/returned → withdrawn), with a reason.

    Side effects: state and reason; audit entry; inbox message to the district officers when
    it had been submitted.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REASON-REQUIRED", _("撤回需求时必须填写理由。"))
    demand = _locked(demand_id)
    if demand.state not in WITHDRAWABLE_STATES:
        raise DomainError(
            "DEMAND-STATE",
            _("需求已由推荐单位或市科技局处理（当前状态：%(s)s），不能撤回，请联系市科技局。")
            % {"s": demand.get_state_display()},
        )
    was_submitted = demand.state == DemandState.SUBMITTED
    demand.mark_withdrawn()
    demand.state_reason = reason
    demand.updated_at = clock.now()
    demand.save()
    record_audit(
        action="demand.withdrawn",
        actor=by,
        target=demand,
        summary=f"撤回需求：{demand.title}",
        data={"reason": reason},
        request=request,
    )
    if was_submitted and demand.organization.district_id:
        officers = User.objects.filter(
            district_id=demand.organization.district_id, groups__name=Role.DISTRICT_OFFICER
        )
        notify(officers, title=_("需求已撤回：%(t)s") % {"t": demand.title}, body=reason)
    return demand


@transaction.atomic
def record_offline_entry(
    *,
    call,
    org,
    category: str,
    reference: str,
    received_on,
    principals: list[dict],
    note: str,
    by: User,
    request=None,
) -> OfflineDemandEntry:
    """Bureau records a classified demand received offline: metadata only, no content.

    `principals`: ordered dicts with name and id_number. The entry counts towards
    LIM-PERSON-LOAD like an online application. Side effects: the entry and its principals
    (Persons matched by blind index); audit entry.
    """
    entry = OfflineDemandEntry.objects.create(
        call=call,
        organization=org,
        category=category,
        reference=reference.strip(),
        received_on=received_on,
        note=note.strip(),
        recorded_by=by,
        recorded_at=clock.now(),
    )
    for position, p in enumerate(principals, 1):
        person = upsert_person(name=p["name"], id_number=p["id_number"], organization=org)
        OfflineEntryPrincipal.objects.create(entry=entry, person=person, position=position)
    record_audit(
        action="demand.offline_recorded",
        actor=by,
        target=entry,
        summary=f"登记涉密需求线下受理：{entry.reference}（{org.name}）",
        request=request,
    )
    return entry

"""The demo call's demands for `manage.py seed_demo`, in every state of 榜单征集 → 榜单发布.

Unlike the rest of the seed, demands go through the demand services, as a unit, a district
and the bureau would: every rule runs at submission (each demand is eligible), the state
machine is respected, and the receipts (DemandVersion), history, audit entries, inbox
messages, search index and the publication announcement exist. The content lives in
`_seed_demand_texts`.

Idempotent: a demand is keyed by (demo call, title); an existing one is skipped. The
services need actors: a unit without an active applicant account gets one
(`org_<unit key>`), a district without a district officer gets one (`district_<code>`),
both with the demo password. The notifications' email and SMS copies are not sent: the
history is setup, not news.
"""

import contextlib
import datetime as dt
import logging
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import transaction
from django.test.utils import override_settings

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.demands import services
from jiebang.demands.enums import AttachmentKind, DemandState
from jiebang.demands.models import Demand, PublicationBatch
from jiebang.orgs import services as org_services
from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.management.commands._seed_accounts import demo_password_hash
from jiebang.orgs.management.commands._seed_demand_texts import (
    ACCEPT_OPINION,
    AT,
    BATCH_NUMERALS,
    DEMANDS,
    RECOMMEND_OPINION,
    REVIEW_OPINION,
    TB,
    DemandText,
)
from jiebang.orgs.management.commands._seed_people import PERSON_BY_KEY
from jiebang.orgs.management.commands._seed_units import (
    DEMO_CALL_NAME,
    ORG_BY_KEY,
    PEOPLE_POOL,
    _digest,
    _pick,
    make_id_number,
)
from jiebang.orgs.models import District, Organization, User

TB_FILES = (
    AttachmentKind.APPLICATION_FORM,
    AttachmentKind.COMMIT_UNIT,
    AttachmentKind.COMMIT_LEADER,
    AttachmentKind.EVIDENCE_EQUIPMENT,
    AttachmentKind.EVIDENCE_SITE,
    AttachmentKind.EVIDENCE_APPLICATION,
    AttachmentKind.EVIDENCE_TEAM,
)
AT_FILES = (
    AttachmentKind.APPLICATION_FORM,
    AttachmentKind.COMMIT_UNIT,
    AttachmentKind.COMMIT_LEADER,
    AttachmentKind.TEST_REPORT,
    AttachmentKind.IP_EVIDENCE,
    AttachmentKind.CASE_EVIDENCE,
)
# How far each target state is from `submitted` (drafts are never submitted).
STEPS = {
    DemandState.DRAFT: 0,
    DemandState.SUBMITTED: 1,
    DemandState.RETURNED: 2,
    DemandState.RECOMMENDED: 2,
    DemandState.ACCEPTED: 3,
    DemandState.PUBLISHED: 4,
}
DISTRICT_USERNAMES = {"650106": "district_jingkai", "650109": "district_midong"}
SOLICITATION_DAYS = 30
QUIET = {
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "SMS_BACKEND": "jiebang.core.sms.MemorySmsBackend",
}


@contextlib.contextmanager
def _quiet():
    """No email or SMS copies, and no task log lines, for the seeded history."""
    loggers = [logging.getLogger(name) for name in ("celery", "kombu")]
    levels = [logger.level for logger in loggers]
    with override_settings(**QUIET):
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)


def tiny_pdf(title: str) -> bytes:
    """A small valid PDF: one blank A4 page, `title` in the document information."""
    title_hex = (b"\xfe\xff" + title.encode("utf-16-be")).hex().upper()
    objects = (
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        f"<< /Title <{title_hex}> /Producer (Jiebang seed_demo) >>",
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _upload(title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{title}.pdf", tiny_pdf(title), content_type="application/pdf")


def _wan(amount) -> Decimal:
    return Decimal(amount) * 10000


class DemandSeeder:
    def __init__(self, call: Call):
        self.call = call
        self.industries = {i.code: i for i in Industry.objects.all()}
        officers = User.objects.filter(
            groups__name=Role.BUREAU_OFFICER, account_state=AccountState.ACTIVE
        )
        self.bureau = officers.filter(username="bureau").first() or officers.order_by("pk").first()
        self.accounts_created: list[str] = []

    # -- actors ---------------------------------------------------------------------------

    def _new_account(self, username: str, real_name: str, roles, **where) -> User:
        user = User(
            username=username,
            real_name=real_name,
            email=f"{username}@example.com",
            account_state=AccountState.ACTIVE,
            password=demo_password_hash(),
            **where,
        )
        number = _digest(username) % 10**7
        while org_services.mobile_taken(f"1399{number:07d}"):
            number = (number + 1) % 10**7
        org_services.set_mobile(user, f"1399{number:07d}")
        user.save()
        org_services.assign_roles(user, *roles)
        self.accounts_created.append(username)
        return user

    def applicant(self, org: Organization, key: str, username: str = "") -> User:
        """The named account, else an active applicant of the unit, else a new one."""
        users = User.objects.filter(organization=org, account_state=AccountState.ACTIVE)
        if username:
            return users.get(username=username)
        user = users.filter(groups__name=Role.APPLICANT).order_by("pk").first()
        return user or self._new_account(
            f"org_{key}", org.contact_name, (Role.ORG_ADMIN, Role.APPLICANT), organization=org
        )

    def officer(self, district: District) -> User:
        user = (
            User.objects.filter(
                district=district,
                groups__name=Role.DISTRICT_OFFICER,
                account_state=AccountState.ACTIVE,
            )
            .order_by("pk")
            .first()
        )
        username = DISTRICT_USERNAMES.get(district.code, f"district_{district.code}")
        return user or self._new_account(
            username,
            _pick(PEOPLE_POOL, district.name, "officer"),
            (Role.DISTRICT_OFFICER,),
            district=district,
        )

    # -- content --------------------------------------------------------------------------

    def team(self, spec: DemandText, org: Organization) -> list[dict]:
        people = [
            (PERSON_BY_KEY[k].name, PERSON_BY_KEY[k].id_number, t, d) for k, t, d in spec.staff
        ]
        for name, male, birth, title, duty in spec.team:
            # An odd sequence number for men, even for women (GB 11643).
            seq = 500 + _digest(name + birth) % 200 * 2 + (1 if male else 0)
            id_number = make_id_number(ORG_BY_KEY[spec.org].area, birth, seq)
            # Created with their unit first: set_team matches them and keeps the unit.
            org_services.upsert_person(
                name=name, id_number=id_number, title=title, organization=org
            )
            people.append((name, id_number, title, duty))
        return [
            {"name": n, "id_number": i, "title": t, "work_unit": org.name, "responsibility": d}
            for n, i, t, d in people
        ]

    def fill(self, demand: Demand, spec: DemandText, org: Organization, user: User) -> None:
        investment = _wan(spec.investment_wan)
        fields = {
            "industry": self.industries.get(spec.industry),
            "summary": spec.summary,
            "problem": spec.problem,
            "time_requirement": spec.time_requirement,
            "ip_terms": spec.ip_terms,
            "solver_conditions": spec.solver_conditions,
            "total_investment": investment,
            "investment_breakdown": (
                f"项目总投入{spec.investment_wan}万元，由{org.name}自筹：研发及试验费"
                f"{investment * Decimal('0.6') / 10000:.0f}万元，设备与材料费"
                f"{investment * Decimal('0.25') / 10000:.0f}万元，测试验证及示范应用费"
                f"{investment * Decimal('0.15') / 10000:.0f}万元。"
            ),
            "period_months": spec.months,
            "is_horse_race": bool(spec.routes),
            "involves_ethics": bool(spec.ethics),
            "ethics_review_record": spec.ethics,
            "contact_name": user.real_name,
            "contact_email": user.email,
            **dict.fromkeys(spec.priorities, True),
        }
        if spec.category == TB and spec.complete:
            fields.update(
                declares_end_user=True, commits_funding=True, support_conditions=spec.support
            )
        if spec.category == AT:
            fields.update(success_cases=spec.cases, transfer_team=spec.transfer_team)
        services.update_demand(demand=demand, by=user, fields=fields, contact_phone=user.mobile)
        rows = {
            "indicators": [
                {"name": n, "target_value": v, "unit": u, "test_method": m}
                for n, v, u, m in spec.indicators
            ],
            "routes": [
                {"name": n, "description": d, "rnd_investment": _wan(w)} for n, d, w in spec.routes
            ],
            "research_tasks": [
                {"name": n, "level": lv, "year": y, "role": r} for n, lv, y, r in spec.tasks
            ],
            "ip_items": [
                {"kind": k, "number": n, "owner": org.name, "legal_status": s}
                for k, n, s in spec.ip
            ],
        }
        for kind, kind_rows in rows.items():
            if kind_rows:
                services.replace_rows(demand=demand, by=user, kind=kind, rows=kind_rows)
        services.set_team(demand=demand, by=user, members=self.team(spec, org))
        self.attach(demand, spec, user)

    def attach(self, demand: Demand, spec: DemandText, user: User) -> None:
        if not spec.complete:
            kinds, years = (AttachmentKind.APPLICATION_FORM,), ()
        elif spec.category == TB:
            kinds, years = TB_FILES, self.call.effective_audit_years
        else:
            kinds, years = AT_FILES, ()
        if spec.ethics:
            kinds = (*kinds, AttachmentKind.ETHICS_REVIEW)
        for kind in kinds:
            label = str(AttachmentKind(kind).label)
            services.attach_file(demand=demand, by=user, kind=kind, uploaded_file=_upload(label))
        for year in years:
            services.attach_file(
                demand=demand,
                by=user,
                kind=AttachmentKind.AUDIT_REPORT,
                year=year,
                uploaded_file=_upload(f"{year}年度审计报告"),
            )
        if spec.category == TB and spec.complete:
            revenue, rnd = spec.revenue_wan
            latest = max(years)
            services.set_financials(
                demand=demand,
                by=user,
                rows=[
                    {
                        "year": year,
                        "revenue": _wan(revenue) * (1 if year == latest else Decimal("0.92")),
                        "rnd_spend": _wan(rnd) * (1 if year == latest else Decimal("0.88")),
                    }
                    for year in years
                ],
            )

    # -- the lifecycle --------------------------------------------------------------------

    def advance(self, demand: Demand, spec: DemandText, user: User) -> None:
        """Submit the demand and take it through the desks to `spec.target`."""
        steps = STEPS[spec.target]
        if steps == 0:
            return
        try:
            services.submit_demand(demand_id=demand.pk, by=user)
        except DomainError as error:
            problems = "；".join(d.get("message", "") for d in error.details or ())
            raise CommandError(f"演示需求“{spec.title}”未能提交：{error}{problems}") from error
        district = demand.organization.district
        if steps == 1:
            return
        if spec.target == DemandState.RETURNED:
            services.return_demand(
                demand_id=demand.pk, by=self.officer(district), reason=spec.reason
            )
            return
        if district is not None:  # a unit outside the city goes straight to the bureau
            services.recommend_demand(
                demand_id=demand.pk, by=self.officer(district), opinion=RECOMMEND_OPINION
            )
        if steps == 2:
            return
        services.accept_demand(demand_id=demand.pk, by=self.bureau, opinion=ACCEPT_OPINION)
        if steps == 4 and self.call.expert_review_of_demands:
            services.record_demand_review(
                demand_id=demand.pk, by=self.bureau, approved=True, opinion=REVIEW_OPINION
            )

    def seed(self, spec: DemandText) -> Demand:
        org = Organization.objects.select_related("district").get(uscc=ORG_BY_KEY[spec.org].uscc)
        user = self.applicant(org, spec.org, spec.author)
        demand = services.create_demand(
            call=self.call, org=org, by=user, category=spec.category, title=spec.title
        )
        self.fill(demand, spec, org, user)
        self.advance(demand, spec, user)
        return demand

    def publish(self, demands: list[Demand]) -> PublicationBatch:
        number = PublicationBatch.objects.filter(call=self.call).count()
        numeral = BATCH_NUMERALS[number] if number < len(BATCH_NUMERALS) else str(number + 1)
        deadline = dt.datetime.combine(
            clock.today() + dt.timedelta(days=SOLICITATION_DAYS),
            dt.time(17, 30),
            tzinfo=clock.BEIJING,
        )
        return services.publish_demands(
            call=self.call,
            demand_ids=[d.pk for d in demands],
            title=f"{self.call.year}年第{numeral}批揭榜挂帅榜单",
            solicitation_deadline=deadline,
            by=self.bureau,
        )


def seed_demands() -> list[str]:
    """Seed the demo call's demands that do not exist yet; returns the lines to print."""
    call = Call.objects.filter(name=DEMO_CALL_NAME, is_active=True).order_by("-year").first()
    if call is None:
        return ["演示需求：没有开放中的演示批次，未生成需求。"]
    existing = set(Demand.objects.filter(call=call).values_list("title", flat=True))
    todo = [spec for spec in DEMANDS if spec.title not in existing]
    seeder = DemandSeeder(call)
    with _quiet(), transaction.atomic():
        seeded = [(spec, seeder.seed(spec)) for spec in todo]
        to_publish = [d for spec, d in seeded if spec.target == DemandState.PUBLISHED]
        batch = seeder.publish(to_publish) if to_publish else None
    states = dict.fromkeys(spec.target for spec in DEMANDS)
    for state in states:
        titles = [spec.title for spec in DEMANDS if spec.target == state]
        states[state] = Demand.objects.filter(call=call, title__in=titles, state=state).count()
    summary = "，".join(f"{DemandState(s).label}{n}" for s, n in states.items())
    lines = [
        f"演示需求（{call.year}年{call.name}）：新建{len(seeded)}，"
        f"已存在{len(DEMANDS) - len(todo)}；{summary}。"
    ]
    if batch is not None:
        lines.append(
            f"已发布“{batch.title}”，揭榜截止 {clock.format_beijing(batch.solicitation_deadline)}。"
        )
    if seeder.accounts_created:
        lines.append(f"为需求办理新建账号（密码同下表）：{'、'.join(seeder.accounts_created)}。")
    return lines

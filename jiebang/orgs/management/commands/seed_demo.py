"""`manage.py seed_demo`: a demo data set that exercises every role and every restriction.

Idempotent: every row is keyed by a natural key (district code, industry code, USCC,
username, call year + name, city-project code, ID blind index, credit subject + kind +
source document, relation subject + object + kind). A second run changes nothing; a run
on a later day only moves the dates that are defined relative to today (the demo call's
windows, the credit penalties, the young unit's registration date, project end dates).

Seeding is setup, not a user action: rows are written with the ORM, except personal data
(phones, mobiles, ID numbers), which goes through the orgs services that encrypt, index
and mask it. No audit entries and no notifications are written, except by the demo call's
demands (`_seed_demands`), which go through the demand services like real submissions.

Every demo account shares DEMO_PASSWORD; an existing demo account whose password was
changed gets it back (so the printed table stays true). Never run this on a production
database: it creates units and accounts with a published password.

The data tables live beside this command: `_seed_units` (reference data, identifiers, units,
relations), `_seed_people` (people, city projects, credit records) and `_seed_accounts`
(accounts, the demo password, the printed table). `ORG_BY_KEY` and `demo_accounts` are
re-exported here (`import x as x`) for the tests.
"""

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.orgs import services
from jiebang.orgs.enums import RecordSource, TechCertification, VerificationState
from jiebang.orgs.management.commands._seed_accounts import (
    ACCOUNTS,
    DEMO_PASSWORD,
    accounts_table,
    demo_password_hash,
)
from jiebang.orgs.management.commands._seed_accounts import demo_accounts as demo_accounts
from jiebang.orgs.management.commands._seed_demands import seed_demands
from jiebang.orgs.management.commands._seed_experts import seed_experts
from jiebang.orgs.management.commands._seed_people import CREDITS, PERSONS, PROJECTS
from jiebang.orgs.management.commands._seed_projects import seed_projects
from jiebang.orgs.management.commands._seed_units import (
    CALL_2024_GUIDE,
    CALL_2024_NAME,
    DEMO_CALL_NAME,
    DISTRICTS,
    INDUSTRIES,
    ORGS,
    OUT_OF_CITY,
    PEOPLE_POOL,
    RELATIONS,
    STREETS,
    OrgSpec,
    _digest,
    _pick,
)
from jiebang.orgs.management.commands._seed_units import ORG_BY_KEY as ORG_BY_KEY
from jiebang.orgs.models import (
    CityProject,
    CityProjectPrincipal,
    CreditRecord,
    District,
    Organization,
    OrgRelation,
    Person,
    User,
)


def _differs(obj, name, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class Command(BaseCommand):
    help = "创建演示数据（区县、产业、批次、单位、账号、人员、关联关系、信用记录、市级项目），可重复执行。"

    def handle(self, *args, **options):
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}
        self.now = clock.now()
        self.today = clock.today()
        with transaction.atomic():
            districts = self.seed_districts()
            industries = self.seed_industries()
            self.seed_calls(industries)
            orgs = self.seed_organizations(districts)
            persons = self.seed_persons(orgs)
            self.seed_accounts(orgs, districts, persons)
            self.seed_relations(orgs)
            self.seed_credit(orgs, persons)
            self.seed_city_projects(orgs, persons)
        summary = "，".join(
            f"{label} 新建{self.created.get(label, 0)}/更新{self.updated.get(label, 0)}"
            for label in ("区县", "产业", "批次", "单位", "人员", "账号", "关联", "信用", "项目")
        )
        self.stdout.write(f"演示数据已就绪：{summary}。")
        # The demo call's demands, through the demand services (own transaction).
        for line in seed_demands():
            self.stdout.write(line)
        # The expert pool and a draft review round over the accepted demand (own transaction).
        for line in seed_experts():
            self.stdout.write(line)
        # Projects from demands of earlier calls, replayed through the services at past
        # dates: initiated, in progress, awaiting acceptance (own transaction).
        for line in seed_projects():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("演示账号 Demo accounts:")
        self.stdout.write(accounts_table())

    # -- helpers --------------------------------------------------------------------------

    def _count(self, label: str, created: bool, changed: bool = True) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1
        elif changed:
            self.updated[label] = self.updated.get(label, 0) + 1

    def _sync(
        self,
        label,
        model,
        lookup: dict,
        values: dict,
        create_only: dict | None = None,
        prepare=None,
    ):
        """Get the row by its natural key and bring `values` up to date; create it if missing.

        Only changed columns are written (`update_fields`), so encrypted columns are never
        re-sealed and a repeated run leaves every row untouched. `create_only` values (FSM
        states, creation times) are set when the row is created and never overwritten.
        """
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            if prepare is not None:
                prepare(obj)
            obj.save()
            self._count(label, created=True)
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
            self._count(label, created=False)
        return obj

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.BEIJING)

    # -- reference data -------------------------------------------------------------------

    def seed_districts(self) -> dict[str, District]:
        return {
            code: self._sync(
                "区县",
                District,
                {"code": code},
                {"name": name, "alias": alias, "office_name": office, "sort_order": i},
            )
            for i, (code, name, alias, office) in enumerate(DISTRICTS, 1)
        }

    def seed_industries(self) -> list[Industry]:
        return [
            self._sync("产业", Industry, {"code": code}, {"name": name, "sort_order": i})
            for i, (code, name) in enumerate(INDUSTRIES, 1)
        ]

    def seed_calls(self, industries) -> None:
        b = clock.BEIJING
        call_2024 = self._sync(
            "批次",
            Call,
            {"year": 2024, "name": CALL_2024_NAME},
            {
                "guide_reference": CALL_2024_GUIDE,
                "is_active": False,
                # 五(一)1: online submission 2024-08-01 10:00 – 2024-08-30 19:30.
                "submission_opens_at": dt.datetime(2024, 8, 1, 10, 0, tzinfo=b),
                "submission_closes_at": dt.datetime(2024, 8, 30, 19, 30, tzinfo=b),
                # 五(一)2: "2024年9月2日24:00" is the first instant of 3 September.
                "recommendation_deadline": dt.datetime(2024, 9, 3, 0, 0, tzinfo=b),
                # The guide is silent on resubmitting a returned demand; the platform's choice
                # for 2024 is 2 September 19:30, leaving the districts the evening to recommend.
                "resubmission_deadline": dt.datetime(2024, 9, 2, 19, 30, tzinfo=b),
                "min_total_investment": Decimal("5000000.00"),
            },
        )
        call_2024.industries.set(industries)

        # The demo call: open now, so every role has something to do.
        opens_on = self.today - dt.timedelta(days=30)
        closes_on = self.today + dt.timedelta(days=30)
        demo = self._sync(
            "批次",
            Call,
            {"year": self.today.year, "name": DEMO_CALL_NAME},
            {
                "guide_reference": "演示用批次：参数同2024年度申报指南，时间窗口随演示数据生成日期滚动",
                "is_active": True,
                "submission_opens_at": self._at(opens_on, 10),
                "submission_closes_at": self._at(closes_on, 19, 30),
                # "24:00 three days after the close" = 00:00 on the fourth day.
                "recommendation_deadline": self._at(closes_on + dt.timedelta(days=4), 0),
                "resubmission_deadline": self._at(closes_on + dt.timedelta(days=2), 19, 30),
            },
        )
        demo.industries.set(industries)
        # A demo call of an earlier year (seeded before New Year) is no longer current.
        Call.objects.filter(name=DEMO_CALL_NAME, is_active=True).exclude(pk=demo.pk).update(
            is_active=False
        )

    # -- units ----------------------------------------------------------------------------

    def _org_values(self, spec: OrgSpec, districts) -> dict:
        if spec.is_local:
            street = _pick(STREETS[spec.area], spec.name, "street")
            district_name = next(d[1] for d in DISTRICTS if d[0] == spec.area)
            address = (
                spec.address or f"乌鲁木齐市{district_name}{street}{_digest(spec.name) % 400 + 1}号"
            )
        else:
            address = (
                spec.address or f"{OUT_OF_CITY[spec.area][0]}科技路{_digest(spec.name) % 200 + 1}号"
            )
        since = spec.since
        if spec.registered_days_ago is not None:
            since = self.today - dt.timedelta(days=spec.registered_days_ago)
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "is_independent_legal_person": spec.independent,
            "district": districts[spec.area] if spec.is_local else None,
            "registered_in_city_on": since if spec.is_local else None,
            "address": address,
            "legal_representative": _pick(PEOPLE_POOL, spec.name, "legal"),
            "contact_name": _pick(PEOPLE_POOL, spec.name, "contact"),
            "tech_certification": spec.cert,
            "tech_certificate_number": "",
            "tech_certificate_valid_until": None,
        }
        if spec.cert:
            # The number is stable; the validity moves with today so that the demo keeps
            # its valid (and its expired) certificates whenever it is seeded.
            serial = _digest(spec.name) % 100000
            values["tech_certificate_number"] = (
                f"GR2023{spec.area[:2]}{serial:06d}"
                if spec.cert == TechCertification.HIGH_TECH
                else f"2024{spec.area}{serial:07d}"
            )
            values["tech_certificate_valid_until"] = self.today + dt.timedelta(
                days=spec.cert_valid_days
            )
        return values

    def _org_phone(self, spec: OrgSpec) -> str:
        prefix = "0991" if spec.is_local else OUT_OF_CITY[spec.area][1]
        digits = 8 if len(prefix) == 3 else 7
        number = str(_digest(spec.name + "phone"))[:digits]
        number = str(int(number[0]) % 6 + 2) + number[1:]  # local numbers start with 2–7
        return f"{prefix}-{number}"

    def seed_organizations(self, districts) -> dict[str, Organization]:
        orgs = {}
        for spec in ORGS:
            phone = self._org_phone(spec)
            verified = spec.state == VerificationState.VERIFIED
            org = self._sync(
                "单位",
                Organization,
                {"uscc": spec.uscc},
                self._org_values(spec, districts),
                create_only={
                    "verification_state": spec.state,
                    "verification_reason": spec.reason,
                    "verified_at": self.now if verified else None,
                    "created_at": self.now,
                },
                prepare=lambda o, phone=phone: services.set_contact_phone(o, phone),
            )
            if org.contact_phone != phone:
                services.set_contact_phone(org, phone)
                org.save(update_fields=["contact_phone", "contact_phone_masked"])
            orgs[spec.key] = org
        return orgs

    # -- people ---------------------------------------------------------------------------

    def seed_persons(self, orgs) -> dict[str, Person]:
        persons = {}
        for spec in PERSONS:
            org = orgs[spec.org]
            person = Person.objects.filter(id_index=blind_index(spec.id_number)).first()
            if (
                person is None
                or person.name != spec.name
                or person.title != spec.title
                or person.organization_id != org.pk
            ):
                self._count("人员", created=person is None)
                person = services.upsert_person(
                    name=spec.name, id_number=spec.id_number, title=spec.title, organization=org
                )
            persons[spec.key] = person
        return persons

    # -- accounts -------------------------------------------------------------------------

    def seed_accounts(self, orgs, districts, persons) -> None:
        for spec in ACCOUNTS:
            user = self._sync(
                "账号",
                User,
                {"username": spec.username},
                {
                    "real_name": spec.real_name,
                    "email": spec.email or f"{spec.username}@example.com",
                    "organization": orgs[spec.org] if spec.org else None,
                    "district": districts[spec.district] if spec.district else None,
                    "is_active": True,
                    "is_staff": spec.superuser,
                    "is_superuser": spec.superuser,
                },
                create_only={"account_state": spec.state},
                prepare=lambda u: setattr(u, "password", demo_password_hash()),
            )
            if user.password != demo_password_hash() and not user.check_password(DEMO_PASSWORD):
                user.password = demo_password_hash()
                user.save(update_fields=["password"])
            if user.mobile != spec.mobile:
                if services.mobile_taken(spec.mobile, exclude_user_id=user.pk):
                    self.stderr.write(
                        f"手机号 {spec.mobile} 已被其他账号使用，{spec.username} 未设置手机号。"
                    )
                else:
                    services.set_mobile(user, spec.mobile)
                    user.save(update_fields=["mobile", "mobile_index", "mobile_masked"])
            if spec.roles and not set(map(str, spec.roles)) <= user.role_names:
                services.assign_roles(user, *spec.roles)
            if spec.person:
                person = persons[spec.person]
                if person.user_id != user.pk:
                    person.user = user
                    person.save(update_fields=["user"])

    # -- relations, credit, history -------------------------------------------------------

    def seed_relations(self, orgs) -> None:
        for subject, obj, kind, percent, note in RELATIONS:
            self._sync(
                "关联",
                OrgRelation,
                {"subject": orgs[subject], "object": orgs[obj], "kind": kind},
                {"percent": percent, "note": note, "source": RecordSource.BUREAU},
                create_only={"created_at": self.now},
            )

    def seed_credit(self, orgs, persons) -> None:
        for subject_kind, key, kind, decided_ago, end_in, bars, document, description in CREDITS:
            decided = self.today - dt.timedelta(days=decided_ago)
            subject = (
                {"organization": orgs[key], "person": None}
                if subject_kind == "org"
                else {"organization": None, "person": persons[key]}
            )
            self._sync(
                "信用",
                CreditRecord,
                {**subject, "kind": kind, "source_document": document},
                {
                    "decided_on": decided,
                    "penalty_start": decided,
                    "penalty_end": None
                    if end_in is None
                    else self.today + dt.timedelta(days=end_in),
                    "bars_city_fiscal_projects": bars,
                    "description": description,
                },
                create_only={"recorded_at": self.now},
            )

    def seed_city_projects(self, orgs, persons) -> None:
        for spec in PROJECTS:
            project = self._sync(
                "项目",
                CityProject,
                {"code": spec.code},
                {
                    "title": spec.title,
                    "organization": orgs[spec.org],
                    "year": self.today.year - spec.years_ago,
                    "is_rnd": spec.is_rnd,
                    "status": spec.status,
                    "planned_end": self.today + dt.timedelta(days=spec.end_days),
                    "accepted_on": (
                        None
                        if spec.accepted_days is None
                        else self.today + dt.timedelta(days=spec.accepted_days)
                    ),
                    "source": RecordSource.IMPORTED,
                },
            )
            wanted = [
                (position, persons[key].pk) for position, key in enumerate(spec.principals, 1)
            ]
            current = list(
                project.principals.order_by("position").values_list("position", "person_id")
            )
            if current != wanted:
                project.principals.all().delete()
                CityProjectPrincipal.objects.bulk_create(
                    CityProjectPrincipal(project=project, person_id=person_id, position=position)
                    for position, person_id in wanted
                )

"""factory-boy factories producing valid Chinese identifiers and realistic rows."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.core.masking import mask_id_number
from jiebang.core.validators import id_check_digit, uscc_check_character
from jiebang.orgs.enums import AccountState, OrgKind, VerificationState
from jiebang.orgs.models import (
    CityProject,
    CityProjectPrincipal,
    CreditRecord,
    District,
    Organization,
    Person,
    User,
)
from jiebang.orgs.services import set_mobile

BEIJING = clock.BEIJING


def make_uscc(n: int) -> str:
    """A valid USCC: 91 (enterprise) + 650100 (Urumqi) + a 9-character sequence + check."""
    first17 = f"91650100{n:09d}"
    return first17 + uscc_check_character(first17)


def make_id_number(n: int, birth: str = "19800101") -> str:
    """A valid resident ID number: 650102 (Tianshan) + birth date + a 3-digit sequence + check."""
    first17 = f"650102{birth}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def beijing(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    office_name = factory.LazyAttribute(lambda o: f"{o.name}科技局")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"乌鲁木齐测试科技有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(n + 1))
    kind = OrgKind.ENTERPRISE
    district = factory.SubFactory(DistrictFactory)
    registered_in_city_on = dt.date(2015, 3, 1)
    address = "乌鲁木齐市天山区测试路1号"
    contact_name = "张联系"
    verification_state = VerificationState.VERIFIED
    created_at = factory.LazyFunction(clock.now)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"用户{n}")
    account_state = AccountState.ACTIVE
    password = factory.PostGenerationMethodCall("set_password", "Jiebang!2024")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*[Group.objects.get_or_create(name=str(r))[0] for r in extracted])
            self._role_names = None

    @factory.post_generation
    def mobile_number(self, create, extracted, **kwargs):
        if extracted:
            set_mobile(self, extracted)
        self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        id_plain = factory.Sequence(lambda n: make_id_number(n))

    name = factory.Sequence(lambda n: f"人员{n}")
    id_number = factory.SelfAttribute("id_plain")
    id_index = factory.LazyAttribute(lambda o: blind_index(o.id_plain))
    id_masked = factory.LazyAttribute(lambda o: mask_id_number(o.id_plain))
    organization = factory.SubFactory(OrganizationFactory)


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ind{n}")
    name = factory.Sequence(lambda n: f"产业{n}")


class CallFactory(factory.django.DjangoModelFactory):
    """The 2024 call with the guide's values."""

    class Meta:
        model = Call

    year = 2024
    name = "乌鲁木齐市2024年度重点领域科技创新攻关项目“揭榜挂帅”需求征集"
    submission_opens_at = beijing(2024, 8, 1, 10, 0)
    submission_closes_at = beijing(2024, 8, 30, 19, 30)
    recommendation_deadline = beijing(2024, 9, 3, 0, 0)
    resubmission_deadline = beijing(2024, 9, 2, 19, 30)
    min_total_investment = Decimal("5000000.00")


class CityProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityProject

    code = factory.Sequence(lambda n: f"WLMQ-2023-{n:04d}")
    title = factory.Sequence(lambda n: f"历史市级科技项目{n}")
    organization = factory.SubFactory(OrganizationFactory)
    year = 2023
    is_rnd = True
    status = "ongoing"
    planned_end = dt.date(2025, 12, 31)


class CityProjectPrincipalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityProjectPrincipal

    project = factory.SubFactory(CityProjectFactory)
    person = factory.SubFactory(PersonFactory)
    position = 1


class CreditRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditRecord

    kind = "serious_dishonesty"
    decided_on = dt.date(2023, 5, 1)
    penalty_start = dt.date(2023, 5, 1)
    penalty_end = dt.date(2026, 4, 30)
    bars_city_fiscal_projects = True
    source_document = "测试文件〔2023〕1号"
    recorded_at = factory.LazyFunction(clock.now)

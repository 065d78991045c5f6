"""Demo data for `manage.py seed_demo`: the demo accounts, their shared password and the
table the command prints.
"""

import functools
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.management.commands._seed_units import BUREAU_NAME, DISTRICTS, ORG_BY_KEY, TS, XS

DEMO_PASSWORD = "Jiebang@2024"

# ---------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    username: str
    real_name: str
    mobile: str
    roles: tuple = ()
    org: str | None = None
    district: str | None = None
    state: str = AccountState.ACTIVE
    superuser: bool = False
    person: str | None = None
    where_label: str = ""
    role_label_override: str = ""
    email: str = ""

    @property
    def role_label(self) -> str:
        if self.role_label_override:
            return self.role_label_override
        return "、".join(str(Role(role).label) for role in self.roles)

    @property
    def where(self) -> str:
        if self.where_label:
            return self.where_label
        if self.org:
            return ORG_BY_KEY[self.org].name
        if self.district:
            return next(d[3] for d in DISTRICTS if d[0] == self.district)
        return BUREAU_NAME


ACCOUNTS = (
    AccountSpec(
        "bureau", "王建华", "13899100001", (Role.BUREAU_OFFICER,), email="bureau@example.com"
    ),
    AccountSpec("district_tianshan", "李梅", "13899100002", (Role.DISTRICT_OFFICER,), district=TS),
    AccountSpec(
        "district_gaoxin", "艾力·买买提", "13899100003", (Role.DISTRICT_OFFICER,), district=XS
    ),
    AccountSpec(
        "unit_admin",
        "张伟",
        "13899100004",
        (Role.ORG_ADMIN, Role.APPLICANT),
        org="xuefeng",
        person="zhangwei",
    ),
    AccountSpec(
        "applicant", "刘洋", "13899100005", (Role.APPLICANT,), org="xuefeng", person="liuyang"
    ),
    AccountSpec(
        "applicant_pending",
        "陈静",
        "13899100006",
        (Role.APPLICANT,),
        org="xuefeng",
        state=AccountState.PENDING,
        person="chenjing",
        role_label_override="申报人（待单位管理员审批，暂不能登录）",
    ),
    # register_organization gives a unit's administrator both roles; so does the seed.
    AccountSpec(
        "research_admin", "孙海波", "13899100007", (Role.ORG_ADMIN, Role.APPLICANT), org="xju"
    ),
    AccountSpec(
        "expert",
        "赵志强",
        "13899100008",
        (Role.EXPERT,),
        person="zhaozhiqiang",
        where_label="评审专家库（新疆大学）",
    ),
    AccountSpec(
        "auditor",
        "孙丽",
        "13899100009",
        (Role.AUDITOR,),
        where_label="市纪委监委驻市科技局纪检监察组",
    ),
    AccountSpec(
        "admin",
        "系统管理员",
        "13899100010",
        superuser=True,
        role_label_override="系统管理员（Django 管理后台）",
        where_label="/django-admin/",
    ),
)


@functools.cache
def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once, with a fixed salt.

    The password is published, so a per-account salt protects nothing here; a fixed one
    makes the hash deterministic: a repeated seed compares strings instead of running the
    (deliberately slow) hasher twenty times, and leaves the stored hashes untouched.
    """
    # At least 22 characters, or Django would re-hash the password at every login.
    return make_password(DEMO_PASSWORD, salt="JiebangDemoSeedSalt2024")


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role label in Chinese, unit or district) of every demo account."""
    return [(a.username, a.role_label, a.where) for a in ACCOUNTS]


# ---------------------------------------------------------------------------------------
# The table the command prints
# ---------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def accounts_table(rows=None) -> str:
    """The demo accounts as an aligned text table (CJK characters count double)."""
    header = ("用户名 username", "角色 role", "单位/区县 unit or district", "密码 password")
    body = [(u, r, w, DEMO_PASSWORD) for u, r, w in (rows or demo_accounts())]
    widths = [max(_display_width(row[i]) for row in (header, *body)) for i in range(4)]
    rule = "-+-".join("-" * w for w in widths)
    lines = [" | ".join(_pad(c, w) for c, w in zip(header, widths, strict=True)).rstrip(), rule]
    lines += [
        " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body
    ]
    return "\n".join(lines)

"""Validators for Chinese identifiers: USCC (GB 32100-2015), resident ID (GB 11643), mobiles.

Each `is_valid_*` is a pure predicate; each `validate_*` raises a Chinese ValidationError.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiebang.core import clock

# GB 32100-2015: 31 characters, the digits and the capitals without I, O, Z, S, V.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(rf"^[{USCC_CHARSET}]{{18}}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    if not isinstance(value, str) or not USCC_RE.match(value):
        return False
    return uscc_check_character(value[:17]) == value[17]


def validate_uscc(value: str) -> None:
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。"),
            code="uscc_length",
            params={"n": len(value)},
        )
    if not USCC_RE.match(value):
        raise ValidationError(
            _("统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）。"), code="uscc_charset"
        )
    if uscc_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对营业执照或法人证书上的代码。"), code="uscc_check"
        )


def id_check_digit(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def is_valid_id_number(value: str) -> bool:
    if not isinstance(value, str) or not ID_RE.match(value):
        return False
    birth = id_birth_date(value)
    if birth is None or birth.year < 1900 or birth > clock.today():
        return False
    return id_check_digit(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    value = (value or "").strip().upper()
    if not ID_RE.match(value):
        raise ValidationError(
            _("居民身份证号应为18位：前17位为数字，最后一位为数字或X。"), code="id_format"
        )
    birth = id_birth_date(value)
    if birth is None or birth.year < 1900 or birth > clock.today():
        raise ValidationError(_("居民身份证号中的出生日期无效。"), code="id_birth")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("居民身份证号校验位不正确，请核对。"), code="id_check")


def is_valid_mobile(value: str) -> bool:
    return isinstance(value, str) and bool(MOBILE_RE.match(value))


def validate_mobile(value: str) -> None:
    if not is_valid_mobile((value or "").strip()):
        raise ValidationError(_("请输入11位中国大陆手机号码，例如 13812345678。"), code="mobile")


def validate_phone(value: str) -> None:
    """A mobile number or a landline such as 0991-2824158."""
    value = (value or "").strip()
    if is_valid_mobile(value) or re.match(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$", value):
        return
    raise ValidationError(_("请输入手机号码或带区号的固定电话，例如 0991-2824158。"), code="phone")

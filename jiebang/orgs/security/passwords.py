"""The password policy: at least 8 characters from at least 3 of the 4 character classes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> set[str]:
    """The classes present in `password`: upper- and lower-case letters, digits, and
    symbols (anything else: punctuation, spaces, Chinese characters)."""
    found = set()
    for char in password:
        if char.isupper():
            found.add("大写字母")
        elif char.islower():
            found.add("小写字母")
        elif char.isdigit():
            found.add("数字")
        else:
            found.add("符号")
    return found


class CharacterClassesValidator:
    """Length ≥ `min_length` and at least `min_classes` of upper, lower, digit, symbol.

    It replaces Django's MinimumLengthValidator in AUTH_PASSWORD_VALIDATORS so a short
    password gets one message, not two.
    """

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    _("密码太短，至少需要 %(min_length)d 个字符。"),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if len(character_classes(password)) < self.min_classes:
            errors.append(
                ValidationError(
                    _("密码须包含大写字母、小写字母、数字、符号中的至少 %(min_classes)d 类。"),
                    code="password_too_simple",
                    params={"min_classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _(
            "密码至少 %(min_length)d 个字符，且包含大写字母、小写字母、数字、符号中的至少 "
            "%(min_classes)d 类。"
        ) % {"min_length": self.min_length, "min_classes": self.min_classes}

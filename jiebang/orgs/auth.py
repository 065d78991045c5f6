from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from jiebang.core.crypto import blind_index
from jiebang.core.validators import is_valid_mobile
from jiebang.orgs.enums import AccountState


def find_account(identifier: str | None):
    """The account a login name designates: its username, or else its mobile number
    (matched through the blind index). None when it designates no account."""
    if not identifier:
        return None
    user_model = get_user_model()
    identifier = identifier.strip()
    user = user_model.objects.filter(username=identifier).first()
    if user is None and is_valid_mobile(identifier):
        user = user_model.objects.filter(mobile_index=blind_index(identifier)).first()
    return user


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number (matched through its blind index).

    Pending and disabled accounts cannot log in.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_account(username)
        if user is None:
            get_user_model()().set_password(
                password
            )  # same cost as a real check: no user enumeration by timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.account_state == AccountState.ACTIVE

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from jiebang.core.crypto import blind_index
from jiebang.core.validators import is_valid_mobile
from jiebang.orgs.enums import AccountState


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number (matched through its blind index).

    Pending and disabled accounts cannot log in.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user_model = get_user_model()
        username = username.strip()
        user = user_model.objects.filter(username=username).first()
        if user is None and is_valid_mobile(username):
            user = user_model.objects.filter(mobile_index=blind_index(username)).first()
        if user is None:
            user_model().set_password(
                password
            )  # same cost as a real check: no user enumeration by timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.account_state == AccountState.ACTIVE

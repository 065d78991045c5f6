"""What the session remembers for the security checks, as Unix timestamps from core.clock.

- LOGIN_AT: when the session was signed in (the absolute limit counts from it)
- SEEN_AT:  the last activity, kept to ACTIVITY_RESOLUTION (the idle limit counts from it)
- AUTH_AT:  the last password or TOTP confirmation (re-authentication counts from it);
            absent after a login that confirmed nothing (e.g. the test client's
            force_login), which therefore asks for the password before a sensitive action.
"""

from jiebang.core import clock

LOGIN_AT = "jiebang_login_at"
SEEN_AT = "jiebang_seen_at"
AUTH_AT = "jiebang_auth_at"
LOGOUT_REASON_ATTR = "jiebang_logout_reason"

# The last-activity time is rewritten at most once a minute: an active user's session is
# saved once a minute rather than on every request. The idle limit may therefore end a
# session up to a minute before the full idle period after the very last request.
ACTIVITY_RESOLUTION = 60


def timestamp() -> float:
    return clock.now().timestamp()


def start_clock(session) -> None:
    """A new signed-in session: login time and last activity are now."""
    moment = timestamp()
    session[LOGIN_AT] = moment
    session[SEEN_AT] = moment


def mark_confirmed(session) -> None:
    """The user has just confirmed their password or a TOTP code."""
    session[AUTH_AT] = timestamp()


def seconds_since_confirmed(session) -> float | None:
    confirmed = session.get(AUTH_AT)
    if confirmed is None:
        return None
    return timestamp() - confirmed

"""Account security (等保 2.0 level 3): password policy, lockout after failed logins,
TOTP for staff, session timeouts, re-authentication before sensitive actions and the
login history.

- `passwords`   the character-class password validator (AUTH_PASSWORD_VALIDATORS)
- `lockout`     django-axes hooks: one lock per account, the Chinese lockout page
- `sessions`    what the session remembers: login time, last activity, last confirmation
- `middleware`  session timeouts and the TOTP requirement, for every page
- `reauth`      `require_recent_auth` / `reauth_required` for sensitive actions
- `services`    every write: login events, unlock, TOTP enrolment/verification/reset
- `selectors`   login history and account lists, scoped to who is asking
- `receivers`   Django's auth signals → services (the only hook for failed logins)
- `views`, `forms`, templates under orgs/templates/orgs/security/
"""

"""System checks of the security settings (docs/security.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_AUDIT_RETENTION_DAYS = 180  # 等保 2.0: audit records kept at least six months


@register()
def audit_retention(app_configs, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    if not isinstance(days, int) or days < MIN_AUDIT_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {days!r}; audit entries must be kept at least "
                f"{MIN_AUDIT_RETENTION_DAYS} days.",
                hint="Set AUDIT_RETENTION_DAYS to 180 or more (default 1095).",
                id="jiebang.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs):
    """In production the personal-data keys are set, not derived from SECRET_KEY."""
    problems = []
    if not (settings.PERSONAL_DATA_KEYS or settings.PERSONAL_DATA_KEY):
        problems.append(
            Warning(
                "Personal data is encrypted under a key derived from SECRET_KEY.",
                hint="Set PERSONAL_DATA_KEYS (id:base64 of 32 random bytes), see .env.example.",
                id="jiebang.W001",
            )
        )
    if not settings.BLIND_INDEX_KEY:
        problems.append(
            Warning(
                "Blind indexes are keyed with a key derived from SECRET_KEY.",
                hint="Set BLIND_INDEX_KEY (base64 of 32 random bytes), see .env.example.",
                id="jiebang.W002",
            )
        )
    return problems


@register(Tags.security)
def personal_data_keys_valid(app_configs, **kwargs):
    """The configured keys parse (ids, 32-byte keys) so no request fails on them later."""
    from django.core.exceptions import ImproperlyConfigured

    from jiebang.core import crypto

    try:
        crypto.data_keys()
        crypto.index_key()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="jiebang.E002")]
    return []

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


PRIVATE_STORAGE_KINDS = ("filesystem", "s3")


@register()
def private_storage(app_configs, **kwargs):
    """PRIVATE_STORAGE=s3 has what it needs; otherwise the first upload or download would
    fail in front of a user instead of at start-up."""
    kind = getattr(settings, "PRIVATE_STORAGE", "filesystem")
    if kind not in PRIVATE_STORAGE_KINDS:
        return [
            Error(
                f"PRIVATE_STORAGE is {kind!r}; it must be one of "
                f"{', '.join(PRIVATE_STORAGE_KINDS)}.",
                hint="Unset it (files under PRIVATE_MEDIA_ROOT) or set PRIVATE_STORAGE=s3.",
                id="jiebang.E003",
            )
        ]
    if kind != "s3":
        return []
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    from jiebang.core.storage import S3_BACKEND, s3_location

    problems = []
    try:
        # django-storages raises ImproperlyConfigured when it is there but boto3 is not.
        import_string(S3_BACKEND)
    except (ImportError, ImproperlyConfigured):
        problems.append(
            Error(
                "PRIVATE_STORAGE=s3 needs django-storages and boto3, which are not installed.",
                hint='Install the extra: pip install ".[s3]" (or "jiebang[s3]").',
                id="jiebang.E004",
            )
        )
    backend = settings.STORAGES.get("private", {}).get("BACKEND")
    if backend != S3_BACKEND:
        problems.append(
            Error(
                f'PRIVATE_STORAGE=s3 but STORAGES["private"] uses {backend!r}.',
                hint=f"Leave STORAGES['private'] to the settings module ({S3_BACKEND}).",
                id="jiebang.E005",
            )
        )
    elif not s3_location()["bucket"]:
        problems.append(
            Error(
                "PRIVATE_STORAGE=s3 but S3_BUCKET is not set.",
                hint="Set S3_BUCKET (and S3_ENDPOINT_URL for MinIO, OBS or OSS), see .env.example.",
                id="jiebang.E006",
            )
        )
    return problems

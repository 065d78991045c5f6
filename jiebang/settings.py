"""One env-driven settings module for every deployment (see .env.example)."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key is allowed so that `make run` works on a fresh clone; production sets
# SECRET_KEY (check --deploy flags the default).
SECRET_KEY = env("SECRET_KEY", default="django-insecure-jiebang-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "django_htmx",
    "csp",
    "import_export",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Account security (jiebang/orgs/security): before jiebang.orgs, whose failed-login
    # receiver reads the verdict django-axes' receiver leaves on the request.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "jiebang.core",
    "jiebang.orgs",
    "jiebang.calls",
    "jiebang.eligibility",
    "jiebang.demands",
    "jiebang.notices",
    "jiebang.proposals",
    "jiebang.review",
    "jiebang.projects",
    "jiebang.portal",
    "jiebang.dashboard",
    "jiebang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication and messages: who is signed in, whether with a TOTP code, then
    # the session limits and the TOTP requirement; axes last (it turns a lockout into the
    # login page with the reason).
    "django_otp.middleware.OTPMiddleware",
    "jiebang.orgs.security.middleware.SessionTimeoutMiddleware",
    "jiebang.orgs.security.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiebang.urls"
WSGI_APPLICATION = "jiebang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiebang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiebang.core.context_processors.site",
            ],
            "builtins": [
                "jiebang.core.templatetags.jiebang",
                "jiebang.demands.templatetags.demand_tags",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jiebang.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue
    # instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Django's RedisCache, one redis.Redis client per process (jiebang/core/cache_backends.py).
    CACHES = {
        "default": {"BACKEND": "jiebang.core.cache_backends.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public hall, demand pages and feeds as anonymous visitors see them (jiebang/portal/
# cache.py); 0 turns it off. Without Redis each process caches alone: keep it short then.
HALL_CACHE_SECONDS = env.int("HALL_CACHE_SECONDS", default=300)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic jobs (run `celery -A jiebang beat` beside the workers in production).
CELERY_BEAT_SCHEDULE = {
    "review-reminders": {"task": "jiebang.review.tasks.send_review_reminders", "schedule": 3600.0},
    "project-overdue": {
        "task": "jiebang.projects.tasks.mark_overdue_projects_daily",
        "schedule": crontab(hour=1, minute=5),
    },
    "project-report-reminders": {
        "task": "jiebang.projects.tasks.remind_progress_reports_daily",
        "schedule": crontab(hour=8, minute=30),
    },
    "export-purge": {
        "task": "jiebang.core.tasks.purge_export_jobs_daily",
        "schedule": crontab(hour=2, minute=15),
    },
    "audit-verify": {
        "task": "jiebang.core.tasks.verify_audit_daily",
        "schedule": crontab(hour=3, minute=30),
    },
}

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    # First: django-axes refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "jiebang.orgs.auth.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ≥ 8 characters from ≥ 3 of upper, lower, digit, symbol (it also checks the length,
    # so Django's MinimumLengthValidator would only repeat its message).
    {
        "NAME": "jiebang.orgs.security.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_length": 8, "min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# ---- Account security (jiebang/orgs/security) ---------------------------------------------
# Lockout (django-axes): AXES_FAILURE_LIMIT consecutive failed logins lock the *account*,
# from whatever address they come. Not by IP: offices reach us through one NAT address, so
# an IP lock would shut a whole bureau out over one person's typos, and an attacker simply
# changes address. Not by username+IP either: that lets a guesser try 5 passwords from
# every address he has. The cost of locking by account — anyone can lock a known name —
# is met by the audited unlock (bureau account page, admin action) and, if an operator
# prefers, LOGIN_LOCKOUT_COOLOFF_MINUTES > 0 to lift locks by themselves. Attempts with the
# mobile number count under the account's username (lockout.account_key). Attempts live in
# the database: the test suite's per-test rollback leaves no lock behind.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_VERBOSE = False  # no start-up banner on every manage.py command
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "jiebang.orgs.security.lockout.account_key"
AXES_CLIENT_IP_CALLABLE = "jiebang.orgs.security.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "jiebang.orgs.security.lockout.lockout_response"
_LOCKOUT_COOLOFF_MINUTES = env.int("LOGIN_LOCKOUT_COOLOFF_MINUTES", default=0)
AXES_COOLOFF_TIME = _LOCKOUT_COOLOFF_MINUTES / 60 if _LOCKOUT_COOLOFF_MINUTES else None  # hours
AXES_RESET_ON_SUCCESS = True  # consecutive failures: a successful login starts again from 0
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a locked account's attempts: refused
AXES_DISABLE_ACCESS_LOG = True  # the login history is orgs.LoginEvent
AXES_ENABLE_ADMIN = False  # unlocking only through the audited actions
# axes.W006 asks for "ip_address" among the lockout parameters; locking by account alone is
# the deliberate choice explained above (user agents and cookies play no part in it).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# TOTP (django-otp): bureau and district officers, auditors and back-office accounts enter a
# code from an authenticator app after the password. Default: on unless DEBUG.
REQUIRE_TOTP = env.bool("REQUIRE_TOTP", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="揭榜挂帅项目管理平台")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Session limits in seconds (0 turns one off): without activity, and since login.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
# Sensitive actions (unmasked personal-data exports, publishing demands, disbursements,
# unlocking accounts) ask for the password again when it was last confirmed more than
# REAUTH_MAX_AGE seconds ago.
REQUIRE_REAUTH = env.bool("REQUIRE_REAUTH", default=True)
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "jiebang" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# The npm packages' files the pages load, and what those files reference (source maps, icon
# fonts) — not their whole dist folders (jiebang/core/static_finders.py).
VENDOR_STATIC = [
    (
        "vendor/bootstrap",
        NODE_MODULES / "bootstrap" / "dist",
        [
            "css/bootstrap.min.css",
            "css/bootstrap.min.css.map",
            "js/bootstrap.bundle.min.js",
            "js/bootstrap.bundle.min.js.map",
        ],
    ),
    (
        "vendor/bootstrap-icons",
        NODE_MODULES / "bootstrap-icons" / "font",
        ["bootstrap-icons.min.css", "fonts/bootstrap-icons.woff", "fonts/bootstrap-icons.woff2"],
    ),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist", ["htmx.min.js"]),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist", ["echarts.min.js"]),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "jiebang.core.static_finders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"
# Private files (attachments, export and import files) are never public: they are only
# streamed through permission-checked views (jiebang/core/storage.py). PRIVATE_STORAGE picks
# where they live: "filesystem" (PRIVATE_MEDIA_ROOT, outside the web root; shared, e.g. NFS,
# when there are several nodes) or "s3", an S3-compatible bucket (AWS, MinIO, 华为云 OBS,
# 阿里云 OSS) through django-storages (`pip install ".[s3]"`). A system check refuses an
# unknown value, a missing bucket or a missing package (jiebang/core/checks.py).
PRIVATE_STORAGE = env("PRIVATE_STORAGE", default="filesystem").strip().lower()
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
if PRIVATE_STORAGE == "s3":
    _sse = env("S3_SSE", default="")  # e.g. AES256 or aws:kms; empty = the bucket's default
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", default=""),
            # Keys under this prefix mirror the paths under PRIVATE_MEDIA_ROOT, so an
            # existing folder can be copied into the bucket as it is (deploy/README.md).
            "location": env("S3_PREFIX", default="private").strip("/"),
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            # Empty: boto3 looks for credentials itself (instance role, AWS_* variables).
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            # "path" for MinIO without per-bucket DNS; "virtual" for 阿里云 OSS.
            "addressing_style": env("S3_ADDRESSING_STYLE", default="") or None,
            # No ACL is sent: objects get the bucket's own (private), and buckets with ACLs
            # disabled (BucketOwnerEnforced) would refuse any ACL header anyway.
            "default_acl": None,
            # url() is never shown to anyone; if it were, it would be signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": 300,
            # An upload never replaces an existing object: a clash gets a new name.
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": _sse} if _sse else {},
        },
    }
else:
    STORAGES["private"] = {"BACKEND": "jiebang.core.storage.PrivateFileSystemStorage"}
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES",
    default=["pdf", "png", "jpeg", "docx", "xlsx", "doc", "xls", "ofd"],
)
# Each attachment kind narrows these two further (jiebang/core/upload_policy.py). Uploads
# are scanned by ClamAV (clamd INSTREAM) when CLAMAV_SOCKET (a unix socket path) or
# CLAMAV_HOST is set; with a scanner configured but unreachable, uploads are refused.
CLAMAV_SOCKET = env("CLAMAV_SOCKET", default="")
CLAMAV_HOST = env("CLAMAV_HOST", default="")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)
# Audit entries are kept at least this many days (等保 2.0 asks for 6 months; the default
# is 3 years). Nothing deletes entries: this is the floor any future archiving must respect,
# and a system check refuses a value below 180 (jiebang/core/checks.py).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=1095)
# Excel exports of the lists (jiebang/core/exports.py): above EXPORT_SYNC_MAX_ROWS rows an
# export runs as a background job with a progress bar; rows are read EXPORT_CHUNK_SIZE at a time.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=5000)
EXPORT_CHUNK_SIZE = env.int("EXPORT_CHUNK_SIZE", default=2000)
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=500)
# An Excel import (core.imports) larger than this is refused before it is stored.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# A background export's file is deleted this many days after the job finished (daily purge).
EXPORT_JOB_KEEP_DAYS = env.int("EXPORT_JOB_KEEP_DAYS", default=7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Personal data (ID numbers, phones): encrypted with PERSONAL_DATA_KEYS, matched through a
# keyed blind index. Without explicit keys they are derived from SECRET_KEY (development only).
# PERSONAL_DATA_KEYS="v2:<base64>,v1:<base64>": the first encrypts, all decrypt (by the
# token's "v2:" prefix); `manage.py rotate_personal_data_key` re-encrypts under the first.
# The older single PERSONAL_DATA_KEY still works and is key id "v1".
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[])
PERSONAL_DATA_KEY = env("PERSONAL_DATA_KEY", default="")
# Rotating the blind-index key needs `rotate_personal_data_key --reindex` (docs/security.md).
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")

SMS_BACKEND = env("SMS_BACKEND", default="jiebang.core.sms.LoggingSmsBackend")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="jiebang@localhost")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
# HTTPS hardening (docs/security.md "Web"). A deployment behind TLS sets HTTPS=true: the
# redirect to https, HSTS for a year and Secure cookies follow, each overridable by its own
# variable. Not keyed on DEBUG alone: DEBUG is off by default, and `make run` and the test
# suite serve plain HTTP. DEBUG=true never turns it on. `check --deploy` must be clean with
# the production environment written in .env.example (tests/core/test_web_security.py).
HTTPS = env.bool("HTTPS", default=False) and not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Behind nginx terminating TLS: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (and
# nginx must overwrite that header, never pass the client's through).
if env("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER"))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
# The "preload" directive by itself changes nothing: a domain is preloaded only when its
# owner submits the registrable domain (example.gov.cn) to the browsers' list.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=HTTPS)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): scripts and styles only from this site, no inline
# script, no inline style, no eval. The pages put their data in json_script blocks and
# progress widths in data-progress (jiebang/site.js). The API documentation pages widen
# it for themselves only (jiebang/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap's form controls draw their arrows and checks as data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# What the public footer shows (ui.md): the bureau, its helpdesk, the ICP-style line.
SITE_BUREAU_NAME = env("SITE_BUREAU_NAME", default="乌鲁木齐市科学技术局")
SITE_TITLE = env("SITE_TITLE", default="揭榜挂帅项目管理平台")
SITE_ICP_LINE = env("SITE_ICP_LINE", default="新ICP备00000000号（示例）")
SITE_CITY_NAME = env("SITE_CITY_NAME", default="乌鲁木齐市")
SITE_HELPDESK = [
    ("科技局资源配置与管理科", "冯峥宇  来丽拉·加那尔", "0991-2824158"),
    ("科技局引进智力与人才服务科", "范小燕", "0991-4656613"),
    ("科技局高新技术与成果转化科", "杜盼盼", "0991-2824360"),
    ("科技局社会发展与农村科技科", "范振九", "0991-2313701"),
    ("科技信息服务中心", "刘福林", "0991-4693806"),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Text typed by users (a title starting with "=") must not become a formula in Excel.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# REST API v1 (jiebang/api): session auth for the pages' own calls, per-unit tokens for
# integrations; one error shape {"code", "message", "details"}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jiebang.api.auth.UnitTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A read-scope token may only read (jiebang.api.auth.TokenScope); sessions are not narrowed.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "jiebang.api.auth.TokenScope",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jiebang.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "揭榜挂帅项目管理平台 API",
    "DESCRIPTION": "REST API v1。错误统一为 {code, message, details}；规则代码见领域文档第5节。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from the installed sidecar package: no CDN on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("kind", "state") get stable component names.
    "ENUM_NAME_OVERRIDES": {
        "OrgKindEnum": "jiebang.orgs.enums.OrgKind",
        "IPKindEnum": "jiebang.demands.enums.IPKind",
        "AttachmentKindEnum": "jiebang.demands.enums.AttachmentKind",
        "DemandStateEnum": "jiebang.demands.enums.DemandState",
        "DemandCategoryEnum": "jiebang.demands.enums.Category",
        # Later stages (jiebang/api/views_proposals.py … views_projects.py).
        "ProposalStateEnum": "jiebang.proposals.enums.ProposalState",
        "AssignmentStateEnum": "jiebang.review.enums.AssignmentState",
        "RoundKindEnum": "jiebang.review.enums.RoundKind",
        "RoundStateEnum": "jiebang.review.enums.RoundState",
        "NoticeStateEnum": "jiebang.notices.models.NoticeState",
        "ObjectorKindEnum": "jiebang.notices.models.ObjectorKind",
        "ObjectionStateEnum": "jiebang.notices.models.ObjectionState",
        "ProjectStateEnum": "jiebang.projects.enums.ProjectState",
        "PaymentStateEnum": "jiebang.projects.enums.PaymentState",
        "DisbursementStateEnum": "jiebang.projects.enums.DisbursementState",
        "RefundStateEnum": "jiebang.projects.enums.RefundState",
        "ReportStateEnum": "jiebang.projects.enums.ReportState",
        "ChangeKindEnum": "jiebang.projects.enums.ChangeKind",
        "ChangeStateEnum": "jiebang.projects.enums.ChangeState",
        "BudgetCategoryEnum": "jiebang.projects.enums.BudgetCategory",
        "FundSourceEnum": "jiebang.projects.enums.FundSource",
    },
}

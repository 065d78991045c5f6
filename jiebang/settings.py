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
    "import_export",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
}

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "jiebang.orgs.auth.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "jiebang" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
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
# Attachments live outside the web root and are only streamed through a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES",
    default=["pdf", "png", "jpeg", "docx", "xlsx", "doc", "xls", "ofd"],
)
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

# Personal data (ID numbers, phones): encrypted with PERSONAL_DATA_KEY, matched through a
# keyed blind index. Without explicit keys they are derived from SECRET_KEY (development only).
PERSONAL_DATA_KEY = env("PERSONAL_DATA_KEY", default="")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")

SMS_BACKEND = env("SMS_BACKEND", default="jiebang.core.sms.LoggingSmsBackend")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="jiebang@localhost")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

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

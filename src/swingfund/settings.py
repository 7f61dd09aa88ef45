"""All configuration comes from environment variables, with safe local defaults.

Each outside integration (Stripe, WhatsApp, SMTP) stays off until its key is set; see `.env.example`.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def data_home() -> Path:
    """The per-user folder for the embedded database and the download cache."""
    root = os.environ.get("SWINGFUND_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "swingfund"
    )
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


DEBUG = env_bool("SWINGFUND_DEBUG", False)
# A random key is generated per machine when none is given, so nothing insecure ships as a default.
_key_file = data_home() / "secret_key"
if os.environ.get("SWINGFUND_SECRET_KEY"):
    SECRET_KEY = os.environ["SWINGFUND_SECRET_KEY"]
else:
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = [h for h in os.environ.get("SWINGFUND_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SWINGFUND_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Official files: a folder that already holds them (offline), else the download cache.
SWINGFUND_DATA = os.environ.get("SWINGFUND_DATA", "")
SWINGFUND_CACHE = Path(os.environ.get("SWINGFUND_CACHE") or data_home() / "cache")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "swingfund.elections",
    "swingfund.targeting",
    "swingfund.scorecards",
    "swingfund.committee",
    "swingfund.funding",
    "swingfund.funding.payments",
    "swingfund.compliance",
    "swingfund.outreach",
    "swingfund.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "swingfund.urls"
WSGI_APPLICATION = "swingfund.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "swingfund.public.context_processors.organisation",
            ],
        },
    },
]

# SQLite in WAL mode by default; PostgreSQL (or anything else) through DATABASE_URL.
_default_sqlite = f"sqlite:///{data_home() / 'swingfund.sqlite3'}"
# Persistent connections (per thread): opening a SQLite connection and running its pragmas costs more than a
# webhook's whole insert. Health checks drop a connection that broke between requests.
DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL") or _default_sqlite,
    conn_max_age=int(os.environ.get("SWINGFUND_CONN_MAX_AGE", "300")), conn_health_checks=True,
)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while an import or the worker writes; IMMEDIATE avoids
        # "database is locked" upgrades under concurrent writers; the busy timeout waits instead of failing.
        # synchronous=FULL: a commit is on disk before it returns, so a webhook answered 200 (Stripe stops
        # retrying) survives a power cut too, as on PostgreSQL (synchronous_commit=on); NORMAL would survive
        # only a crash of the process.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SWINGFUND_STATIC_ROOT") or data_home() / "static")
WHITENOISE_USE_FINDERS = True
# Without `collectstatic`, files are served from the apps (WHITENOISE_USE_FINDERS): an empty STATIC_ROOT is normal.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
WHITENOISE_AUTOREFRESH = DEBUG  # rescanning per request is for development only

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SWINGFUND_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Integrations: each is off until its key is set -------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Tests and offline demos point the real Stripe library at a local stand-in speaking Stripe's wire format.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# "background": the webhook stores each event and a thread applies it; "inline": applied before answering;
# "worker": stored only, applied by `swingfund stripe process --follow`.
STRIPE_WEBHOOK_PROCESSING = os.environ.get("STRIPE_WEBHOOK_PROCESSING", "background")

WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_PHONE_ID = os.environ.get("WHATSAPP_PHONE_ID", "")

EMAIL_HOST = os.environ.get("SWINGFUND_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("SWINGFUND_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SWINGFUND_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SWINGFUND_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SWINGFUND_EMAIL_TLS", False)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("SWINGFUND_FROM_EMAIL", "swingfund@localhost")

# The organisation running this instance: name and postal address are the imprint (Elections Act 2022).
SWINGFUND_ORG_NAME = os.environ.get("SWINGFUND_ORG_NAME", "Demo Community Group")
SWINGFUND_ORG_ADDRESS = os.environ.get("SWINGFUND_ORG_ADDRESS", "1 Example Street, London, N1 1AA")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SWINGFUND_LOG_LEVEL", "WARNING")},
}

# --- Outreach (issue 12): supporters, email and WhatsApp deliveries ------------------------------
SWINGFUND_SITE_URL = os.environ.get("SWINGFUND_SITE_URL", "http://127.0.0.1:8000")
WHATSAPP_API_BASE = os.environ.get("WHATSAPP_API_BASE", "")  # tests: the local Cloud API stand-in
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
OUTREACH_RATES = {
    "email": float(os.environ.get("OUTREACH_EMAIL_RATE", "20")),  # messages per second
    "whatsapp": float(os.environ.get("OUTREACH_WHATSAPP_RATE", "80")),  # Cloud API default throughput
}
OUTREACH_WHATSAPP_TIER = os.environ.get("OUTREACH_WHATSAPP_TIER", "")  # e.g. TIER_1K; blank: ask the API
OUTREACH_WHATSAPP_PRICE_PENCE = int(os.environ.get("OUTREACH_WHATSAPP_PRICE_PENCE", "4"))  # per template message
OUTREACH_CLAIM_LEASE_SECONDS = int(os.environ.get("OUTREACH_CLAIM_LEASE_SECONDS", "300"))

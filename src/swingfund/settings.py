"""Deployment configuration from environment variables (and a `.env` file), with safe local defaults.

Each outside integration (Stripe, WhatsApp, SMTP) stays off until its key is set; see `.env.example`. A group's
identity (name, address for imprints, sender, bank details) is not configuration: it lives in its organisation row
(`swingfund setup`, the settings page), so that one site can serve several groups.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_file_load() -> Path | None:
    """Read `.env` (SWINGFUND_ENV_FILE, else the current directory's) into the environment. A variable already set
    in the real environment wins over the file. A named file that does not exist is an error, never ignored."""
    named = os.environ.get("SWINGFUND_ENV_FILE", "")
    path = Path(named) if named else Path.cwd() / ".env"
    if not path.is_file():
        if named:
            raise ImproperlyConfigured(f"SWINGFUND_ENV_FILE={named} is not a file.")
        return None
    load_dotenv(path, override=False)
    return path


ENV_FILE = env_file_load()


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
    "swingfund.accounts.admin_apps.RoleAdminConfig",  # Django's admin, for the site administrator only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "swingfund.apps.ProjectConfig",  # commands of no one app: `db`, `worker`, `flush` (swingfund/management/)
    "swingfund.elections",
    "swingfund.organisations",
    "swingfund.targeting",
    "swingfund.scorecards",
    "swingfund.committee",
    "swingfund.funding",
    "swingfund.funding.payments",
    "swingfund.compliance",
    "swingfund.reports",
    "swingfund.outreach",
    "swingfund.public",
    "swingfund.accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "swingfund.planning",
    "swingfund.evaluation",
    "swingfund.api",
    "ninja",  # the API docs' Swagger UI from this site's own static files (the CSP allows no other origin)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.organisation: the group this host serves (its identity on every page; see organisations/selectors.py).
    "swingfund.organisations.middleware.OrganisationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSP and GZip: a page served from this cache gets this response's own nonce and header, then compression.
    "swingfund.caching.AnonymousPageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
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
_sqlite_file = data_home() / "swingfund.sqlite3"
_default_sqlite = f"sqlite:///{_sqlite_file}"
# Persistent connections (per thread): opening a SQLite connection and running its pragmas costs more than a
# webhook's whole insert. Health checks drop a connection that broke between requests.
DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL") or _default_sqlite,
    conn_max_age=int(os.environ.get("SWINGFUND_CONN_MAX_AGE", "300")), conn_health_checks=True,
)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, creating the file readable by its owner only (0600) when it is first opened (dbsqlite/).
    DATABASES["default"]["ENGINE"] = "swingfund.dbsqlite"
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

# PostgreSQL with two roles: the app connects as DATABASE_URL's role (owns nothing: no TRUNCATE, no trigger
# changes); migrations run as DATABASE_OWNER_URL's role (same server and database). See swingfund/dbroles.py.
if os.environ.get("DATABASE_OWNER_URL"):
    from swingfund.dbroles import owner_settings as _owner_settings

    DATABASES["default"]["OWNER"] = _owner_settings(app=DATABASES["default"],
                                                    owner_url=os.environ["DATABASE_OWNER_URL"])

# The Ed25519 key that signs ledger checkpoints: a file kept away from the database (created 0600 on first
# `swingfund ledger checkpoint`), never in the data folder beside it (refused): whoever can rewrite the database must
# not be able to re-sign its history. Unset, checkpoints cannot be signed (the command says where to put the key).
LEDGER_SIGNING_KEY = os.environ.get("SWINGFUND_LEDGER_KEY", "")
# Where the group publishes its checkpoints (a URL or file of /funding/ledger/checkpoints.json kept elsewhere) and
# the public key they are signed with (base64): plain `swingfund ledger verify` then checks the chain against both.
LEDGER_PUBLISHED = os.environ.get("SWINGFUND_LEDGER_PUBLISHED", "")
LEDGER_PUBLIC_KEY = os.environ.get("SWINGFUND_LEDGER_PUBLIC_KEY", "")

# Donor data rights (funding/services/donors.py, funding/payments/retention.py): how long a regulated donation's
# record is kept (years after the year received), and how long applied Stripe events keep personal data (days).
DONATION_RECORD_YEARS = int(os.environ.get("SWINGFUND_DONATION_RECORD_YEARS", "6"))
STRIPE_PAYLOAD_RETENTION_DAYS = int(os.environ.get("SWINGFUND_STRIPE_PAYLOAD_RETENTION_DAYS", "90"))
# The key of the suppression list's hashes (outreach/suppression.py). Unset, a key is derived from SECRET_KEY; set it
# to keep the list working across a change of SECRET_KEY (a new key would let erased people be re-added).
SUPPRESSION_KEY = os.environ.get("SWINGFUND_SUPPRESSION_KEY", "")

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
# Without `collectstatic`, files are served from the apps (WHITENOISE_USE_FINDERS): an empty STATIC_ROOT is normal,
# a missing one makes WhiteNoise warn on every start, so the default one (in the data home) is created here.
if not os.environ.get("SWINGFUND_STATIC_ROOT"):
    STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG  # rescanning per request is for development only

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# One queue for all background work (Stripe events, outreach deliveries), run by `swingfund worker`.
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
# The stand-in the offline demo (`swingfund stripe demo`, `swingfund stripe standin`) runs: named here, so product
# code never imports `swingfund.testing` (import-linter's contract).
STRIPE_STANDIN_MODULE = "swingfund.testing.stripe_standin"

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
# The deployment's fallback sender, used only where a group has not given its own (organisation.sender_email wins).
# No default: `swingfund check --deploy` refuses a sender on localhost, and outreach refuses to send without one.
DEFAULT_FROM_EMAIL = os.environ.get("SWINGFUND_FROM_EMAIL", "")
LOGOUT_REDIRECT_URL = "/"  # the sign-out link in the menu returns to the home page
# Anonymous GETs of the busiest public pages are kept rendered until their data changes (caching.py): "/" is the
# home page only, any other entry a path prefix.
SWINGFUND_PAGE_CACHE_SECONDS = int(os.environ.get("SWINGFUND_PAGE_CACHE_SECONDS", "60"))
SWINGFUND_CACHED_PAGES = ("/", "/targets/", "/seats/", "/funding/ledger/", "/committee/decisions/", "/recommendations/",
                          "/scorecards/recommendations/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SWINGFUND_LOG_LEVEL", "WARNING")},
}

# --- Accounts and security (see `.env.example`; `swingfund check --deploy` is clean with the production values) ----
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after this many wrong passwords for one username from one address, sign-in is refused until the
# cool-off passes (or `swingfund django axes_reset`).
AXES_FAILURE_LIMIT = int(os.environ.get("SWINGFUND_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("SWINGFUND_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Behind a TLS proxy: how many trusted proxies append to X-Forwarded-For (0 = use the socket address). The client's
# address is read in one place, `swingfund.caching.client_address`, for the lockout, the API's throttle and the rate
# limits.
SWINGFUND_PROXY_COUNT = int(os.environ.get("SWINGFUND_PROXY_COUNT", "0"))
if SWINGFUND_PROXY_COUNT < 0:
    raise ImproperlyConfigured("SWINGFUND_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "swingfund.caching.client_ip"  # None when unknown: axes stores an IP field


def OTP_TOTP_ISSUER(device) -> str:  # django-otp calls a callable setting with the device
    """The issuer an authenticator app shows: the name of the group the user holds a role in."""
    from swingfund.accounts.totp import totp_issuer

    return totp_issuer(device=device)


# HTTPS: off by default (a laptop serves plain HTTP on loopback); production turns each on by environment.
SECURE_SSL_REDIRECT = env_bool("SWINGFUND_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's health check may speak plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SWINGFUND_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SWINGFUND_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SWINGFUND_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SWINGFUND_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
if env_bool("SWINGFUND_BEHIND_TLS_PROXY", False):
    # The proxy terminates TLS and says so in this header (it must strip the header from clients' requests).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts only from this site or inline with the per-response nonce; styles
# inline (the charts are SVG with style attributes); no frames, plugins or foreign form targets besides Stripe's page.
from csp.constants import NONCE  # noqa: E402  (the sentinel django-csp replaces with each response's nonce)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# A cache shared by every process (web workers, the worker, the CLI): computed target tables, recommendations and
# anonymous pages are kept here keyed by their parameters and data version (caching.py). It is a table in the
# database, so it follows DATABASE_URL.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "swingfund_cache",
        "TIMEOUT": int(os.environ.get("SWINGFUND_CACHE_SECONDS", str(7 * 24 * 3600))),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# --- Outreach (issue 12): supporters, email and WhatsApp deliveries ------------------------------
SWINGFUND_SITE_URL = os.environ.get("SWINGFUND_SITE_URL", "http://127.0.0.1:8000")
WHATSAPP_API_BASE = os.environ.get("WHATSAPP_API_BASE", "")  # tests: the local Cloud API stand-in
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
# The approved template of the first message to a number, with a one-time code as its body parameter `code`.
WHATSAPP_CONFIRM_TEMPLATE = os.environ.get("WHATSAPP_CONFIRM_TEMPLATE", "phone_confirmation")
# The approved template telling a confirmed number that it was used on the sign-up form again (`first_name`).
WHATSAPP_NOTICE_TEMPLATE = os.environ.get("WHATSAPP_NOTICE_TEMPLATE", "already_signed_up")
OUTREACH_RATES = {
    "email": float(os.environ.get("OUTREACH_EMAIL_RATE", "20")),  # messages per second
    "whatsapp": float(os.environ.get("OUTREACH_WHATSAPP_RATE", "80")),  # Cloud API default throughput
}
OUTREACH_WHATSAPP_TIER = os.environ.get("OUTREACH_WHATSAPP_TIER", "")  # e.g. TIER_1K; blank: ask the API
OUTREACH_WHATSAPP_PRICE_PENCE = int(os.environ.get("OUTREACH_WHATSAPP_PRICE_PENCE", "4"))  # per template message
OUTREACH_CLAIM_LEASE_SECONDS = int(os.environ.get("OUTREACH_CLAIM_LEASE_SECONDS", "300"))

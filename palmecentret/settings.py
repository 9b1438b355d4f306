"""Settings of the Palmecentret portal: one file, read top to bottom, every deploy-time
value from the environment with a safe development default."""

import math
import re
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py is read if present (never committed); real deployments
# set the environment themselves.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_bool(name, default):
    """A boolean from the environment that fails loudly on a typo ("flase" is no "false")."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off", ""):
        return False
    sys.exit(f"palmecentret: {name}={raw!r} is not a boolean (use true or false).")


# --- Core -----------------------------------------------------------------------------
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    # One line, no traceback: the operator sees at once what to do.
    sys.exit(
        "palmecentret: refusing to start with DEBUG off and no real SECRET_KEY; "
        "set SECRET_KEY to a random string of at least 32 characters."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where the portal is reached from outside; absolute links in e-mails and open data.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    # django.contrib.admin with our site (two-factor login) as the default admin site.
    "palmecentret.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Form widgets' templates found through TEMPLATES (FORM_RENDERER below).
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "reversion",
    "import_export",
    # Image renditions (common/images.py).
    "imagekit",
    # axes, otp_totp and django_tasks_db with their admin sections named in the staff's
    # language (palmecentret/apps.py).
    "palmecentret.apps.LoginLockoutConfig",
    "django_otp",
    "palmecentret.apps.AuthenticatorsConfig",
    "django_tasks",
    "palmecentret.apps.TaskQueueConfig",
    "palmecentret",
    "members",
    "projects",
    "newsletter",
    "stories",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer, static files too
    # (see "Security" below).
    "palmecentret.content_security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every cacheable page and 304 for If-None-Match, cached pages included.
    "django.middleware.http.ConditionalGetMiddleware",
    # Whole public pages for anonymous visitors (common/page_cache.py): a hit is
    # answered here, before any session, CSRF or database work.
    "common.page_cache.PageCacheMiddleware",
    # What a cache miss reads from: the read replica for anonymous GET and HEAD, if one
    # is configured (DATABASE_REPLICA_URL; common/db_router.py).
    "common.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Absolute session expiry, before django-otp so it sees the user who is left.
    "palmecentret.middleware.SessionMaxAgeMiddleware",
    # Marks the session verified once a staff member has given an authenticator code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "palmecentret.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for locked-out username/address pairs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "palmecentret.urls"
# The admin lives at an address of the operator's choosing (default admin/).
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
WSGI_APPLICATION = "palmecentret.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palmecentret.context_processors.site",
            ],
        },
    },
]

# Form widgets render with the templates above, so the project's templates/ can replace
# one: admin/widgets/split_datetime.html labels the date and time boxes of a date-time.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------
# A slow or stuck database must not hold every web worker for ever. PostgreSQL cancels
# any statement running longer than DATABASE_STATEMENT_TIMEOUT seconds (0: never); the
# visitor gets the 503 page. The 10 s default is far above any page's queries and well
# under gunicorn's 30 s worker timeout, so the database gives up first and the worker
# lives on. migrate, load_demo and write_iati lift it for their own connection
# (common.db.lift_statement_timeout). A connection attempt gives up after 5 s.
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=10)
if DATABASE_STATEMENT_TIMEOUT < 0:
    sys.exit("palmecentret: DATABASE_STATEMENT_TIMEOUT must be 0 (off) or more seconds.")
# A database that stops answering without closing its connections (a network partition, a
# frozen host) cancels nothing: the time goes by on the network, where only the client's
# TCP can notice. libpq's TCP settings give up on a connection that has not been heard from
# for the statement limit (10 s when that is off, 1 s at the least): data it sent (a query,
# or a new connection's first packet) unacknowledged for that long (tcp_user_timeout), or,
# while it waits for an answer, keepalive probes unanswered from half of it on, one a
# second. A slow query is no silence (the server's system answers the probes), so only a
# dead link ends this way, and the visitor gets the 503 page well before gunicorn's timeout.
_silence = max(1.0, DATABASE_STATEMENT_TIMEOUT or 10)
_keepalive_idle = max(1, int(_silence // 2))
_conn_max_age = env.int("CONN_MAX_AGE", default=60)
# A statement a connection has run this many times is prepared on the server: PostgreSQL
# then plans it once per connection instead of on every run, and planning is most of the
# database's work for a page's small queries. Needs the values sent apart from the SQL
# (psycopg's server-side binding, on whenever this is set). 0 turns it off (for a pooler
# in transaction mode that cannot keep prepared statements, as PgBouncer before 1.21).
DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
if DATABASE_PREPARE_THRESHOLD < 0:
    sys.exit("palmecentret: DATABASE_PREPARE_THRESHOLD must be 0 (off) or more.")


def _web_connection(config):
    """A database alias as the web workers use it: kept open CONN_MAX_AGE seconds (and
    checked before reuse), and on PostgreSQL the connect, statement and network timeouts
    above."""
    config["CONN_MAX_AGE"] = _conn_max_age
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 5)
        options.setdefault("keepalives", 1)
        options.setdefault("keepalives_idle", _keepalive_idle)
        options.setdefault("keepalives_interval", 1)
        options.setdefault("keepalives_count", max(1, math.ceil(_silence) - _keepalive_idle))
        options.setdefault("tcp_user_timeout", round(_silence * 1000))
        # The server gives up on the client the same way, so that a web server cut off
        # mid-transaction does not leave its session, and the rows it locked (a seminar's
        # last place), held for the quarter of an hour TCP would otherwise take.
        options["options"] = " ".join([
            options.get("options", ""),
            f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT * 1000)}",
            f"-c tcp_keepalives_idle={_keepalive_idle}",
            "-c tcp_keepalives_interval=1",
            f"-c tcp_keepalives_count={options['keepalives_count']}",
            f"-c tcp_user_timeout={options['tcp_user_timeout']}",
        ]).strip()
        if DATABASE_PREPARE_THRESHOLD:
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", DATABASE_PREPARE_THRESHOLD)
    return config


# SQLite is the embedded default so a newcomer needs no server; production uses
# PostgreSQL through DATABASE_URL (postgres://user:password@host:5432/name).
DATABASES = {
    "default": _web_connection(
        env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
# Optional read replica (postgres://user:password@replica:5432/name, typically a read-only
# role on a streaming-replication standby). When set, anonymous visitors' GET and HEAD
# requests read from it and everything else (staff, forms, the admin, background work,
# commands, reads inside a transaction) uses DATABASE_URL: common/db_router.py.
# The address is kept in a lower-case name, which is no setting: Django's debug page hides
# DATABASES' PASSWORD but would show a DATABASE_REPLICA_URL setting in full.
if _replica_url := env.str("DATABASE_REPLICA_URL", default="").strip():
    DATABASES["replica"] = _web_connection(env.db_url_config(_replica_url))
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        sys.exit("palmecentret: DATABASE_REPLICA_URL must be a replica of DATABASE_URL, "
                 "the same kind of database.")
    # Its schema comes by replication (the router allows no migrations there); a test run
    # reads the test database through it instead of a test replica of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["common.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
# locmem by default; redis://host:6379/0 uses Django's own Redis backend.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://palmecentret"),
    # {% cache %} fragments (the regions' counts, the project list's filter counts), keyed
    # by the content version: in each process's memory, so a page needs no round trip
    # for them and keeps working while a shared cache is down.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# Seconds a public page is served from the cache (common/page_cache.py); staff
# edits show at once, time-dependent content (upcoming seminars, ongoing projects) may be
# this old. 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
if PAGE_CACHE_SECONDS < 0:
    sys.exit("palmecentret: PAGE_CACHE_SECONDS must be 0 (off) or more seconds.")

# --- Passwords and sessions -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Idle expiry: a login ends SESSION_IDLE_MINUTES after the last request. Saving the session
# on every request is what makes the age count from the last request, not from login.
# (Public visitors have no session, so nothing is saved for them.)
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Absolute expiry: however active, a login ends SESSION_MAX_HOURS after it began
# (palmecentret.middleware.SessionMaxAgeMiddleware).
SESSION_MAX_AGE = env.int("SESSION_MAX_HOURS", default=12) * 3600
if SESSION_COOKIE_AGE <= 0 or SESSION_MAX_AGE <= 0:
    sys.exit("palmecentret: SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be positive.")

# --- Login security -------------------------------------------------------------------
# How many reverse proxies in front of the portal append the address they received a
# request from to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for). 0: the portal
# faces the internet; REMOTE_ADDR is the visitor and X-Forwarded-For, which anyone can
# send, is ignored. N: the N-th address from the right is the visitor, whatever the
# client put further left. Too low and every visitor shares the proxy's address; too high
# and visitors can choose their address; with N > 0 the portal must be reachable only
# through the proxies. common.client_ip reads it for everything that needs the
# visitor's address: client_ip for logs, client_bucket (IPv6 per /64) for login lockouts
# and rate limits.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    sys.exit("palmecentret: TRUSTED_PROXY_COUNT must be 0 or more.")

# django-axes: after LOGIN_FAILURE_LIMIT failed logins, the same username from the same
# address is refused for LOGIN_COOLOFF_MINUTES. The pair, not the username alone, so an
# attacker cannot lock staff out of their accounts from elsewhere; not the address alone,
# so an office behind one address is not locked as a whole.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    sys.exit("palmecentret: LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be positive.")
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_bucket"
# A page of the site in the visitor's language with status 429, not axes' bare text.
AXES_LOCKOUT_CALLABLE = "palmecentret.login_security.lockout_response"
# Masked in axes' records like the password: the authenticator code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Not verbose: no "AXES: BEGIN" line at every start, and its log lines name only the
# locking parameters (our own login log is logger "palmecentret.security").
AXES_VERBOSE = False

# Two-factor login for staff with authenticator-app codes (django-otp TOTP); required in
# production unless turned off. Without it the admin is Django's plain password login,
# and staff can still set up their app at <admin>/two-factor/.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = "Palmecentret"

# --- Languages and time ---------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# The project's catalogue first (made by `make messages`), then the Swedish of the
# libraries that have none of their own (django-axes, django-tasks, django-import-export),
# written by hand: makemessages keeps only texts found in our sources, so in the first
# it would drop them as obsolete (README, "Translations").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_libraries"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# Content fields in Swedish (required) and English (optional, falls back to Swedish).
MODELTRANSLATION_DEFAULT_LANGUAGE = "sv"
MODELTRANSLATION_LANGUAGES = ("sv", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("sv",)
MODELTRANSLATION_REQUIRED_LANGUAGES = ("sv",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "sv"

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic writes (and WhiteNoise serves from); outside the checkout if wanted.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production (needs collectstatic); plain in development
    # and tests so no build step is needed.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development and tests WhiteNoise serves straight from the apps' and static/ folders, so
# no collectstatic is needed; production serves only what collectstatic wrote.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Images staff upload (common/images.py): the cleaned originals are kept under
# MEDIA_ROOT/originals/, which nothing serves; pages show only the renditions that
# django-imagekit writes under MEDIA_ROOT/renditions/ (nginx serves that folder alone).
IMAGEKIT_CACHEFILE_DIR = "renditions"
# The portal serves the renditions itself only in development (and to the browser tests);
# in production nginx does (deploy/nginx.conf).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Renditions are made when the image is saved, never while a page renders: a page only
# computes their names (content hashes, so a changed image gets new URLs).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_dot_hash"
# Upload limits: bytes of the file, and pixels (decompression bombs are refused).
IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000

# Spreadsheet import needs the model's add permission and export its view permission, so
# the roles decide who may import projects (without this any staff member could).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# A failed import changes nothing: the whole file runs in one transaction.
IMPORT_EXPORT_USE_TRANSACTIONS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------
# consolemail:// in development; smtp+tls://user:password@host:587 in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Seconds an SMTP conversation may stall before the send fails (and is retried later): a
# mail server that accepts the connection and then says nothing must not hold the worker,
# or a staff member's test mail, for long. Short, since the worker tries again.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
if EMAIL_TIMEOUT < 1:
    sys.exit("palmecentret: EMAIL_TIMEOUT must be at least 1 second.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Palmecentret <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------------------
# Sending mailings runs outside the request (django-tasks) in a worker started with
# `python manage.py db_worker`; the queue is a table in the same database. Tests and a
# newcomer's `make run` may use TASKS_BACKEND=immediate to run tasks inline.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env.str("TASKS_BACKEND", default="database")],
    },
}

# --- Newsletter subscriptions (newsletter/subscriptions.py) ---------------------------
# Rate limits on the signup form and on "send me a new link", as django-ratelimit rates
# ("count/period", period s, m, h or d, e.g. "20/h" or "5/10m"): per visitor address
# (common.client_ip) and per e-mail address. Counted in the default cache, so with
# several workers CACHE_URL must be a shared cache (redis://...).
NEWSLETTER_SIGNUP_RATE_PER_IP = env.str("NEWSLETTER_SIGNUP_RATE_PER_IP", default="20/h")
NEWSLETTER_SIGNUP_RATE_PER_ADDRESS = env.str("NEWSLETTER_SIGNUP_RATE_PER_ADDRESS",
                                             default="5/h")
NEWSLETTER_LINK_RATE_PER_IP = env.str("NEWSLETTER_LINK_RATE_PER_IP", default="10/h")
NEWSLETTER_LINK_RATE_PER_ADDRESS = env.str("NEWSLETTER_LINK_RATE_PER_ADDRESS", default="3/h")
for _name in ("NEWSLETTER_SIGNUP_RATE_PER_IP", "NEWSLETTER_SIGNUP_RATE_PER_ADDRESS",
              "NEWSLETTER_LINK_RATE_PER_IP", "NEWSLETTER_LINK_RATE_PER_ADDRESS"):
    if not re.fullmatch(r"[1-9]\d*/([1-9]\d*)?[smhd]", vars()[_name]):
        sys.exit(f"palmecentret: {_name} must be a rate like 20/h or 5/10m.")
# At most one confirmation mail and one "your link" mail per address in this many minutes,
# however many times the forms are sent: a bot cannot fill a stranger's inbox.
NEWSLETTER_MAIL_INTERVAL_MINUTES = env.int("NEWSLETTER_MAIL_INTERVAL_MINUTES", default=10)
# `manage.py purge_unconfirmed` deletes signups not confirmed within this many days (the
# confirmation link itself works for 72 hours).
NEWSLETTER_UNCONFIRMED_DAYS = env.int("NEWSLETTER_UNCONFIRMED_DAYS", default=7)
if NEWSLETTER_MAIL_INTERVAL_MINUTES < 1 or NEWSLETTER_UNCONFIRMED_DAYS < 1:
    sys.exit("palmecentret: NEWSLETTER_MAIL_INTERVAL_MINUTES and NEWSLETTER_UNCONFIRMED_DAYS "
             "must be positive.")
# A seminar place (or a place on its waiting list) taken on the public form is held this
# many hours for the registrant to confirm from the mail; then it is released and the
# waiting list moves up (newsletter/registrations.py), so made-up addresses cannot keep
# places from real people.
SEMINAR_REGISTRATION_HOLD_HOURS = env.int("SEMINAR_REGISTRATION_HOLD_HOURS", default=24)
if SEMINAR_REGISTRATION_HOLD_HOURS < 1:
    sys.exit("palmecentret: SEMINAR_REGISTRATION_HOLD_HOURS must be 1 or more.")
# Mailings go out in batches of this many, one task run each (newsletter/sending.py). A
# worker killed mid-batch is stood in for after NEWSLETTER_RESUME_AFTER seconds. When the
# mail server seems down, the mailing goes on after NEWSLETTER_RETRY_AFTER seconds, and so
# do recipients whose mail it refused; twice as long each further time, up to 16 times
# as long (newsletter.sending.retry_delay).
NEWSLETTER_BATCH_SIZE = 100


def _seconds(name, default):
    raw = env.str(name, default="").strip()
    if not raw:
        return timedelta(seconds=default)
    # ASCII digits only: isdigit() also takes "²", which int() refuses.
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) < 1:
        sys.exit(f"palmecentret: {name} must be a whole number of seconds, at least 1.")
    return timedelta(seconds=int(raw))


NEWSLETTER_RESUME_AFTER = _seconds("NEWSLETTER_RESUME_AFTER", 300)
NEWSLETTER_RETRY_AFTER = _seconds("NEWSLETTER_RETRY_AFTER", 60)

# --- Giving ---------------------------------------------------------------------------
# The solidarity fund's payment details on the support page. The defaults are examples,
# shown as such on the page and warned about at start in production (palmecentret.W001).
DEMO_SWISH_NUMBER = "1234567890"
DEMO_BANKGIRO = "123-4567"
SWISH_NUMBER = env.str("SWISH_NUMBER", default=DEMO_SWISH_NUMBER)
BANKGIRO = env.str("BANKGIRO", default=DEMO_BANKGIRO)

# --- Open data ------------------------------------------------------------------------
# The IATI activity file /iati/activities.xml, the CSV/JSON exports and the feeds
# (projects/opendata.py). Palmecentret's IATI organisation identifier: registration
# agency SE-ON (Swedish organisation numbers), a hyphen and the organisation number, as
# registered in the IATI Registry. Every project's IATI identifier starts with it. The
# default is a placeholder for development; production warns about it (palmecentret.W004).
DEMO_IATI_ORGANISATION_IDENTIFIER = "SE-ON-DEMO"
IATI_ORGANISATION_IDENTIFIER = env.str("IATI_ORGANISATION_IDENTIFIER",
                                       default=DEMO_IATI_ORGANISATION_IDENTIFIER).strip()
if not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]+-[A-Za-z0-9._-]+", IATI_ORGANISATION_IDENTIFIER):
    sys.exit("palmecentret: IATI_ORGANISATION_IDENTIFIER must look like "
             "SE-ON-<organisation number> (agency code, hyphen, number; no spaces).")
# IATI OrganisationType 22 "National NGO": Palmecentret is a Swedish association governed
# by Swedish member organisations (the OECD's "donor country-based NGO"). 21 "International
# NGO" is for NGOs with international membership and governance.
IATI_ORGANISATION_TYPE = "22"
IATI_ORGANISATION_NAME = {"sv": "Olof Palmes Internationella Center",
                          "en": "Olof Palme International Center"}
# Who answers questions about the open data: contact-info on every IATI activity
# (ContactType 1, general enquiries). The defaults are generic placeholders for
# development (example.org is reserved for examples); set the real ones in production.
DEMO_IATI_CONTACT_EMAIL = "open-data@example.org"
IATI_CONTACT = {
    "organisation": IATI_ORGANISATION_NAME,
    "email": env.str("IATI_CONTACT_EMAIL", default=DEMO_IATI_CONTACT_EMAIL),
    "website": env.str("IATI_CONTACT_WEBSITE", default=SITE_URL),
    "mailing_address": env.str("IATI_CONTACT_ADDRESS",
                               default="Example Street 1, 111 11 Stockholm, Sweden"),
}
# The licence of everything under open data, named on the open-data page and in the files.
OPEN_DATA_LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

# --- Security -------------------------------------------------------------------------
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    sys.exit("palmecentret: SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. "
             "HTTP_X_FORWARDED_PROTO,https.")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Partner organisations' sites linked from the portal see that the visitor came from it
# (the origin only: never a path, so no signed newsletter link can leak; nothing at all
# on a downgrade to http). The portal's own pages still get the full address.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page of the portal may be framed: X-Frame-Options for old browsers, frame-ancestors
# in the Content-Security-Policy for current ones.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp through palmecentret.content_security): everything
# from the portal itself, no other origin at all (Bootstrap is in our static files), no
# inline script or style, no plugins; data: images are the SVG icons inside Bootstrap's
# CSS. Only the admin may use inline styles (never scripts). No nonces, so a cached page
# stays valid for everyone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        # Production is https only; a stray http:// address in content is fetched over
        # https rather than blocked. (Not in development: runserver has no https.)
        "upgrade-insecure-requests": not DEBUG,
    },
}
# Permissions-Policy (django-permissions-policy): the one browser feature the portal uses,
# writing to the clipboard ("copy link" on project pages, static/js/site.js), for its own
# pages; every other powerful feature refused, to the portal and to anything it embeds.
# (Features Chromium no longer knows, like interest-cohort, are left out: it logs an error
# for each.)
PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera",
        "clipboard-read", "display-capture", "encrypted-media", "fullscreen", "gamepad",
        "geolocation", "gyroscope", "hid", "identity-credentials-get", "idle-detection",
        "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment",
        "picture-in-picture", "publickey-credentials-create", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "web-share", "window-management",
        "xr-spatial-tracking",
    )
}
PERMISSIONS_POLICY["clipboard-write"] = ["self"]
SILENCED_SYSTEM_CHECKS = []
if not DEBUG:
    # DEBUG off means production: HTTPS only.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading ties the domain and all its subdomains to https in every browser,
        # for months after it is withdrawn: a decision for whoever runs the domain, taken
        # by setting SECURE_HSTS_PRELOAD=true (then submitting it at hstspreload.org).
        # Until then Django's reminder (security.W021) would keep `check --deploy` from
        # ever being clean.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- Logging --------------------------------------------------------------------------
# Everything to stdout (systemd's journal, a container's log): one JSON object a line for
# a log collector (LOG_FORMAT=json, the production default) or plain lines for a person
# (LOG_FORMAT=text, the development default). E-mail addresses are replaced by a short
# keyed hash in both (palmecentret.log_format). gunicorn.conf.py logs gunicorn's access and
# error lines the same way.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json").strip().lower()
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").strip().upper()
if LOG_FORMAT not in ("json", "text"):
    sys.exit("palmecentret: LOG_FORMAT must be json or text.")
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    sys.exit("palmecentret: LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "palmecentret.log_format.JsonFormatter"},
        "text": {"()": "palmecentret.log_format.TextFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                    "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Without Django's own handlers (stderr with DEBUG, mail to the unset ADMINS):
        # its records (django.request: errors with method, path and status) reach the
        # root's handler like everyone else's, once.
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.db.backends": {"level": "WARNING"},
    },
}

"""gunicorn's configuration for the portal, from the environment like the portal's settings.

gunicorn reads ./gunicorn.conf.py by itself when started from the checkout:
    cd /srv/palmecentret && .venv/bin/gunicorn palmecentret.wsgi
(deploy/systemd/palmecentret-web.service). `gunicorn --print-config palmecentret.wsgi` shows
what it resolved to; options given on the command line win over this file.

GUNICORN_BIND      127.0.0.1:8000   address (or unix:/run/...socket) the proxy connects to
WEB_CONCURRENCY    cores + 1        worker processes
GUNICORN_TIMEOUT   30               seconds a request may take before its worker is restarted
GUNICORN_MAX_REQUESTS 0             requests after which a worker is replaced (0: never)
FORWARDED_ALLOW_IPS 127.0.0.1,::1   proxies whose X-Forwarded-Proto gunicorn believes
LOG_FORMAT, LOG_LEVEL, DEBUG        as for the portal: JSON lines on stdout in production

The portal is loaded once, in the master, and the workers are forks of it that live as
long as the master (preload_app, max_requests 0; "Loading and memory" below): a worker is
ready the moment it is forked and never stops to import Django again under load. The
price: new code needs a restart (`systemctl restart palmecentret-web`); a reload (HUP)
forks new workers from the code already loaded. bench/README.md has the measurements.
"""

import os

# --- Where and how many -----------------------------------------------------------------


def _whole_number(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SystemExit(f"gunicorn.conf.py: {name}={raw!r} must be a whole number.")
    return int(raw)


wsgi_app = "palmecentret.wsgi:application"
proc_name = "palmecentret"
bind = [address.strip() for address in
        os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
# Sync workers: the portal's views are plain synchronous Django, and the reverse proxy in
# front reads slow clients' requests and answers for them, so a worker is busy only while
# the portal works. One worker per core and one more, not gunicorn's rule of thumb of
# 2 x cores + 1, which is for workers that mostly wait: the portal's pages spend nearly all
# their time on the CPU, so more workers than cores only take turns on them, each evicting
# the others' memory from the CPU caches (bench/README.md, "Workers per core"). With the
# database on another machine a worker waits longer for it; raise WEB_CONCURRENCY there.
worker_class = "sync"
workers = _whole_number("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1)
if workers < 1:
    raise SystemExit("gunicorn.conf.py: WEB_CONCURRENCY must be at least 1.")

# --- Time limits --------------------------------------------------------------------------
# A request still running after this many seconds has its worker killed and restarted (the
# biggest answers, the IATI file and the exports, are streamed in a few seconds).
timeout = _whole_number("GUNICORN_TIMEOUT", 30)
# On a restart or stop (SIGHUP, SIGTERM from systemd), requests in flight get this long to
# finish. systemd's TimeoutStopSec is longer, so it never kills them first.
graceful_timeout = 30
# (No keepalive: sync workers close every connection after its answer; the proxy keeps the
# visitors' connections open.)

# --- Loading and memory -----------------------------------------------------------------
# The master imports the portal before it forks the workers, and palmecentret/wsgi.py
# then sets everything loaded aside from the cyclic garbage collector (gc.freeze): each
# worker starts with Django and the apps already in memory, shared with the master and
# the other workers until one of them writes to a page, and the collector never walks
# (and so never copies) that shared part. Without it every worker imported the portal
# itself, and a worker replaced under load did so on a core the others needed.
preload_app = True
# Workers are not replaced on a schedule: their memory levels off after the first
# requests have filled the per-process caches (compiled templates, translations, URL
# patterns) and stays flat. Replacing them would only repeat that warm-up. A worker is
# still replaced when it dies or overruns the timeout. For a leak one day, set a large
# number (with 10 % jitter, so the workers are not all replaced at once).
max_requests = _whole_number("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10


def pre_fork(server, worker):
    """No connection crosses the fork: a database connection or socket the master opened
    while loading would be shared by every worker, which would read each other's
    answers. Loading opens none today; this keeps it so. (redis-py's connection pools
    notice a fork by themselves and open the worker's own sockets.)"""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


# The workers' heartbeat files on a memory file system: a busy or slow disk under /tmp
# must not make gunicorn think a worker hangs.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No control socket (new in gunicorn 27: $HOME/.gunicorn/gunicorn.ctl): systemd's signals
# are the control interface, and every gunicorn of one user (tests, the benchmark, a
# second instance) would contend for the same socket.
control_socket_disable = True

# --- Behind the proxy ---------------------------------------------------------------------
# Whose X-Forwarded-Proto gunicorn trusts (for wsgi.url_scheme). The portal decides "is
# this https" from SECURE_PROXY_SSL_HEADER itself; the visitor's address from
# TRUSTED_PROXY_COUNT. Only from the environment, never "*".
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logging ------------------------------------------------------------------------------
# The access log and gunicorn's own messages on stdout like the portal's log: one JSON
# object a line in production (palmecentret.log_format), plain lines in development.
# E-mail addresses (a staff search in the admin, say) are replaced by a short hash.
_debug = os.environ.get("DEBUG", "true").strip().lower() in ("1", "true", "yes", "on")
_log_format = os.environ.get("LOG_FORMAT", "text" if _debug else "json").strip().lower()
_log_level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
if _log_format not in ("json", "text"):
    raise SystemExit("gunicorn.conf.py: LOG_FORMAT must be json or text.")

accesslog = "-"
errorlog = "-"
loglevel = _log_level.lower()
if _log_format == "json":
    # The message of each access line; the fields (addresses, status, bytes, duration_ms,
    # ...) come separately in the JSON object.
    access_log_format = "%(m)s %(U)s %(s)s"
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

_TEXT = "%(asctime)s [%(process)d] %(levelname)s %(name)s %(message)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "palmecentret.log_format.JsonFormatter"},
        "access_json": {"()": "palmecentret.log_format.GunicornAccessJsonFormatter"},
        "text": {"()": "palmecentret.log_format.TextFormatter", "format": _TEXT},
        "access_text": {"()": "palmecentret.log_format.TextFormatter", "format": _TEXT},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                    "formatter": _log_format},
        "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                   "formatter": f"access_{_log_format}"},
    },
    "root": {"level": _log_level, "handlers": ["console"]},
    "loggers": {
        # Not propagated: in a worker the portal's own LOGGING also writes the root's
        # records, and each line must appear once. No level for gunicorn.error: gunicorn
        # sets it from `loglevel`, so `--log-level` on the command line still works.
        "gunicorn.error": {"handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}

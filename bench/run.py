"""make bench: the portal in production settings under wrk load, checked against targets."""

# What it does, in order (bench/README.md explains how to read the output):
#   1. a fresh PostgreSQL database; migrate and collectstatic with production settings;
#      load_demo --projects N --subscribers N, timed;
#   2. picks real URLs from that database (bench/site_probe.py) and counts each page's
#      queries in-process;
#   3. for each run ("cached": default settings; "uncached": PAGE_CACHE_SECONDS=0) starts
#      gunicorn with the shipped gunicorn.conf.py on 127.0.0.1, and for the static CSS
#      file and every page runs wrk twice
#      (warm-up, then measured) with 16 connections, as HTTPS forwarded by a proxy; every
#      pass starts on an idle server, and the CPU other processes used meanwhile is
#      recorded (the machine may be shared);
#   4. the subscriber CSV export through the admin as a logged-in superuser, timed, with
#      the gunicorn worker's memory sampled;
#   5. prints the table, writes the JSON file, exits 1 if a target is missed.
# Everything it starts is stopped in a finally block (also on Ctrl-C and SIGTERM); the
# database is dropped unless --keep.

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WRK_SCRIPT = BENCH / "wrk_report.lua"
PROBE = BENCH / "site_probe.py"
# run.py runs with the project's virtualenv Python (make bench does), so gunicorn and the
# project's packages sit beside it.
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/palmecentret_bench"
# A browser's request as a TLS-terminating proxy forwards it: without X-Forwarded-Proto
# the production settings answer every page with a redirect to HTTPS.
LOAD_HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, deflate, br"}

# The targets of each run for every page (issue 24; 2 cores, 16 concurrent connections):
# requests/s at least this share of the static CSS file's in the same run, the 99th
# percentile of the answer time under this many milliseconds, and no error.
TARGETS = {
    "cached": {"ratio": 0.5, "p99_ms": 50.0},
    "uncached": {"ratio": 0.08, "p99_ms": 250.0},
}
TARGET_EXPORT_SECONDS = 5.0
# "Flat memory": all rows (100,000) may cost the worker at most this much more memory
# than about a ninth of them (the addresses starting "demo-subscriber-1").
TARGET_EXPORT_EXTRA_MIB = 16.0
TARGET_LOAD_DEMO_SECONDS = 60.0
# A row measured while other processes used this share of the CPU or more is flagged.
NOISY = 0.15

# The two runs. "cached" is the portal as deployed (the page cache on); "uncached" turns
# the page cache off, so every request is rendered by its view.
MODES = {
    "cached": {},
    "uncached": {"PAGE_CACHE_SECONDS": "0"},
}


class BenchError(Exception):
    """The harness itself could not go on (not a missed target)."""


def log(message):
    print(f"bench: {message}", flush=True)


def env_default(name, default, kind=str):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return kind(raw)
    except ValueError:
        sys.exit(f"bench: {name}={raw!r} is not a valid {kind.__name__}.")


def parse_args():
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog="Environment: BENCH_DATABASE_URL, BENCH_SECONDS, BENCH_WARMUP_SECONDS, "
               "BENCH_CONNECTIONS, BENCH_WORKERS (passed to gunicorn as WEB_CONCURRENCY), "
               "BENCH_OUTPUT, BENCH_CACHE_URL (passed to the portal as CACHE_URL).")
    parser.add_argument("--database-url", default=env_default(
        "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL database to create, fill and drop (default %(default)s).")
    parser.add_argument("--seconds", type=int, default=env_default("BENCH_SECONDS", 10, int),
                        help="measured seconds per page (default %(default)s)")
    parser.add_argument("--warmup", type=int,
                        default=env_default("BENCH_WARMUP_SECONDS", 2, int),
                        help="warm-up seconds per page before the measured pass "
                             "(fills the page cache; default %(default)s)")
    parser.add_argument("--connections", type=int,
                        default=env_default("BENCH_CONNECTIONS", 16, int))
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int,
                        default=env_default("BENCH_WORKERS", None, int),
                        help="gunicorn workers (default: gunicorn.conf.py's, cores + 1 = "
                             f"{cores + 1})")
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--subscribers", type=int, default=100000)
    parser.add_argument("--modes", default="cached,uncached",
                        help="runs to do, of: " + ", ".join(MODES))
    parser.add_argument("--pages", default="",
                        help="only these pages (comma-separated names as in the table)")
    parser.add_argument("--output", default=env_default(
        "BENCH_OUTPUT", str(ROOT / "bench-results.json")))
    parser.add_argument("--quiet-wait", type=float, default=15.0,
                        help="on a shared machine, wait up to this many seconds before each "
                             "measured pass for other processes to leave the CPU idle "
                             "(0: don't wait; default %(default)s)")
    parser.add_argument("--no-fail", action="store_true",
                        help="report missed targets but exit 0")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database afterwards (for --reuse or a look inside)")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database as it is (no re-creation, no load_demo, so "
                             "the load_demo time is not measured)")
    parser.add_argument("--no-export", action="store_true",
                        help="skip the subscriber CSV export measurement")
    parser.add_argument("--no-probe", action="store_true",
                        help="skip the in-process query count of each page")
    args = parser.parse_args()
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in args.modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    args.pages = {p.strip() for p in args.pages.split(",") if p.strip()}
    try:
        args.database_name = database_parts(args.database_url)[1]
    except BenchError as exc:
        parser.error(str(exc))
    if args.threads > args.connections:
        parser.error("--threads must not exceed --connections")
    return args


# --- Processes ------------------------------------------------------------------------------

class Processes:
    """Every long-running process the benchmark starts, so one finally block stops them."""

    def __init__(self):
        self.running = []

    def start(self, command, log_path, env):
        handle = open(log_path, "ab")
        # A session of its own: Ctrl-C in the terminal reaches the benchmark, which stops
        # the server in order, and the whole group (master and workers) can be signalled.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        handle.close()
        self.running.append(process)
        return process

    def stop(self, process, grace=15):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        # Workers orphaned by a master that died first.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in list(self.running):
            self.stop(process)


def run_step(label, command, env, log_dir, timeout=None):
    """A short command to completion; its output goes to a log, shown if it fails."""
    log_path = log_dir / f"{label}.log"
    start = time.perf_counter()
    with open(log_path, "wb") as handle:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=handle,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                timeout=timeout)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise BenchError(f"{label} failed (exit {result.returncode}); end of {log_path}:\n{tail}")
    return elapsed


def probe(args_list, env, log_dir, label):
    """bench/site_probe.py <args>, its JSON answer."""
    result = subprocess.run([PYTHON, str(PROBE), *args_list], cwd=ROOT, env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    (log_dir / f"probe-{label}.log").write_text(result.stderr)
    if result.returncode != 0:
        raise BenchError(f"site_probe {args_list[0]} failed:\n{result.stderr[-3000:]}"
                         f"{result.stdout[-1000:]}")
    return json.loads(result.stdout)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Tools and the database -----------------------------------------------------------------

def ensure_program(program, package):
    """`program` on the PATH, from Debian's `package`, installed when running as root."""
    if shutil.which(program):
        return
    if os.geteuid() != 0:
        raise BenchError(f"{program} is missing; install it as root first: "
                         f"apt-get update && apt-get install -y {package}")
    log(f"installing {program} (Debian package {package})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Wait for another apt run (e.g. the machine's own) instead of failing on its lock.
    for command in (["apt-get", "-o", "DPkg::Lock::Timeout=600", "update"],
                    ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y",
                     "--no-install-recommends", package]):
        subprocess.run(command, env=env, check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)
    if not shutil.which(program):
        raise BenchError(f"{program} is still missing after apt-get install {package}")


def database_parts(url):
    """(maintenance URL, database name) for a postgres:// URL."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise BenchError(f"the benchmark needs PostgreSQL; {url!r} is not a postgres:// URL")
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise BenchError(f"database name {name!r} is not a plain identifier")
    if name in ("postgres", "template0", "template1"):
        raise BenchError(f"refusing to drop the {name!r} database; name a bench database")
    maintenance = parsed._replace(scheme="postgresql", path="/postgres").geturl()
    return maintenance, name


def admin_sql(url, statements):
    import psycopg

    maintenance, _ = database_parts(url)
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
        rows = [conn.execute(statement).fetchall() if statement.lstrip().upper()
                .startswith("SELECT") else conn.execute(statement) for statement in statements]
    return rows


def recreate_database(url):
    _, name = database_parts(url)
    # WITH (FORCE) ends connections a killed earlier run may have left (PostgreSQL 13+).
    admin_sql(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])


def drop_database(url):
    _, name = database_parts(url)
    admin_sql(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def deploy_steps(env, log_dir):
    """What a deployment runs before starting the portal: migrate, collectstatic."""
    run_step("migrate", [PYTHON, "manage.py", "migrate", "--no-input"], env, log_dir)
    run_step("collectstatic", [PYTHON, "manage.py", "collectstatic", "--no-input"],
             env, log_dir)


def postgres_version(url):
    try:
        return admin_sql(url, ["SELECT current_setting('server_version')"])[0][0][0]
    except Exception as exc:  # only for the report
        return f"unknown ({exc})"


# --- The portal's environment ----------------------------------------------------------------

def portal_env(database_url, workers=None):
    """The portal's environment in production settings on `database_url`."""
    env = dict(os.environ)
    # The developer's own choices must not leak into the measurement: the portal's and
    # gunicorn's settings are production's defaults unless the benchmark sets them.
    for name in ("DATABASE_URL", "CACHE_URL", "PAGE_CACHE_SECONDS", "DJANGO_SETTINGS_MODULE",
                 "SECURE_SSL_REDIRECT", "TASKS_BACKEND", "LOG_FORMAT", "LOG_LEVEL",
                 "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "DATABASE_REPLICA_URL"):
        env.pop(name, None)
    for name in [n for n in env if n.startswith("GUNICORN_")]:  # GUNICORN_CMD_ARGS too
        env.pop(name)
    env.update({
        "DEBUG": "false",  # production
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # wrk stands in for the TLS-terminating proxy (DESIGN.md).
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "DATABASE_URL": database_url,
        # The export is measured as a superuser logging in with a password; the two-factor
        # step is not what is being measured.
        "OTP_REQUIRED": "false",
        "PYTHONUNBUFFERED": "1",
    })
    cache_url = os.environ.get("BENCH_CACHE_URL")
    if cache_url:
        env["CACHE_URL"] = cache_url
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


# --- HTTP -----------------------------------------------------------------------------------

class Browser:
    """Enough of a browser for the admin: cookies (Secure ones too, as the proxy would
    see them), CSRF headers, and X-Forwarded-Proto on every request."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, fields=None, stream_to=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(LOAD_HEADERS)
        headers.pop("Accept-Encoding")  # read the bodies as they are
        origin = f"https://127.0.0.1:{self.port}"
        headers["Referer"] = origin + path
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            if stream_to is None:
                return response.status, response.msg, response.read()
            return response.status, response.msg, stream_to(response, started)
        finally:
            conn.close()


def get(port, path, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=LOAD_HEADERS)
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


class FormParser(HTMLParser):
    """The forms of a page as {fields, selects} so the benchmark can submit them the way a
    browser would, whatever fields the admin's export form has."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._option = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": [], "selects": {}})
        elif not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if not name or kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            form["fields"].append((name, attrs.get("value", default)))
        elif tag == "select" and attrs.get("name"):
            self._select = form["selects"].setdefault(attrs["name"], [])
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": "",
                            "selected": "selected" in attrs}
            self._select.append(self._option)

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None

    def form_with(self, field_name):
        for form in self.forms:
            if field_name in form["selects"] or any(n == field_name for n, _ in form["fields"]):
                return form
        return None


def parse_form(html, field_name):
    parser = FormParser()
    parser.feed(html.decode("utf-8", "replace"))
    return parser.form_with(field_name)


# --- gunicorn -------------------------------------------------------------------------------

GUNICORN_CONF = ROOT / "gunicorn.conf.py"
# What the report shows of gunicorn's resolved configuration.
GUNICORN_SHOWN = ("workers", "worker_class", "preload_app", "max_requests", "timeout")


def gunicorn_settings(env):
    """gunicorn's settings as it resolves them from gunicorn.conf.py and `env`."""
    result = subprocess.run([GUNICORN, "--config", str(GUNICORN_CONF), "--print-config"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise BenchError(f"gunicorn --print-config failed:\n{result.stderr[-2000:]}")
    resolved = dict(map(str.strip, line.split(" = ", 1))
                    for line in result.stdout.splitlines() if " = " in line)
    return {name: resolved[name] for name in GUNICORN_SHOWN}


def start_portal(processes, env, log_path, **settings):
    """gunicorn as deployed: the shipped gunicorn.conf.py with its defaults (workers,
    preloading, the JSON access log on stdout, here into the log file), on a free port;
    `settings` are further variables for it (WEB_CONCURRENCY, GUNICORN_TIMEOUT). Returns
    once every worker runs and one has answered /healthz."""
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", **settings)
    workers = int(gunicorn_settings(env)["workers"])
    process = processes.start([GUNICORN, "--config", str(GUNICORN_CONF)], log_path, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}; see {log_path}:\n"
                             + Path(log_path).read_text(errors="replace")[-3000:])
        try:
            status, _, _ = get(port, "/healthz", timeout=5)
            if status == 200 and len(worker_pids(process.pid)) == workers:
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz with 200 within 60 s; see {log_path}")


def trim_access_log(log_path):
    """Drop the access lines of answers with a 2xx status from a stopped server's log: one
    a request, they are nearly all of it (hundreds of MB a run); what went wrong stays."""
    dropped = 0
    trimmed = log_path.with_suffix(".trimmed")
    with open(log_path, "rb") as source, open(trimmed, "wb") as target:
        for line in source:
            if b'"logger": "gunicorn.access"' in line and b'"status": 2' in line:
                dropped += 1
            else:
                target.write(line)
        target.write(f"(bench: {dropped} access lines of 2xx answers dropped)\n".encode())
    trimmed.replace(log_path)


def worker_pids(master_pid):
    """The gunicorn master's children (its workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
            pids.append(int(entry.name))
    return pids


def memory_kib(pid):
    """(VmRSS, VmHWM) of a process in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


class RssSampler(threading.Thread):
    """The highest resident memory of one process while a request runs."""

    def __init__(self, pid, interval=0.005):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kib, self._stop_event = 0, threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            try:
                self.peak_kib = max(self.peak_kib, memory_kib(self.pid)[0])
            except (OSError, ValueError):
                return
            time.sleep(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()


# --- Load -----------------------------------------------------------------------------------

def wrk(port, path, seconds, args, meter):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
               "--latency",
               # A slow page should show as slow, not vanish as a timeout at wrk's 2 s.
               "--timeout", "10s",
               "-s", str(WRK_SCRIPT)]
    for name, value in LOAD_HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    with meter:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=seconds + 120, stdin=subprocess.DEVNULL)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {path} (exit {result.returncode}):\n"
                         f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    seconds_run = raw["duration_us"] / 1e6
    errors = sum(raw["errors"].values()) + raw["non_2xx"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(raw["latency_us"]["p50"] / 1000, 1),
        "p90_ms": round(raw["latency_us"]["p90"] / 1000, 1),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 1),
        "max_ms": round(raw["latency_us"]["max"] / 1000, 1),
        "errors": errors,
        "error_detail": {**raw["errors"], "non_2xx": raw["non_2xx"],
                         "statuses": raw["statuses"]},
        "bytes_per_request": round(raw["bytes"] / raw["requests"]) if raw["requests"] else 0,
        **meter.figures,
        # CPU the portal spent per answered request, PostgreSQL included: what the page
        # costs, much less disturbed than req/s by other processes on a shared machine.
        "cpu_ms_per_request": round(meter.figures["portal_cpu_seconds"] * 1000
                                    / raw["requests"], 1) if raw["requests"] else None,
    }


def precheck(port, path):
    """One plain request before the load: the status and the headers that matter for
    caching, so a redirect or an error page is never benchmarked unnoticed."""
    status, headers, body = get(port, path, timeout=120)
    cookies = sorted({c.split("=", 1)[0].strip() for c in headers.get_all("Set-Cookie") or []})
    return {"status": status, "bytes": len(body),
            "content_type": headers.get("Content-Type"),
            "cache_control": headers.get("Cache-Control"), "vary": headers.get("Vary"),
            "sets_cookies": cookies, "location": headers.get("Location")}


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def system_busy_ticks():
    """Busy clock ticks of the whole machine so far (all cores), from /proc/stat."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
    return user + nice + system + irq + softirq + steal


def database_backends(database):
    """PostgreSQL backends serving the bench database (their title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                pids.append(int(entry.name))
    return pids


class CpuMeter:
    """Where the machine's CPU went while wrk ran: the portal (gunicorn and its PostgreSQL
    backends), wrk, and everything else. On a shared machine "other" says how far a row
    can be trusted: what other processes used was not available to the portal."""

    def __init__(self, master_pid, database):
        self.master_pid, self.database = master_pid, database

    def _portal(self):
        ticks = {}
        for pid in [self.master_pid, *worker_pids(self.master_pid),
                    *database_backends(self.database)]:
            try:
                ticks[pid] = cpu_ticks(pid)
            except (OSError, ValueError, IndexError):
                pass
        return ticks

    def __enter__(self):
        self.wall = time.monotonic()
        self.busy, self.portal = system_busy_ticks(), self._portal()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.children = usage.ru_utime + usage.ru_stime
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.wall
        tick = os.sysconf("SC_CLK_TCK")
        busy = (system_busy_ticks() - self.busy) / tick
        portal_now = self._portal()
        # A backend that appeared during the run counts from zero.
        portal = sum(t - self.portal.get(pid, 0) for pid, t in portal_now.items()) / tick
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_tool = usage.ru_utime + usage.ru_stime - self.children  # wrk, once waited for
        cores = os.cpu_count() or 1
        self.figures = {
            # Fractions of the whole machine (1.0 = every core busy for the whole run).
            "portal_cpu": round(portal / wall / cores, 2),
            "wrk_cpu": round(load_tool / wall / cores, 2),
            "other_cpu": round(max(busy - portal - load_tool, 0) / wall / cores, 2),
            "portal_cpu_seconds": round(portal, 2),
        }
        return False


def drain(master_pid, limit=300.0, window=0.3):
    """Wait until the workers are idle; the seconds it took.

    When wrk stops, up to one request per connection is still queued or running in the
    server, and gunicorn's sync workers finish each even though nobody reads the answer.
    Measuring the next URL at once would charge it with that work (for the sitemap, tens
    of seconds). Idle means: no worker used CPU in two windows in a row (a busy worker
    alternates Python and short queries, so it cannot sit still for a whole window)."""
    started = time.monotonic()
    quiet, last = 0, None
    while quiet < 2:
        try:
            now = {pid: cpu_ticks(pid) for pid in worker_pids(master_pid)}
        except (OSError, ValueError, IndexError):  # a worker went away mid-read
            now = None
        if now and last and now.keys() == last.keys():
            quiet = quiet + 1 if sum(now.values()) - sum(last.values()) <= 1 else 0
        else:
            quiet = 0
        last = now
        if time.monotonic() - started > limit:
            log(f"  warning: the server was still busy {limit:.0f} s after the load stopped")
            break
        time.sleep(window)
    return round(time.monotonic() - started, 1)


def wait_for_quiet(limit, threshold=0.15, window=0.5):
    """On a shared machine, wait (at most `limit` seconds) until other processes leave the
    CPU mostly idle, so the next measurement is the portal's and not theirs; the seconds
    waited. Called when the portal itself is idle, so any busy CPU is someone else's."""
    started = time.monotonic()
    cores = os.cpu_count() or 1
    tick = os.sysconf("SC_CLK_TCK")
    quiet = 0
    while quiet < 2 and time.monotonic() - started < limit:
        before = system_busy_ticks()
        time.sleep(window)
        busy = (system_busy_ticks() - before) / tick / window / cores
        quiet = quiet + 1 if busy < threshold else 0
    return round(time.monotonic() - started, 1)


def measure(port, master_pid, target, args):
    """Warm-up pass, then the measured pass, of one URL, each starting on an idle server."""
    meter = CpuMeter(master_pid, args.database_name)
    drain(master_pid)
    check = precheck(port, target["path"])
    warm = None
    if args.warmup > 0:
        warm = wrk(port, target["path"], args.warmup, args, meter)
        drain(master_pid)
    waited = wait_for_quiet(args.quiet_wait) if args.quiet_wait > 0 else 0
    result = wrk(port, target["path"], args.seconds, args, meter)
    result.update(name=target["name"], path=target["path"], precheck=check,
                  warmup_rps=warm["rps"] if warm else None,
                  quiet_wait_seconds=waited, drain_seconds=drain(master_pid))
    return result


def run_mode(mode, processes, base_env, targets, args, log_dir):
    env = dict(base_env, **MODES[mode])
    probe(["clear-cache"], env, log_dir, f"clear-cache-{mode}")
    log_path = log_dir / f"gunicorn-{mode}.log"
    process, port = start_portal(processes, env, log_path)
    workers = len(worker_pids(process.pid))
    log(f"{mode} run: gunicorn with {workers} workers on 127.0.0.1:{port}; "
        f"{args.warmup} s warm-up + {args.seconds} s per URL")
    try:
        static = targets["static"]
        # The static file before and after the pages: their mean is the yardstick, and
        # their difference shows how steady the machine was during the run.
        static_runs = [measure(port, process.pid, static, args)]
        log(f"  {static['name']:<24} {static_runs[0]['rps']:>9.1f} req/s")
        pages = []
        for page in targets["pages"]:
            pages.append(measure(port, process.pid, page, args))
            p = pages[-1]
            log(f"  {page['name']:<24} {p['rps']:>9.1f} req/s  p99 {p['p99_ms']} ms"
                f"  errors {p['errors']}")
        static_runs.append(measure(port, process.pid, static, args))
        log(f"  {static['name']:<24} {static_runs[1]['rps']:>9.1f} req/s (again)")
    finally:
        processes.stop(process)
        trim_access_log(log_path)
    static_rps = statistics.mean(r["rps"] for r in static_runs)
    for page in pages:
        page["ratio"] = round(page["rps"] / static_rps, 3) if static_rps else None
    return {
        "env": MODES[mode],
        "workers": workers,
        "static": {**static_runs[0], "rps_runs": [r["rps"] for r in static_runs],
                   "rps": round(static_rps, 1),
                   "errors": sum(r["errors"] for r in static_runs),
                   "p99_ms": max(r["p99_ms"] for r in static_runs),
                   "p50_ms": round(statistics.mean(r["p50_ms"] for r in static_runs), 1),
                   "other_cpu": max(r["other_cpu"] for r in static_runs),
                   "cpu_ms_per_request": static_runs[0]["cpu_ms_per_request"]},
        "pages": pages,
    }


# --- The subscriber export --------------------------------------------------------------------

def export_once(browser, export_path, query, master_pid):
    """One CSV export through the admin: time, rows and the worker's peak memory."""
    path = export_path + (f"?{urllib.parse.urlencode({'q': query})}" if query else "")
    status, _, page = browser.request("GET", path)
    if status != 200:
        raise BenchError(f"GET {path} answered {status}")
    form = parse_form(page, "format")
    if form is None:
        raise BenchError(f"no export form with a 'format' field at {path}")
    csv_options = [o for o in form["selects"]["format"] if "csv" in o["text"].lower()]
    if not csv_options:
        raise BenchError("the export form offers no CSV format")
    fields = list(form["fields"]) + [("format", csv_options[0]["value"])]
    for name, options in form["selects"].items():
        if name != "format":
            chosen = [o for o in options if o["selected"]] or options[:1]
            fields += [(name, o["value"]) for o in chosen]

    workers = worker_pids(master_pid)
    if len(workers) != 1:
        raise BenchError(f"expected one gunicorn worker to watch, found {len(workers)}")
    worker = workers[0]
    rss_before, hwm_before = memory_kib(worker)
    sampler = RssSampler(worker)
    sampler.start()
    figures = {}

    def consume(response, started):
        # Read as a client would, keeping nothing: bytes and lines counted on the fly.
        size = lines = 0
        first = None
        while chunk := response.read(65536):
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
        figures.update(seconds=time.perf_counter() - started, first_byte_seconds=first,
                       bytes=size, lines=lines)

    try:
        status, headers, _ = browser.request("POST", path, fields=fields, stream_to=consume,
                                             timeout=600)
    finally:
        sampler.stop()
    rss_after, hwm_after = memory_kib(worker) if Path(f"/proc/{worker}").exists() else (0, 0)
    # The sampler can miss a short spike; a high-water mark that rose during the request
    # cannot.
    peak = max(sampler.peak_kib, hwm_after if hwm_after > hwm_before else 0)
    content_type = headers.get("Content-Type", "")
    if status != 200 or "csv" not in content_type:
        raise BenchError(f"POST {path} answered {status} {content_type}, not a CSV file")
    return {
        "filter": query or None,
        "rows": max(figures["lines"] - 1, 0),  # minus the header line
        "bytes": figures["bytes"],
        "seconds": round(figures["seconds"], 2),
        "first_byte_seconds": round(figures["first_byte_seconds"] or 0, 2),
        # A streamed response has no Content-Length: gunicorn sends it chunked.
        "streamed": headers.get("Content-Length") is None,
        "worker_rss_before_mib": round(rss_before / 1024, 1),
        "worker_peak_rss_mib": round(peak / 1024, 1),
        "worker_growth_mib": round(max(peak - rss_before, 0) / 1024, 1),
    }


def measure_export(processes, env, urls, args, log_dir):
    # One worker, so the memory watched is the one doing the export, and a long timeout,
    # so an export slower than gunicorn's default 30 s is measured rather than killed.
    process, port = start_portal(processes, env, log_dir / "gunicorn-export.log",
                                 WEB_CONCURRENCY="1", GUNICORN_TIMEOUT="600")
    try:
        username, password = "bench-admin", env["BENCH_ADMIN_PASSWORD"]
        browser = Browser(port)
        status, _, page = browser.request("GET", urls["login_path"])
        form = parse_form(page, "password") if status == 200 else None
        if form is None:
            raise BenchError(f"no login form at {urls['login_path']} (status {status})")
        fields = [(n, v) for n, v in form["fields"] if n not in ("username", "password")]
        fields += [("username", username), ("password", password)]
        status, headers, _ = browser.request("POST", urls["login_path"], fields=fields)
        if status != 302 or "sessionid" not in browser.cookies:
            raise BenchError(f"admin login as {username} failed (status {status}); "
                             "if two-factor login is now enforced, see bench/README.md")
        # Smallest first: memory a worker's allocator keeps after a big export would hide
        # the growth of a smaller one after it. The one-row export loads the code paths.
        n = args.subscribers
        runs = []
        for label, query in [("warm-up", f"demo-subscriber-{n}@"),
                             ("tenth", "demo-subscriber-1"), ("all", None)]:
            result = export_once(browser, urls["export_path"], query, process.pid)
            result["label"] = label
            runs.append(result)
            log(f"  export {label}: {result['rows']} rows in {result['seconds']} s, "
                f"worker +{result['worker_growth_mib']} MiB")
        return {"runs": runs}
    finally:
        processes.stop(process)


# --- Report ---------------------------------------------------------------------------------

def judge(results, args):
    """Every target as {what, limit, value, ok}; value None means not measured."""
    checks = []

    def check(what, value, limit, ok):
        checks.append({"what": what, "value": value, "limit": limit, "ok": ok})

    load = results.get("load_demo", {})
    if load.get("seconds") is not None:
        check(f"load_demo --projects {args.projects} --subscribers {args.subscribers} "
              "seconds", load["seconds"], f"< {TARGET_LOAD_DEMO_SECONDS:g}",
              load["seconds"] < TARGET_LOAD_DEMO_SECONDS)
    for mode, run in results.get("runs", {}).items():
        target = TARGETS[mode]
        # Every page, and the static file (the yardstick: no ratio), within the run's
        # p99 and without errors.
        for row in [run["static"], *run["pages"]]:
            name = row["name"]
            if row is not run["static"]:
                check(f"{mode}: {name} ratio to static", row["ratio"],
                      f">= {target['ratio']:g}",
                      row["ratio"] is not None and row["ratio"] >= target["ratio"])
            check(f"{mode}: {name} p99 ms", row["p99_ms"], f"< {target['p99_ms']:g}",
                  row["p99_ms"] < target["p99_ms"])
            check(f"{mode}: {name} errors", row["errors"], "0", row["errors"] == 0)
    export = results.get("export")
    if export is not None:
        if "error" in export:
            check("subscriber export", export["error"], "measured", False)
        else:
            runs = {r["label"]: r for r in export["runs"]}
            full, tenth = runs["all"], runs["tenth"]
            check(f"subscriber export of {full['rows']} rows, seconds", full["seconds"],
                  f"< {TARGET_EXPORT_SECONDS:g}", full["seconds"] < TARGET_EXPORT_SECONDS)
            extra = round(full["worker_growth_mib"] - tenth["worker_growth_mib"], 1)
            check(f"subscriber export memory: growth at {full['rows']} rows minus growth at "
                  f"{tenth['rows']} rows, MiB", extra, f"< {TARGET_EXPORT_EXTRA_MIB:g}",
                  extra < TARGET_EXPORT_EXTRA_MIB)
            check("subscriber export streamed (no Content-Length)", full["streamed"], "true",
                  full["streamed"])
    return checks


def format_report(results, checks):
    lines = []
    missed_by_row = {}
    for c in checks:
        if not c["ok"] and ": " in c["what"]:
            mode, rest = c["what"].split(": ", 1)
            for suffix, short in ((" ratio to static", "ratio"), (" p99 ms", "p99"),
                                  (" errors", "errors")):
                if rest.endswith(suffix):
                    missed_by_row.setdefault((mode, rest[:-len(suffix)]), []).append(short)
    probes = {p["path"]: p for p in results.get("probe", [])}
    noisy = 0
    gunicorn = results["config"].get("gunicorn", {})
    if gunicorn:
        lines.append("")
        lines.append("gunicorn (gunicorn.conf.py as shipped): "
                     + ", ".join(f"{k} {v}" for k, v in gunicorn.items()))
    for mode, run in results.get("runs", {}).items():
        env = " ".join(f"{k}={v}" for k, v in run["env"].items()) or "default settings"
        target = TARGETS[mode]
        lines.append("")
        lines.append(f"{mode} run ({env}; {run['workers']} gunicorn workers); targets for "
                     f"every page: ratio >= {target['ratio']:g}, p99 < "
                     f"{target['p99_ms']:g} ms, no errors")
        lines.append(f"{'page':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
                     f"{'ratio':>8}{'KB':>8}{'queries':>9}{'cpu ms':>8}{'other':>7}  target")
        rows = [{**run["static"], "ratio": 1.0}] + run["pages"]
        for row in rows:
            name = row["name"]
            queries = probes.get(row["path"], {}).get("queries")
            missed = missed_by_row.get((mode, name), [])
            verdict = f"FAIL {','.join(missed)}" if missed else "pass"
            lines.append(
                f"{name:<24}{row['rps']:>9.1f}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
                f"{row['errors']:>8}{row['ratio']:>8.3f}"
                f"{row['precheck']['bytes'] / 1024:>8.1f}"
                f"{'-' if queries is None else queries:>9}"
                f"{'-' if row['cpu_ms_per_request'] is None else row['cpu_ms_per_request']:>8}"
                f"{row['other_cpu'] * 100:>6.0f}%{'!' if row['other_cpu'] >= NOISY else ' '}"
                f" {verdict}")
            noisy += row["other_cpu"] >= NOISY
        lines.append(f"(static css req/s before and after the pages: "
                     f"{', '.join(str(r) for r in run['static']['rps_runs'])}; "
                     "other = CPU used by processes outside the benchmark; cpu ms = the "
                     "portal's CPU per request, PostgreSQL included)")
        passed = sum(not missed_by_row.get((mode, page["name"])) for page in run["pages"])
        lines.append(f"{passed} of {len(run['pages'])} pages meet every {mode} target.")
    load = results.get("load_demo", {})
    lines.append("")
    if load.get("seconds") is not None:
        lines.append(f"load_demo --projects {results['config']['projects']} --subscribers "
                     f"{results['config']['subscribers']}: {load['seconds']:.1f} s")
    export = results.get("export")
    if export and "runs" in export:
        for r in export["runs"]:
            lines.append(f"subscriber export ({r['label']}): {r['rows']} rows, "
                         f"{r['bytes'] / 1e6:.1f} MB in {r['seconds']} s (first byte "
                         f"{r['first_byte_seconds']} s), streamed: {r['streamed']}, worker "
                         f"RSS {r['worker_rss_before_mib']} -> peak "
                         f"{r['worker_peak_rss_mib']} MiB (+{r['worker_growth_mib']})")
    elif export:
        lines.append(f"subscriber export: not measured: {export['error']}")
    if noisy:
        lines.append(f"{noisy} row(s) marked ! were measured while processes outside the "
                     f"benchmark used {NOISY:.0%} or more of the CPU: they understate the "
                     "portal; run again on a quiet machine.")
    lines += verdict_lines(checks)
    return "\n".join(lines)


def verdict_lines(checks):
    """The report's last lines: every missed target, or that all were met."""
    missed = [c for c in checks if not c["ok"]]
    if not missed:
        return ["", "Every target met."]
    return ["", f"{len(missed)} target(s) missed:",
            *(f"  {c['what']}: {c['value']} (target {c['limit']})" for c in missed)]


def tool_version(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.SubprocessError):
        return None


def git_state():
    commit = tool_version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True).stdout.strip()
    return f"{commit}{' (uncommitted changes)' if dirty else ''}"


# --- Main -----------------------------------------------------------------------------------

def main():
    args = parse_args()
    stop_cleanly_on_signals()

    processes = Processes()
    log_dir = Path(tempfile.mkdtemp(prefix="palmecentret-bench-"))
    env = portal_env(args.database_url, args.workers)
    env["BENCH_ADMIN_PASSWORD"] = secrets.token_urlsafe(24)
    created_database = False
    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {"seconds": args.seconds, "warmup_seconds": args.warmup,
                   "connections": args.connections, "wrk_threads": args.threads,
                   "quiet_wait": args.quiet_wait,
                   "projects": args.projects,
                   "subscribers": args.subscribers, "modes": args.modes,
                   "database": database_parts(args.database_url)[1],
                   "cache_url": os.environ.get("BENCH_CACHE_URL") or "portal default",
                   "headers": LOAD_HEADERS},
        "targets": {**TARGETS, "export_seconds": TARGET_EXPORT_SECONDS,
                    "export_extra_mib": TARGET_EXPORT_EXTRA_MIB,
                    "load_demo_seconds": TARGET_LOAD_DEMO_SECONDS},
    }
    try:
        ensure_program("wrk", "wrk")
        results["machine"] = {
            "cores": os.cpu_count(), "python": platform.python_version(),
            "wrk": tool_version(["wrk", "--version"]),
            "gunicorn": tool_version([GUNICORN, "--version"]),
            "postgresql": postgres_version(args.database_url),
            "commit": git_state(),
        }
        log(f"logs in {log_dir}")
        results["config"]["gunicorn"] = gunicorn_settings(env)
        if not args.reuse:
            log(f"creating database {results['config']['database']}")
            recreate_database(args.database_url)
            created_database = True
        log("migrate, collectstatic (production settings)")
        deploy_steps(env, log_dir)
        if args.reuse:
            results["load_demo"] = {"seconds": None, "note": "--reuse: not loaded"}
        else:
            log(f"load_demo --projects {args.projects} --subscribers {args.subscribers}")
            seconds = run_step("load_demo", [
                PYTHON, "manage.py", "load_demo", "--projects", str(args.projects),
                "--subscribers", str(args.subscribers), "--allow-production"], env, log_dir)
            results["load_demo"] = {"seconds": round(seconds, 1)}
            log(f"  load_demo took {seconds:.1f} s")

        urls = probe(["urls"], env, log_dir, "urls")
        if args.pages:
            urls["pages"] = [p for p in urls["pages"] if p["name"] in args.pages]
        results["picked"] = urls["picked"]
        log("pages: " + ", ".join(f"{p['name']} {p['path']}" for p in urls["pages"]))

        if not args.no_probe:
            log("counting queries per page in-process (uncached)")
            results["probe"] = probe(
                ["queries", urls["static"]["path"], *(p["path"] for p in urls["pages"])],
                dict(env, **MODES["uncached"]), log_dir, "queries")

        targets = {"static": urls["static"], "pages": urls["pages"]}
        results["runs"] = {}
        for mode in args.modes:
            results["runs"][mode] = run_mode(mode, processes, env, targets, args, log_dir)

        if not args.no_export:
            log("subscriber CSV export through the admin")
            probe(["superuser"], env, log_dir, "superuser")
            try:
                results["export"] = measure_export(processes, env, urls, args, log_dir)
            except (BenchError, OSError) as exc:
                results["export"] = {"error": str(exc)}
                log(f"  export not measured: {exc}")
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; stopping what was started", file=sys.stderr)
        return 130
    finally:
        clean_up(processes, args.database_url if created_database and not args.keep else None)

    return finish(results, judge(results, args), format_report, args, log_dir)


def clean_up(processes, drop_url):
    """Stops everything the benchmark started and drops the database at `drop_url`, if
    any."""
    processes.stop_all()
    if drop_url:
        try:
            drop_database(drop_url)
            log(f"dropped database {database_parts(drop_url)[1]}")
        except Exception as exc:  # the report still matters more
            print(f"bench: could not drop the database: {exc}", file=sys.stderr)


def stop_cleanly_on_signals():
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, through the finally;
    # SIGINT too when a shell started the benchmark in the background with it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))


def finish(results, checks, report, args, log_dir):
    """Writes the JSON file and prints the report; the exit status (1: a target missed,
    unless --no-fail)."""
    results["checks"] = checks
    results["missed"] = [c["what"] for c in checks if not c["ok"]]
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds")
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report(results, checks))
    print(f"\nbench: results written to {args.output}; logs in {log_dir}")
    return 1 if results["missed"] and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())

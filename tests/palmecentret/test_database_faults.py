"""The portal under gunicorn while its PostgreSQL goes away, comes back, or is slow.

The portal talks to PostgreSQL through a TCP forwarder that the tests cut and restore.
While the database is away, /healthz says 503 and pages are the branded 503 page; once it
is back the same gunicorn, never restarted, answers everything again without a single
error (persistent connections with CONN_HEALTH_CHECKS). A statement that runs too long
is cancelled after DATABASE_STATEMENT_TIMEOUT, and a database that does not answer at
all is given up after the connect timeout: a slow database cannot hold the workers. Nor
can one cut off by a network partition, which closes nothing and answers nothing: the
forwarder then sits behind a virtual network whose packets the test drops.
Also how web connections are set up: their statement timeout, and the statements they
prepare (DATABASE_PREPARE_THRESHOLD)."""

import ctypes
import http.client
import itertools
import json
import os
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import translation

from palmecentret.login_security import LOGIN_TIME_SESSION_KEY
from projects.models import Region
from tests.factories import CountryFactory, ProjectFactory, RegionFactory

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
STATEMENT_TIMEOUT = 1  # seconds, for the portal under test
CONNECT_TIMEOUT = 5  # seconds, as in settings.py
_unique = itertools.count()


# --- A database link the test can cut -----------------------------------------------------

class DatabaseLink:
    """Forwards TCP connections from a local port to PostgreSQL.

    cut("down"): every open connection is closed and new ones are hung up at once, as when
    the server stops. cut("silent"): the same, but new connections are accepted and never
    answered, as when the server's host is gone. restore(): forwarding as normal again.
    """

    def __init__(self, upstream, listener=None):
        self.upstream = upstream
        self.listener = listener or socket.create_server(("127.0.0.1", 0))
        self.host, self.port = self.listener.getsockname()[:2]
        self.mode = "up"
        self.forwarded = 0  # connections forwarded to PostgreSQL so far
        self._lock = threading.Lock()
        self._sockets = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                if self.mode == "down":
                    client.close()
                    continue
                if self.mode == "silent":
                    self._sockets.add(client)
                    continue
                try:
                    server = socket.create_connection(self.upstream, timeout=5)
                except OSError:
                    client.close()
                    continue
                server.settimeout(None)
                self.forwarded += 1
                self._sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                _hang_up(sock)
            with self._lock:
                self._sockets -= {source, target}

    def cut(self, mode="down"):
        with self._lock:
            self.mode = mode
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _hang_up(sock)

    def restore(self):
        with self._lock:
            self.mode = "up"

    def close(self):
        self.listener.close()
        self.cut()


def _hang_up(sock):
    # shutdown() wakes a thread blocked in recv() on the socket; close() alone may not.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


# --- A network the test can partition ----------------------------------------------------

class Network:
    """A network between the portal and the forwarder that the test can partition, as a
    network partition or a frozen host does: packets are lost both ways, and nobody closes
    or refuses anything. A forwarder that merely stops forwarding would not do, since its
    kernel would still acknowledge what the portal sends.

    Two ends of a virtual Ethernet cable: the forwarder listens on the far one, which
    lives in a network namespace of its own (so that the packets really travel over the
    cable), the portal connects from this one. cut() takes the far end down: what the
    portal sends is dropped on this side, and nothing comes back. Needs root and iproute2
    (`ip`), as CI has."""

    def __init__(self):
        tag = os.getpid()
        self.namespace = f"pcfaults{tag}"
        self.near, self.far = f"pcf{tag}a", f"pcf{tag}b"
        # A /30 of its own for each test process, so two runs side by side do not meet.
        block = (tag % 16384) * 4
        self.near_address = f"10.237.{block // 256}.{block % 256 + 1}"
        self.far_address = f"10.237.{block // 256}.{block % 256 + 2}"
        self.remove()  # left over from a run of the same process id that was killed
        ip("netns", "add", self.namespace)
        try:
            ip("link", "add", self.near, "type", "veth", "peer", "name", self.far,
               "netns", self.namespace)
            ip("addr", "add", f"{self.near_address}/30", "dev", self.near)
            ip("link", "set", self.near, "up")
            ip("-n", self.namespace, "addr", "add", f"{self.far_address}/30", "dev", self.far)
            ip("-n", self.namespace, "link", "set", self.far, "up")
            # The far end's hardware address, fixed, so that no address lookup (ARP)
            # runs while it is down: this side sees nothing but silence.
            mac = ip("-n", self.namespace, "-br", "link", "show", self.far).split()[2]
            ip("neigh", "replace", self.far_address, "lladdr", mac, "dev", self.near,
               "nud", "permanent")
        except BaseException:
            self.remove()
            raise

    def listener(self):
        """A listening TCP socket on the far end, made from a thread that joins the
        namespace (a namespace belongs to a thread, and the socket keeps it)."""
        made = {}

        def make():
            with open(f"/run/netns/{self.namespace}") as namespace:
                if _libc.setns(namespace.fileno(), CLONE_NEWNET) != 0:
                    made["error"] = OSError(ctypes.get_errno(), "setns")
                    return
            made["socket"] = socket.create_server((self.far_address, 0))

        thread = threading.Thread(target=make)
        thread.start()
        thread.join()
        if "error" in made:
            raise made["error"]
        return made["socket"]

    def cut(self):
        ip("-n", self.namespace, "link", "set", self.far, "down")

    def restore(self):
        ip("-n", self.namespace, "link", "set", self.far, "up")

    def remove(self):
        # Deleting the near end deletes the pair; the namespace goes with its last socket.
        subprocess.run(["ip", "link", "del", self.near], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True,
                       check=False)


CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def ip(*arguments):
    done = subprocess.run(["ip", *arguments], capture_output=True, text=True, timeout=30,
                          check=False)
    if done.returncode != 0:
        raise OSError(f"ip {' '.join(arguments)}: {done.stderr.strip()}")
    return done.stdout


@pytest.fixture
def network():
    problem = None
    if os.geteuid() != 0:
        problem = "needs root (a network namespace and a virtual Ethernet pair)"
    elif shutil.which("ip") is None:
        problem = "needs iproute2 (ip)"
    if problem is None:
        try:
            network = Network()
        except OSError as exc:
            problem = f"could not set up a network namespace: {exc}"
    if problem is not None:
        # Like the other fault tests: CI, which runs as root, must never skip it.
        if os.environ.get("REQUIRE_POSTGRES", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"REQUIRE_POSTGRES is set but the partition test {problem}")
        pytest.skip(f"{problem}; runs in CI")
    yield network
    network.remove()


# --- The portal under gunicorn ------------------------------------------------------------

class Portal:
    def __init__(self, port, process):
        self.port = port
        self.process = process

    def get(self, path, cookies=None, timeout=30):
        """(status, headers, body, seconds) of a GET, as through the TLS proxy."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "sv"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        started = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read().decode()
            return response.status, response.msg, body, time.monotonic() - started
        finally:
            conn.close()

    def status(self, path, **kwargs):
        return self.get(path, **kwargs)[0]

    def workers(self):
        """The process ids of gunicorn's workers (the master's children, from /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return set(children.read_text().split())


def fresh(path):
    """The path with a query string never asked for before: no cache can answer it."""
    return f"{path}{'&' if '?' in path else '?'}fault-test={next(_unique)}"


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while True:
        if predicate():
            return
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def link(request, transactional_db):
    """The forwarder to the test database; on the far side of `network` for a test
    parametrized with link="across a network"."""
    db = connection.settings_dict
    upstream = (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    if getattr(request, "param", None) == "across a network":
        link = DatabaseLink(upstream, request.getfixturevalue("network").listener())
    else:
        link = DatabaseLink(upstream)
    yield link
    link.close()


@pytest.fixture
def secret_key():
    return secrets.token_urlsafe(48)


@pytest.fixture
def portal(link, secret_key, tmp_path):
    """The portal in production settings under gunicorn with two workers, its database
    reached through `link`, holding its connections (CONN_MAX_AGE) between requests."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {name: value for name, value in os.environ.items()
           if name not in ("CACHE_URL", "PAGE_CACHE_SECONDS", "TASKS_BACKEND")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.palmecentret.fault_settings",
        "DATABASE_URL": f"postgres://{credentials}@{link.host}:{link.port}/{db['NAME']}",
        "CONN_MAX_AGE": "600",
        "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "OTP_REQUIRED": "false",
        "LOG_LEVEL": "WARNING",
        # No planned worker replacement during the test (gunicorn.conf.py).
        "GUNICORN_MAX_REQUESTS": "0",
        "PYTHONUNBUFFERED": "1",
    })
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "palmecentret.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", str(WORKERS), "--graceful-timeout", "2"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    portal = Portal(port, process)
    try:
        def answers():
            if process.poll() is not None:
                pytest.fail("gunicorn stopped:\n" + log_path.read_text())
            try:
                return portal.status("/healthz", timeout=5) == 200
            except OSError:
                return False
        wait_for(answers, 30, "gunicorn answers /healthz")
        yield portal
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def site(transactional_db):
    """Committed content, so that the portal's own connections see it."""
    country = CountryFactory(region=RegionFactory(slug="afrika"), slug="sydafrika")
    project = ProjectFactory(slug="facklig-organisering", countries=[country])
    with translation.override("en"):
        english_project = reverse("projects:project-detail", kwargs={"slug": project.slug})
        english_region = reverse("projects:region-detail", kwargs={"slug": "afrika"})
    return ["/", "/regioner/", "/projekt/", project.get_absolute_url(),
            "/en/", english_region, english_project, "/sok/?q=facklig"]


@pytest.fixture
def staff_cookie(transactional_db, settings, secret_key):
    """Alice's session cookie, signed with the portal's key: a logged-in staff member."""
    settings.SECRET_KEY = secret_key
    alice = User.objects.create_user("alice", "alice@example.org", "x" * 20,
                                     is_staff=True, is_superuser=True)
    session = SessionStore()
    session[SESSION_KEY] = str(alice.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = alice.get_session_auth_hash()
    session[LOGIN_TIME_SESSION_KEY] = int(time.time())
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def assert_branded_503(portal, path, message, cookies=None):
    status, headers, body, _seconds = portal.get(fresh(path), cookies=cookies)
    assert status == 503, (path, body[:500])
    assert headers["Retry-After"] == "30"
    assert message in body
    # The site's own page (its header and stylesheet), not a server's bare error.
    assert 'class="site-header"' in body and "css/site.css" in body
    assert "Traceback" not in body and "Server Error" not in body


# --- The database goes away and comes back ------------------------------------------------

@pytest.mark.postgres
def test_while_the_database_is_down_the_portal_says_so_and_recovers_without_restart(
        link, portal, site, staff_cookie):
    admin = "/admin/"
    for path in site:
        assert portal.status(path) == 200, path
    assert portal.status(admin, cookies=staff_cookie) == 200
    workers = portal.workers()
    assert len(workers) == WORKERS
    # Persistent connections: many requests, at most one connection per worker.
    for _ in range(20):
        assert portal.status(fresh("/")) == 200
    assert link.forwarded <= WORKERS

    link.cut("down")

    status, _headers, body, _seconds = portal.get("/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "database": "down"}
    # A page that reads its own object asks the database for it. (Pages whose content is
    # all in {% cache %} fragments, such as the home page, the regions or the project
    # list, are shown by a worker that kept the fragments, and say so otherwise.)
    assert_branded_503(portal, "/lander/sydafrika/", "Portalen är tillfälligt otillgänglig")
    assert_branded_503(portal, "/projekt/facklig-organisering/",
                       "Portalen är tillfälligt otillgänglig")
    assert_branded_503(portal, "/en/projects/facklig-organisering/",
                       "The portal is briefly unavailable")
    for path in ("/", "/en/projects/"):
        status, _headers, body, _seconds = portal.get(fresh(path))
        assert status in (200, 503), (path, status)
        assert "Traceback" not in body and 'class="site-header"' in body
    # A logged-in staff member's session is in the database too: the same page, not a 500.
    assert_branded_503(portal, "/", "Portalen är tillfälligt otillgänglig", staff_cookie)
    assert_branded_503(portal, "/en/admin/", "The portal is briefly unavailable", staff_cookie)
    # Still down a moment later, for every worker.
    for _ in range(2 * WORKERS):
        assert portal.status("/healthz") == 503

    link.restore()

    # Back within a few seconds, without restarting anything ...
    wait_for(lambda: portal.status("/healthz") == 200, 10, "/healthz answers 200 again")
    # ... and then every page, in both languages, for visitors and staff, with no errors.
    statuses = [portal.status(path) for path in site]
    statuses.append(portal.status(admin, cookies=staff_cookie))
    for n in range(50):
        statuses.append(portal.status(fresh(site[n % len(site)])))
    assert statuses == [200] * len(statuses)
    assert portal.process.poll() is None
    assert portal.workers() == workers  # no worker was restarted either


@pytest.mark.postgres
def test_connections_dropped_while_idle_cost_no_visitor_an_error(link, portal, site):
    # Every worker holds a connection ...
    for n in range(4 * WORKERS):
        assert portal.status(fresh(site[n % len(site)])) == 200
    # ... that the database drops while nobody is asking (a restart, a failover).
    link.cut("down")
    link.restore()
    # Each worker notices on its next request (CONN_HEALTH_CHECKS) and connects anew.
    statuses = [portal.status(fresh(site[n % len(site)])) for n in range(50)]
    assert statuses == [200] * 50
    assert portal.status("/healthz") == 200


# --- A slow database ----------------------------------------------------------------------

@pytest.fixture
def other_session(transactional_db):
    """A session of the test database beside the portal's (not through the link)."""
    db = connection.settings_dict
    session = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                              user=db["USER"], password=db["PASSWORD"] or None,
                              dbname=db["NAME"])
    yield session
    session.rollback()
    session.close()


def lock_regions(session):
    """`session` holds the regions table locked (a long migration, a stuck job), so every
    query that reads it waits, until the session's transaction ends."""
    session.execute(f'LOCK TABLE "{Region._meta.db_table}" IN ACCESS EXCLUSIVE MODE')


def lock_waits():
    """How many sessions wait for the regions table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE relation = %s::regclass"
                       " AND NOT granted", [Region._meta.db_table])
        return cursor.fetchone()[0]


@pytest.fixture
def region_table_locked(other_session):
    lock_regions(other_session)
    return other_session


@pytest.mark.postgres
def test_a_query_that_waits_too_long_is_cancelled_with_the_503_page(portal, site,
                                                                    region_table_locked):
    status, headers, body, seconds = portal.get(fresh("/regioner/"))
    assert status == 503
    assert "Portalen är tillfälligt otillgänglig" in body
    # Given up after the statement timeout, not whenever the lock goes.
    assert STATEMENT_TIMEOUT * 0.9 <= seconds < STATEMENT_TIMEOUT + 2
    # The database itself answers: the load balancer keeps the portal in.
    assert portal.status("/healthz") == 200

    region_table_locked.rollback()
    assert portal.status(fresh("/regioner/")) == 200


@pytest.mark.postgres
def test_a_database_that_does_not_answer_is_given_up_after_the_connect_timeout(
        link, portal, site):
    assert portal.status(fresh("/")) == 200
    # The database host is gone: open connections break, new ones get no answer at all.
    link.cut("silent")
    # Both at once, one for each worker.
    with ThreadPoolExecutor(WORKERS) as pool:
        health, page = pool.map(portal.get, ["/healthz", fresh("/en/")])
    status, _headers, body, seconds = health
    assert status == 503 and '"database": "down"' in body
    assert seconds < CONNECT_TIMEOUT + 3
    status, _headers, body, seconds = page
    assert status == 503 and "The portal is briefly unavailable" in body
    assert seconds < CONNECT_TIMEOUT + 3
    link.restore()
    wait_for(lambda: portal.status("/healthz") == 200, 10, "/healthz answers 200 again")
    assert portal.status(fresh("/en/")) == 200


# --- A database cut off without a word -------------------------------------------------

@pytest.mark.postgres
@pytest.mark.parametrize("link", ["across a network"], indirect=True)
def test_a_database_cut_off_by_a_partition_holds_no_request_past_the_statement_limit(
        network, link, portal, site, other_session):
    # What a request may take while the database is cut off: not much more than the
    # statement limit, whether its worker's connection was idle, waiting for an answer or
    # new (Linux's TCP user timeout ends the connection attempt as well, before the 5 s
    # connect timeout), and never near gunicorn's 30 s.
    limit = STATEMENT_TIMEOUT + 2.5

    def get(path):
        # The client gives up at some point too, so that a request held for ever fails
        # the test instead of hanging it.
        try:
            return portal.get(path, timeout=3 * limit)
        except TimeoutError:
            pytest.fail(f"{path} still had no answer after {3 * limit} s")

    def assert_branded_503(answer, message):
        status, headers, body, seconds = answer
        assert status == 503, body[:500]
        assert headers["Retry-After"] == "30" and 'class="site-header"' in body
        assert message in body
        assert seconds < limit

    with ThreadPoolExecutor(WORKERS) as pool:
        def query_waiting():
            # A page whose query waits for the lock: its worker is busy until the
            # statement limit, and the other worker takes the next request.
            waiting = pool.submit(get, fresh("/regioner/"))
            wait_for(lambda: lock_waits() == 1, 5, "the query waits for the lock")
            return waiting

        lock_regions(other_session)
        waiting = query_waiting()
        assert portal.status("/healthz") == 200
        assert waiting.result()[0] == 503  # the statement limit, as usual
        # Each worker holds a connection.
        assert link.forwarded == WORKERS
        workers = portal.workers()

        # One worker's query waits on the server when the network goes: the answer never
        # comes, and the worker has sent nothing left unacknowledged.
        in_flight = query_waiting()
        network.cut()
        # The other worker's connection looks as good as ever, and its query goes out
        # into the void.
        on_idle = get(fresh("/en/projects/"))
        assert_branded_503(in_flight.result(), "Portalen är tillfälligt otillgänglig")
        assert_branded_503(on_idle, "The portal is briefly unavailable")

        # Still cut off: new connections go unanswered.
        health, page = pool.map(get, ["/healthz", fresh("/")])
    status, _headers, body, seconds = health
    assert status == 503 and json.loads(body)["database"] == "down"
    assert seconds < limit
    assert_branded_503(page, "Portalen är tillfälligt otillgänglig")

    network.restore()
    other_session.rollback()

    # The same gunicorn, with the same workers, answers everything again.
    wait_for(lambda: portal.status("/healthz") == 200, 10, "/healthz answers 200 again")
    statuses = [portal.status(fresh(site[n % len(site)])) for n in range(3 * len(site))]
    assert statuses == [200] * len(statuses)
    assert portal.process.poll() is None
    assert portal.workers() == workers


# --- The statement timeout's configuration ------------------------------------------------

SHOW_TIMEOUTS = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection

def show():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]

print("timeout", "web", show())
call_command(COMMAND, *ARGS, verbosity=0)
print("timeout", "command", show())
connection.close()
print("timeout", "reconnected", show())
"""


def run_django(code, **environ):
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "DJANGO_SETTINGS_MODULE": "palmecentret.settings",
           "DATABASE_URL": f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           **environ}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def timeouts(command, *args, **environ):
    code = SHOW_TIMEOUTS.replace("COMMAND", repr(command)).replace("ARGS", repr(args))
    result = run_django(code, **environ)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 2)[1:] for line in result.stdout.splitlines()
                if line.startswith("timeout "))


@pytest.mark.postgres
def test_web_connections_get_the_statement_timeout_and_batch_commands_lift_it(
        django_db_setup, tmp_path):
    # Every connection starts with the limit (10 s unless configured) ...
    assert timeouts("check")["web"] == "10s"
    assert timeouts("check", DATABASE_STATEMENT_TIMEOUT="2.5")["web"] == "2500ms"
    assert timeouts("check", DATABASE_STATEMENT_TIMEOUT="0")["web"] == "0"
    # ... and an ordinary command keeps it ...
    assert timeouts("check") == {"web": "10s", "command": "10s", "reconnected": "10s"}
    # ... while long batch work runs without one, even after reconnecting.
    lifted = {"web": "10s", "command": "0", "reconnected": "0"}
    assert timeouts("migrate") == lifted
    assert timeouts("write_iati", str(tmp_path / "activities.xml")) == lifted


SHOW_SESSION = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count",
                 "tcp_user_timeout"):
        cursor.execute("SHOW " + name)
        print("setting", name, cursor.fetchone()[0])
"""


@pytest.mark.postgres
def test_the_server_gives_up_on_a_silent_web_server_as_the_web_server_does(django_db_setup):
    # A web server cut off mid-transaction holds its locks until PostgreSQL notices; it
    # notices within the statement limit (here 4 s: probes from 2 s on, 2 of them).
    result = run_django(SHOW_SESSION, DATABASE_STATEMENT_TIMEOUT="4")
    assert result.returncode == 0, result.stderr
    shown = dict(line.split(" ", 2)[1:] for line in result.stdout.splitlines()
                 if line.startswith("setting "))
    # (PostgreSQL shows the keepalive times in seconds, the user timeout in ms.)
    assert shown == {"tcp_keepalives_idle": "2", "tcp_keepalives_interval": "1",
                     "tcp_keepalives_count": "2", "tcp_user_timeout": "4000"}


# --- The health check (CONN_HEALTH_CHECKS) ---------------------------------------------

@pytest.fixture
def kept_connection(db):
    """A web worker's persistent connection, apart from the test's own transaction."""
    wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def next_request(wrapper):
    """What Django does between two requests (request_finished, request_started) and
    then at the new request's first query."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_a_connection_the_server_ended_is_checked_and_replaced(kept_connection):
    wrapper = kept_connection
    first = next_request(wrapper)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    # The server's goodbye reaches the worker's socket.
    wait_for(lambda: select.select([wrapper.connection.fileno()], [], [], 0)[0], 5,
             "the ended connection turns readable")
    second = next_request(wrapper)  # no error: a new connection
    assert second != first


# --- Prepared statements ------------------------------------------------------------------

COUNT_PREPARED = """
import django
django.setup()
from django.db import connection
from projects.models import Country

for _ in range(10):
    names = [country.name for country in Country.objects.filter(slug="sydafrika")]
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements"
                   " WHERE statement LIKE %s", ['%FROM "projects_country"%'])
    print("prepared", cursor.fetchone()[0])
"""


@pytest.mark.postgres
def test_a_query_run_again_and_again_is_prepared_unless_turned_off(db):
    # Planned once per connection instead of on every page (DATABASE_PREPARE_THRESHOLD).
    prepared = run_django(COUNT_PREPARED)
    assert prepared.returncode == 0, prepared.stderr
    assert "prepared 1" in prepared.stdout
    plain = run_django(COUNT_PREPARED, DATABASE_PREPARE_THRESHOLD="0")
    assert plain.returncode == 0, plain.stderr
    assert "prepared 0" in plain.stdout


def test_a_negative_statement_timeout_stops_the_start():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "DJANGO_SETTINGS_MODULE": "palmecentret.settings",
             "DATABASE_STATEMENT_TIMEOUT": "-1"},
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT" in result.stderr

"""The optional read replica (DATABASE_REPLICA_URL, common/db_router.py): anonymous
visitors' GET and HEAD read from it, everything else from the primary.

Database aliases are fixed when settings load, so the routing itself is tested in a fresh
interpreter configured with two SQLite files: the "replica" is a copy of the primary
taken after the shared rows were written, and the primary then changes, as a replica a
moment behind would look. What a page shows tells which database it was read from; the
queries each connection ran confirm it. SQLite whatever the suite runs on, so the test
is the same in both CI runs."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory

from common.db_router import (ReplicaReadsMiddleware, ReplicaRouter,
                                    reads_from_primary, replica_reads)
from tests.palmecentret.production import ROOT

# --- Settings ---------------------------------------------------------------------------

_DUMP_DATABASES = """
import json
from django.conf import settings
print(json.dumps({"DATABASES": settings.DATABASES,
                  "DATABASE_ROUTERS": settings.DATABASE_ROUTERS}, default=str))
"""


def run_settings(**overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="palmecentret.settings", **overrides)
    return subprocess.run([sys.executable, "-c", _DUMP_DATABASES], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def databases_settings(**overrides):
    result = run_settings(**overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("replica_url", [None, ""])
def test_without_a_replica_url_there_is_no_replica_and_no_router(replica_url):
    overrides = {} if replica_url is None else {"DATABASE_REPLICA_URL": replica_url}
    values = databases_settings(**overrides)
    assert list(values["DATABASES"]) == ["default"]
    assert values["DATABASE_ROUTERS"] == []


def test_a_replica_url_adds_the_replica_set_up_like_the_primary_and_the_router():
    values = databases_settings(
        DATABASE_URL="postgres://palmecentret:secret@db.internal:5432/palmecentret",
        DATABASE_REPLICA_URL="postgres://palmecentret_ro:secret@replica.internal:5432/pc",
        CONN_MAX_AGE="120", DATABASE_STATEMENT_TIMEOUT="7")
    primary, replica = values["DATABASES"]["default"], values["DATABASES"]["replica"]
    assert values["DATABASE_ROUTERS"] == ["common.db_router.ReplicaRouter"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "replica.internal", "palmecentret_ro", "pc")
    for config in (primary, replica):
        assert config["CONN_MAX_AGE"] == 120 and config["CONN_HEALTH_CHECKS"] is True
        assert config["OPTIONS"] == {"connect_timeout": 5,
                                     "options": "-c statement_timeout=7000 "
                                                "-c tcp_keepalives_idle=3 "
                                                "-c tcp_keepalives_interval=1 "
                                                "-c tcp_keepalives_count=4 "
                                                "-c tcp_user_timeout=7000",
                                     # A silent database given up after those 7 s too.
                                     "keepalives": 1, "keepalives_idle": 3,
                                     "keepalives_interval": 1, "keepalives_count": 4,
                                     "tcp_user_timeout": 7000,
                                     "server_side_binding": True, "prepare_threshold": 5}
    # A test run reads its test database through the replica alias.
    assert replica["TEST"]["MIRROR"] == "default"


def test_a_replica_of_another_kind_of_database_stops_the_start(tmp_path):
    result = run_settings(DATABASE_URL="postgres://palmecentret@127.0.0.1:5432/pc",
                          DATABASE_REPLICA_URL=f"sqlite:///{tmp_path}/replica.sqlite3")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "palmecentret: DATABASE_REPLICA_URL must be a replica of DATABASE_URL, the same "
        "kind of database."]


# --- Which requests may read from the replica (the middleware, in this process) --------

def seen_by_the_view(request):
    """Whether the view behind ReplicaReadsMiddleware may read from the replica."""
    seen = []
    ReplicaReadsMiddleware(lambda request: seen.append(replica_reads.get()))(request)
    replica_reads.set(False)
    return seen[0]


@pytest.mark.parametrize("page_cache_seconds", [600, 0])
def test_anonymous_get_and_head_may_read_from_the_replica(settings, page_cache_seconds):
    # The page cache's test for anonymous requests, whether the page cache is on or not.
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    factory = RequestFactory()
    assert seen_by_the_view(factory.get("/projekt/"))
    assert seen_by_the_view(factory.head("/en/projects/"))
    # The CSRF cookie is no personal cookie: a visitor who once saw a form is anonymous.
    factory.cookies["csrftoken"] = "x" * 32
    assert seen_by_the_view(factory.get("/projekt/"))


def test_everyone_and_everything_else_reads_from_the_primary(settings):
    factory = RequestFactory()
    for method in ("post", "put", "patch", "delete", "options"):
        assert not seen_by_the_view(getattr(factory, method)("/nyhetsbrev/")), method
    assert not seen_by_the_view(factory.get("/healthz"))
    assert not seen_by_the_view(factory.get(f"/{settings.ADMIN_URL}"))
    assert not seen_by_the_view(factory.get(f"/en/{settings.ADMIN_URL}login/"))
    for cookie in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name):
        visitor = RequestFactory()
        visitor.cookies[cookie] = "something"
        assert not seen_by_the_view(visitor.get("/projekt/")), cookie


def test_the_permission_ends_with_the_request_and_a_view_can_refuse_it():
    replica_reads.set(True)
    # As the test client sends it: without closing this process's database connections.
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)
    assert replica_reads.get() is False

    seen = []
    view = reads_from_primary(lambda request: seen.append(replica_reads.get()))
    ReplicaReadsMiddleware(view)(RequestFactory().get("/nyhetsbrev/bekrafta/abc/"))
    assert seen == [False]


def test_the_router_writes_and_migrates_only_on_the_primary():
    from projects.models import Project

    router = ReplicaRouter()
    assert router.db_for_write(Project) == "default"
    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica", "projects")
    replica_reads.set(True)
    try:
        # No replica configured in this test run: reads stay on the primary.
        assert router.db_for_read(Project) == "default"
    finally:
        replica_reads.set(False)

    primary, replica, other = Project(), Project(), Project()
    primary._state.db, replica._state.db, other._state.db = "default", "replica", "other"
    assert router.allow_relation(primary, replica) is True
    assert router.allow_relation(primary, other) is None


# --- Routing, for real, with two SQLite files -------------------------------------------

SLUG = "replikerat-projekt"

_SETUP = f"""
from django.contrib.auth import get_user_model
from django.core.management import call_command
from tests.factories import ProjectFactory

call_command("migrate", verbosity=0)
ProjectFactory(slug="{SLUG}", title_sv="REPLICA-TITLE", title_en="REPLICA-TITLE")
get_user_model().objects.create_superuser("staff", "staff@example.org", "x" * 20)
"""

_ROUTING = f"""
import json
import django
from django.test.utils import setup_test_environment

django.setup()
setup_test_environment()  # the test client's host, mail kept in memory

from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter import tokens
from common.db_router import replica_reads
from projects.models import Project
from tests.factories import SeminarFactory, SubscriberFactory

# The primary moves on; the replica has not replayed it yet.
Project.objects.filter(slug="{SLUG}").update(title_sv="PRIMARY-TITLE",
                                              title_en="PRIMARY-TITLE")
seminar = SeminarFactory(slug="only-on-the-primary")
subscriber = SubscriberFactory()
staff = get_user_model().objects.get(username="staff")

project_page = reverse("projects:project-detail", kwargs={{"slug": "{SLUG}"}})
seminar_page = reverse("newsletter:seminar-detail", kwargs={{"slug": seminar.slug}})
register = reverse("newsletter:seminar-register", kwargs={{"slug": seminar.slug}})
confirm = reverse("newsletter:confirm",
                  kwargs={{"token": tokens.make("confirm", subscriber.pk)}})
observed = {{}}


def title(content):
    text = content.decode()
    return sorted(t for t in ("PRIMARY-TITLE", "REPLICA-TITLE") if t in text)


def served(name, request, consume=False):
    with CaptureQueriesContext(connections["default"]) as primary, \\
            CaptureQueriesContext(connections["replica"]) as replica:
        response = request()
        seen = {{"status": response.status_code}}
        if consume:
            seen["streaming"] = response.streaming
            seen["reads_replica_while_streaming"] = replica_reads.get()
            content = b"".join(response.streaming_content)
        else:
            content = response.content
    seen.update(titles=title(content), primary=len(primary), replica=len(replica),
                reads_replica_after=replica_reads.get())
    observed[name] = seen


visitor = Client()
served("anonymous GET", lambda: visitor.get(project_page))
served("anonymous HEAD", lambda: visitor.head(project_page))
served("anonymous GET, only on the primary", lambda: visitor.get(seminar_page))
served("anonymous POST", lambda: visitor.post(register, {{}}))
served("anonymous GET of a signed link", lambda: visitor.get(confirm))
served("IATI file", lambda: visitor.get("/iati/activities.xml"), consume=True)
served("CSV export", lambda: visitor.get(reverse("projects:project-list-csv")),
       consume=True)

with_message = Client()
with_message.cookies[CookieStorage.cookie_name] = "a message after a form"
served("GET with a message waiting", lambda: with_message.get(project_page))

member_of_staff = Client()
member_of_staff.force_login(staff)
served("staff GET", lambda: member_of_staff.get(project_page))
served("staff GET, only on the primary", lambda: member_of_staff.get(seminar_page))

# What a request that may read from the replica reads, outside and inside a transaction.
replica_reads.set(True)
outside = Project.objects.get(slug="{SLUG}").title_sv
with transaction.atomic():
    inside = Project.objects.get(slug="{SLUG}").title_sv
replica_reads.set(False)
observed["reads"] = {{"outside a transaction": outside, "inside a transaction": inside,
                      "outside any request": Project.objects.get(slug="{SLUG}").title_sv}}

observed["healthz"] = visitor.get("/healthz").json()
# The replica goes away: the health check still passes on the primary alone.
connections["replica"].close()
connections["replica"].settings_dict["NAME"] = "/nonexistent/dir/replica.sqlite3"
response = visitor.get("/healthz")
observed["healthz, replica down"] = [response.status_code, response.json()]
observed["anonymous GET, replica down"] = visitor.get(project_page).status_code
observed["staff GET, replica down"] = member_of_staff.get(project_page).status_code

print(json.dumps(observed))
"""


def run(script, **env_overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "CACHE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="palmecentret.settings", DEBUG="true",
               TASKS_BACKEND="immediate", **env_overrides)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    """What the portal read where, with a primary and a replica that lags behind it."""
    folder = tmp_path_factory.mktemp("replica")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    run("import django; django.setup()\n" + _SETUP, DATABASE_URL=f"sqlite:///{primary}")
    # Replication, as far as it got.
    shutil.copyfile(primary, replica)
    output = run(_ROUTING, DATABASE_URL=f"sqlite:///{primary}",
                 DATABASE_REPLICA_URL=f"sqlite:///{replica}", PAGE_CACHE_SECONDS="0")
    return json.loads(output.strip().splitlines()[-1])


def test_an_anonymous_visitor_reads_from_the_replica(observed):
    for name in ("anonymous GET", "anonymous HEAD"):
        seen = observed[name]
        assert seen["status"] == 200, name
        assert seen["primary"] == 0 and seen["replica"] > 0, (name, seen)
        assert seen["reads_replica_after"] is False, name
    assert observed["anonymous GET"]["titles"] == ["REPLICA-TITLE"]
    # What only the primary has yet, the anonymous visitor does not see.
    assert observed["anonymous GET, only on the primary"]["status"] == 404


def test_streamed_answers_read_from_the_replica_until_they_are_closed(observed):
    for name in ("IATI file", "CSV export"):
        seen = observed[name]
        assert seen["status"] == 200 and seen["streaming"] is True, name
        # The queries run while the answer is sent, after the middleware has returned.
        assert seen["reads_replica_while_streaming"] is True, name
        assert seen["titles"] == ["REPLICA-TITLE"], name
        assert seen["primary"] == 0 and seen["replica"] > 0, (name, seen)
        # Closed: nothing carries over to whatever the thread does next.
        assert seen["reads_replica_after"] is False, name


def test_staff_and_visitors_with_a_message_read_from_the_primary(observed):
    for name in ("staff GET", "GET with a message waiting"):
        seen = observed[name]
        assert seen["status"] == 200, name
        assert seen["titles"] == ["PRIMARY-TITLE"], name
        assert seen["replica"] == 0 and seen["primary"] > 0, (name, seen)
    assert observed["staff GET, only on the primary"]["status"] == 200


def test_a_post_reads_from_the_primary(observed):
    seen = observed["anonymous POST"]
    # The seminar is found (only the primary has it); the empty form is refused.
    assert seen["status"] == 400
    assert seen["replica"] == 0 and seen["primary"] > 0, seen


def test_a_page_after_a_visitors_own_change_reads_from_the_primary(observed):
    # The confirmation page finds the subscriber only the primary has.
    seen = observed["anonymous GET of a signed link"]
    assert seen["status"] == 200
    assert seen["replica"] == 0 and seen["primary"] > 0, seen


def test_reads_inside_a_transaction_or_outside_a_request_use_the_primary(observed):
    assert observed["reads"] == {"outside a transaction": "REPLICA-TITLE",
                                 "inside a transaction": "PRIMARY-TITLE",
                                 "outside any request": "PRIMARY-TITLE"}


def test_healthz_reports_the_replica_but_depends_only_on_the_primary(observed):
    assert observed["healthz"] == {"status": "ok", "database": "up", "replica": "up"}
    assert observed["healthz, replica down"] == [
        200, {"status": "ok", "database": "up", "replica": "down"}]
    # Uncached public pages cannot be read meanwhile (the branded 503); staff work on.
    assert observed["anonymous GET, replica down"] == 503
    assert observed["staff GET, replica down"] == 200

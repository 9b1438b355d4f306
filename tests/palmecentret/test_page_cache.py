"""The public page cache: a second anonymous visit is answered without a query, staff
never get or fill a cached page, saved changes show at once, Swedish and English never
mix, conditional GET, and PAGE_CACHE_SECONDS (0 = off)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.autoreload import file_changed

from common import page_cache
from newsletter.models import Subscriber
from tests.admin_forms import PROJECT_INLINES
from tests.admin_personas import carl
from tests.conftest import local_cache
from tests.factories import (
    CountryFactory,
    MailingListFactory,
    ProjectFactory,
    RegionFactory,
    SeminarFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def cache_on(settings):
    """A local-memory cache of its own and the page cache on, whatever the environment
    says, emptied before each test."""
    yield from local_cache(settings, "page-cache-tests", page_cache_seconds=600)


@pytest.fixture
def project():
    country = CountryFactory(slug="filippinerna", name_sv="Filippinerna",
                             name_en="The Philippines",
                             region=RegionFactory(slug="asien", name_sv="Asien"))
    return ProjectFactory(slug="fackliga-rattigheter", title_sv="Fackliga rättigheter",
                          title_en="Trade union rights", countries=[country],
                          iati_identifier="SE-ON-TEST-CACHE")


@pytest.fixture
def editor():
    """Carl, a content editor, logged in: his own browser."""
    browser = Client()
    browser.force_login(carl())
    return browser


@pytest.fixture
def signals_off():
    """The content models' signals disconnected, as for changes no signal reports
    (queryset.update(), bulk_create): what is left is the admin's POST hook and the
    commands' own bump."""
    page_cache.disconnect_signals()
    yield
    page_cache.connect_signals()


def visit(client, path, **headers):
    """An anonymous visitor's GET; the page as text."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response


def project_change_data(project, **changes):
    """The admin change form of `project` as the editor sends it back."""
    data = {
        "title_sv": project.title_sv, "title_en": project.title_en, "slug": project.slug,
        "iati_identifier": project.iati_identifier, "visibility": project.visibility,
        "status": project.status, "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(), "budget_sek": str(project.budget_sek),
        "countries": [c.pk for c in project.countries.all()],
        "summary_sv": project.summary_sv, "summary_en": project.summary_en,
        "body_sv": "", "body_en": "", "published": "on", **PROJECT_INLINES,
    }
    data.update(changes)
    return data


PUBLIC_PAGES = ["/", "/en/", "/projekt/", "/en/projects/", "/projekt/fackliga-rattigheter/",
                "/en/projects/fackliga-rattigheter/", "/regioner/asien/", "/om-oss/",
                "/sok/?q=fackliga", "/nyhetsbrev/", "/sitemap.xml", "/robots.txt"]


# --- Served from the cache ------------------------------------------------------------

def test_a_second_anonymous_visit_is_answered_from_the_cache_without_a_query(
        client, project, django_assert_num_queries):
    MailingListFactory(slug="nyhetsbrev")  # so every page has the footer form
    first = {path: visit(client, path) for path in PUBLIC_PAGES}
    for path in PUBLIC_PAGES:
        assert first[path]["X-Cache"] == "miss", path
        assert not first[path].cookies, path
    with django_assert_num_queries(0):
        again = {path: visit(Client(), path) for path in PUBLIC_PAGES}
    for path in PUBLIC_PAGES:
        assert again[path]["X-Cache"] == "hit", path
        assert again[path].content == first[path].content, path
        assert again[path]["Content-Type"] == first[path]["Content-Type"], path


def test_a_cached_page_keeps_every_security_header(client, project):
    miss = visit(client, "/projekt/")
    hit = visit(Client(), "/projekt/")
    assert hit["X-Cache"] == "hit"
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options",
                   "X-Content-Type-Options", "Referrer-Policy",
                   "Cross-Origin-Opener-Policy", "Content-Language", "ETag"):
        assert hit[header] == miss[header], header


def test_head_is_answered_from_the_page_a_get_stored(client, project,
                                                     django_assert_num_queries):
    page = visit(client, "/projekt/fackliga-rattigheter/")
    with django_assert_num_queries(0):
        head = Client().head("/projekt/fackliga-rattigheter/")
    assert head.status_code == 200
    assert head["X-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == page["Content-Length"] == str(len(page.content))


def test_the_query_string_is_part_of_the_address(client, project):
    other = ProjectFactory(slug="annat-projekt", title_sv="Ett helt annat projekt",
                           countries=[CountryFactory(slug="namibia")])
    everything = visit(client, "/projekt/").content.decode()
    namibia = visit(client, "/projekt/?country=namibia").content.decode()
    philippines = visit(client, "/projekt/?country=filippinerna").content.decode()
    assert "Fackliga rättigheter" in everything and other.title_sv in everything
    assert other.title_sv in namibia and "Fackliga rättigheter" not in namibia
    assert "Fackliga rättigheter" in philippines and other.title_sv not in philippines
    again = visit(Client(), "/projekt/?country=namibia")
    assert again["X-Cache"] == "hit" and again.content.decode() == namibia


def test_a_page_is_kept_no_longer_than_page_cache_seconds(client, project, settings):
    settings.PAGE_CACHE_SECONDS = 1
    visit(client, "/projekt/")
    assert visit(client, "/projekt/")["X-Cache"] == "hit"
    time.sleep(1.1)
    assert visit(client, "/projekt/")["X-Cache"] == "miss"


def test_page_cache_seconds_zero_turns_the_cache_off(client, project, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert "X-Cache" not in visit(client, "/projekt/")
    # Nothing was stored meanwhile: turned on again, the first visit goes to the view.
    settings.PAGE_CACHE_SECONDS = 600
    assert visit(client, "/projekt/")["X-Cache"] == "miss"


def test_the_setting_must_not_be_negative():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "palmecentret.settings",
             "PAGE_CACHE_SECONDS": "-1"},
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "PAGE_CACHE_SECONDS must be 0 (off) or more seconds" in result.stderr


# --- Never stored -------------------------------------------------------------------------

def test_staff_never_get_a_cached_page(client, editor, project, django_assert_num_queries):
    visit(client, "/projekt/fackliga-rattigheter/")
    assert visit(client, "/projekt/fackliga-rattigheter/")["X-Cache"] == "hit"
    # A change made behind the cache's back (no signal, no admin POST).
    type(project).objects.filter(pk=project.pk).update(title_sv="Ändrad titel")
    # The visitor still gets the stored page ...
    assert "Fackliga rättigheter" in visit(client, "/projekt/fackliga-rattigheter/")\
        .content.decode()
    # ... the editor always the view.
    response = editor.get("/projekt/fackliga-rattigheter/")
    assert "X-Cache" not in response
    assert "Ändrad titel" in response.content.decode()


def test_a_draft_preview_never_reaches_the_public(client, editor, project):
    draft = ProjectFactory(slug="utkastet", title_sv="Utkastet", published=False)
    path = draft.get_absolute_url()
    preview = editor.get(path)
    assert preview.status_code == 200 and "Inte publicerad." in preview.content.decode()
    # The editor's visit stored nothing: the public gets 404, and no banner anywhere.
    assert client.get(path).status_code == 404
    assert client.get(path).status_code == 404
    # Neither does a page the editor sees like everyone else fill the cache for them.
    editor.get("/projekt/")
    assert visit(client, "/projekt/")["X-Cache"] == "miss"
    assert "Utkastet" not in visit(client, "/projekt/").content.decode()


def test_a_page_with_a_csrf_protected_form_is_never_stored(client):
    """The registration page carries the form with the visitor's own CSRF token (and sets
    the cookie): every visitor gets their own page."""
    SeminarFactory(slug="arbetsratt", capacity=30)
    form_page = "/seminarier/arbetsratt/anmal/"
    first = visit(client, form_page)
    assert "csrftoken" in first.cookies
    alice, bob = Client(), Client()
    alice_page = visit(alice, form_page)
    bob_page = visit(bob, form_page)
    assert alice_page["X-Cache"] == bob_page["X-Cache"] == "miss"
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    assert alice_page.content != bob_page.content
    # A visitor who already holds a CSRF cookie does not make the page shareable either.
    assert visit(alice, form_page)["X-Cache"] == "miss"


def test_the_seminar_page_without_the_form_is_served_from_the_cache(client):
    SeminarFactory(slug="arbetsratt", capacity=30)
    first = visit(client, "/seminarier/arbetsratt/")
    assert "csrftoken" not in first.cookies
    again = visit(Client(), "/seminarier/arbetsratt/")
    assert again["X-Cache"] == "hit" and again.content == first.content


def test_never_cache_pages_and_answers_other_than_200_are_never_stored(client):
    from newsletter import tokens

    subscriber = Subscriber.objects.create(email="alice@example.org")
    # The unsubscribe page behind the signed link: no form token, no cookie, but no-store.
    unsubscribe = reverse("newsletter:unsubscribe",
                          kwargs={"token": tokens.make("unsubscribe", [subscriber.pk, None])})
    for _ in range(2):
        response = client.get(unsubscribe)
        assert response.status_code == 200 and not response.cookies
        assert "no-store" in response["Cache-Control"]
        assert response["X-Cache"] == "miss"
        assert client.get("/finns-inte/").status_code == 404
        assert client.get("/healthz").get("X-Cache") is None
    assert client.get("/finns-inte/")["X-Cache"] == "miss"


def test_the_admin_is_never_cached(client, settings):
    for path in ("/admin/login/", "/en/admin/login/"):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200
            assert "X-Cache" not in response


# --- Changes show at once -----------------------------------------------------------------

def test_saving_a_project_in_admin_shows_at_once_on_its_page_the_list_and_home(
        client, editor, project):
    pages = ["/projekt/fackliga-rattigheter/", "/projekt/", "/", "/en/projects/"]
    for path in pages:
        visit(client, path)
        assert visit(client, path)["X-Cache"] == "hit"

    change = reverse("admin:projects_project_change", args=[project.pk])
    response = editor.post(change, project_change_data(
        project, title_sv="Starkare fackföreningar", title_en="Stronger trade unions"))
    assert response.status_code == 302, response.content.decode()[:2000]

    for path in pages[:3]:
        html = visit(client, path).content.decode()
        assert "Starkare fackföreningar" in html and "Fackliga rättigheter" not in html, path
    assert "Stronger trade unions" in visit(client, "/en/projects/").content.decode()


def test_unpublishing_in_admin_gives_404_at_once(client, editor, project):
    visit(client, "/projekt/fackliga-rattigheter/")
    changelist = reverse("admin:projects_project_changelist")
    editor.post(changelist, {"action": "unpublish", "_selected_action": [project.pk]})
    assert client.get("/projekt/fackliga-rattigheter/").status_code == 404
    assert "Fackliga rättigheter" not in visit(client, "/projekt/").content.decode()


def test_any_successful_admin_post_makes_cached_pages_stale(client, editor, project,
                                                            signals_off):
    """Bulk actions, imports and restores may change rows without a signal (update(),
    bulk_create): the editor's POST itself is what the cache listens to."""
    theme = ThemeFactory()  # publishing needs a sector (projects.models.publishing_problems)
    drafts = [ProjectFactory(title_sv=f"Nytt projekt {n}", published=False, themes=[theme])
              for n in range(2)]
    visit(client, "/projekt/")
    assert visit(client, "/projekt/")["X-Cache"] == "hit"
    changelist = reverse("admin:projects_project_changelist")
    editor.post(changelist, {"action": "publish", "_selected_action": [p.pk for p in drafts]})
    html = visit(client, "/projekt/").content.decode()
    assert "Nytt projekt 0" in html and "Nytt projekt 1" in html


def test_a_strangers_failed_logins_do_not_flush_the_cache(client, project):
    visit(client, "/projekt/")
    for _ in range(3):
        response = Client().post("/admin/login/", {"username": "carl", "password": "nope"})
        assert response.status_code == 200
    assert visit(client, "/projekt/")["X-Cache"] == "hit"


def test_saving_content_anywhere_shows_at_once(client, project):
    """A save outside the admin (a shell, a command, a task) reaches the cache through
    the models' signals, many-to-many changes included."""
    visit(client, "/projekt/fackliga-rattigheter/")
    project.title_sv = "Nytt namn"
    project.save()
    assert "Nytt namn" in visit(client, "/projekt/fackliga-rattigheter/").content.decode()

    namibia = CountryFactory(slug="namibia", name_sv="Namibia")
    visit(client, "/lander/namibia/")
    assert "Nytt namn" not in visit(client, "/lander/namibia/").content.decode()
    project.countries.add(namibia)
    assert "Nytt namn" in visit(client, "/lander/namibia/").content.decode()


def test_a_seminar_registration_updates_the_places_left(client):
    seminar = SeminarFactory(slug="arbetsratt", capacity=10)
    page = "/seminarier/arbetsratt/"
    assert "10, varav 10 lediga" in visit(client, page).content.decode()
    response = client.post(reverse("newsletter:seminar-register", args=[seminar.slug]), {
        "name": "Alice", "email": "alice@example.org", "consent": "on"})
    assert response.status_code == 302
    assert "10, varav 9 lediga" in visit(client, page).content.decode()


def test_a_newsletter_signup_does_not_touch_the_cache(client, project,
                                                      django_assert_num_queries):
    """Anyone can sign up, so a signup must not flush the cache: a bot would make every
    page uncached."""
    MailingListFactory(slug="nyhetsbrev")
    visit(client, "/projekt/")
    response = client.post("/nyhetsbrev/", {"email": "alice@example.org",
                                            "lists": ["nyhetsbrev"], "source": "/projekt/"})
    assert response.status_code == 302
    assert Subscriber.objects.filter(email="alice@example.org").exists()
    with django_assert_num_queries(0):
        assert visit(Client(), "/projekt/")["X-Cache"] == "hit"


def test_load_demo_makes_cached_pages_stale(client, signals_off):
    """load_demo inserts in bulk (no signals) and bumps the generation itself."""
    from projects.models import Project

    visit(client, "/")
    assert visit(client, "/")["X-Cache"] == "hit"
    call_command("load_demo", allow_production=True, verbosity=0)
    latest = Project.objects.public().order_by("-published_at", "-pk").first()
    assert latest.title in visit(client, "/").content.decode()


def test_a_deployment_migrate_makes_cached_pages_stale(client, project, signals_off):
    """Every deployment runs migrate; the previous release's pages (old templates, old
    static file names) must not outlive it."""
    visit(client, "/")
    assert visit(client, "/")["X-Cache"] == "hit"
    call_command("migrate", verbosity=0)
    assert visit(client, "/")["X-Cache"] == "miss"


def test_a_template_edited_under_runserver_makes_cached_pages_and_parts_stale(client, project):
    """runserver keeps running when a template changes (Django only empties its template
    loaders): the pages and page parts rendered from the old one go stale with it."""
    visit(client, "/projekt/")
    assert visit(client, "/projekt/")["X-Cache"] == "hit"
    file_changed.send(sender=None, file_path=ROOT / "templates" / "includes" / "project_card.html")
    assert visit(client, "/projekt/")["X-Cache"] == "miss"
    # A Python file restarts the server instead; a file outside the templates is no page.
    file_changed.send(sender=None, file_path=ROOT / "projects" / "views.py")
    file_changed.send(sender=None, file_path=ROOT / "README.md")
    assert visit(client, "/projekt/")["X-Cache"] == "hit"


# --- Languages ----------------------------------------------------------------------------

def test_swedish_and_english_pages_never_mix(client, project):
    # The first visitor prefers English and has chosen it before (language cookie) but
    # asks for the Swedish address: Swedish it is, and that is what gets stored.
    client.cookies["django_language"] = "en"
    first = visit(client, "/projekt/", **{"Accept-Language": "en"})
    assert first["Content-Language"] == "sv"
    assert '<html lang="sv"' in first.content.decode()
    english = visit(Client(), "/en/projects/", **{"Accept-Language": "sv"})
    assert english["Content-Language"] == "en"
    assert '<html lang="en"' in english.content.decode()
    # From the cache, each address keeps its language whatever the next visitor prefers.
    for accept in ("en", "sv", "de"):
        swedish = visit(Client(), "/projekt/", **{"Accept-Language": accept})
        assert swedish["X-Cache"] == "hit" and swedish.content == first.content
        again = visit(Client(), "/en/projects/", **{"Accept-Language": accept})
        assert again["X-Cache"] == "hit" and again.content == english.content


# --- Conditional GET ----------------------------------------------------------------------

def test_a_page_the_visitor_has_is_answered_304_without_a_query(
        client, project, django_assert_num_queries):
    page = visit(client, "/projekt/fackliga-rattigheter/")
    etag = page["ETag"]
    with django_assert_num_queries(0):
        response = Client().get("/projekt/fackliga-rattigheter/",
                                headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    # After a change the old ETag gets the new page.
    project.title_sv = "Nytt namn"
    project.save()
    response = Client().get("/projekt/fackliga-rattigheter/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Nytt namn" in response.content.decode()
    assert response["ETag"] != etag


def test_browsers_that_accept_gzip_get_the_stored_page_compressed(client, project):
    import gzip

    plain = visit(client, "/projekt/")
    assert "Accept-Encoding" in plain["Vary"]
    response = visit(Client(), "/projekt/", **{"Accept-Encoding": "gzip, deflate, br"})
    assert response["X-Cache"] == "hit"
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content) < len(plain.content)
    assert gzip.decompress(response.content) == plain.content
    # A representation of its own: the ETag is weak, and still answers If-None-Match.
    assert response["ETag"] == "W/" + plain["ETag"]
    again = Client().get("/projekt/", headers={"Accept-Encoding": "gzip",
                                               "If-None-Match": response["ETag"]})
    assert again.status_code == 304
    # Without gzip in Accept-Encoding, the page as it is.
    identity = visit(Client(), "/projekt/", **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity and identity.content == plain.content


# --- Deployment ---------------------------------------------------------------------------

def test_production_warns_about_a_cache_each_worker_has_to_itself(settings):
    settings.DEBUG = False
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "palmecentret.W005" in ids
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0"}}
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "palmecentret.W005" not in ids


def test_cache_url_redis_means_djangos_own_redis_backend():
    import environ

    config = environ.Env.cache_url_config("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


# --- Several processes sharing Redis --------------------------------------------------------

BUMP_IN_ANOTHER_PROCESS = """
import django
django.setup()
from common import page_cache
page_cache.bump()
"""


@pytest.mark.redis
def test_a_change_saved_in_one_process_reaches_the_pages_another_process_cached(
        client, project, settings, redis_url, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url}}
    cache.clear()
    visit(client, "/projekt/fackliga-rattigheter/")
    with django_assert_num_queries(0):
        assert visit(Client(), "/projekt/fackliga-rattigheter/")["X-Cache"] == "hit"

    # Another worker (its own process, its own connection) saves a change.
    result = subprocess.run(
        [sys.executable, "-c", BUMP_IN_ANOTHER_PROCESS], cwd=ROOT, capture_output=True,
        text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "palmecentret.settings",
             "CACHE_URL": redis_url})
    assert result.returncode == 0, result.stderr

    assert visit(Client(), "/projekt/fackliga-rattigheter/")["X-Cache"] == "miss"
    assert visit(Client(), "/projekt/fackliga-rattigheter/")["X-Cache"] == "hit"

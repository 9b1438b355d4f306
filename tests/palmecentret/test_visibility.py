"""Drafts and internal projects appear nowhere public, and a project that hides its
partners names neither them nor their places in any public response."""

import re

import pytest
from django.contrib.auth.models import Permission, User

from projects.models import Project
from tests.factories import (
    CountryFactory,
    MemberOrganisationFactory,
    NetworkFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    SeminarFactory,
    StoryFactory,
    ThemeFactory,
)
from tests.sitemaps import sitemap_pages, sitemap_xml

pytestmark = pytest.mark.django_db

HIDDEN = ["Hemliga Fackföreningen", "Hemligstad", "Utkastprojektet", "Interna projektet",
          "Utkastberättelsen"]


@pytest.fixture
def content():
    region = RegionFactory(slug="mena", name_sv="Mellanöstern")
    country = CountryFactory(slug="palestina", name_sv="Palestina", region=region)
    theme = ThemeFactory(slug="unga")
    member = MemberOrganisationFactory(slug="abf", name_sv="ABF")
    programme = ProgrammeFactory(slug="palestinaprogrammet", region=region)
    programme.countries.set([country])
    NetworkFactory(slug="folkkraft").members.set([member])
    SeminarFactory(slug="seminariet")
    secret = PartnerFactory(name="Hemliga Fackföreningen", place="Hemligstad", country=country)
    shown = PartnerFactory(name="Öppna Föreningen", place="Ramallah", country=country)
    at_risk = ProjectFactory(slug="skyddat", title_sv="Skyddat projekt", countries=[country],
                             themes=[theme], member_organisations=[member], programme=programme,
                             partners=[secret], visibility=Project.Visibility.HIDE_PARTNERS)
    open_project = ProjectFactory(slug="oppet", title_sv="Öppet projekt", countries=[country],
                                  partners=[shown], programme=programme)
    draft = ProjectFactory(slug="utkast", title_sv="Utkastprojektet", countries=[country],
                           themes=[theme], member_organisations=[member], programme=programme,
                           partners=[secret], published=False)
    internal = ProjectFactory(slug="internt", title_sv="Interna projektet", countries=[country],
                              themes=[theme], member_organisations=[member],
                              programme=programme, partners=[secret],
                              visibility=Project.Visibility.INTERNAL)
    # A story about all of them names only the public ones; a draft story nothing at all.
    StoryFactory(slug="berattelsen", projects=[at_risk, open_project, draft, internal],
                 countries=[country], themes=[theme], member_organisations=[member])
    StoryFactory(slug="utkastberattelsen", title_sv="Utkastberättelsen", published=False,
                 countries=[country], projects=[open_project])
    return {"at_risk": at_risk, "open": open_project, "draft": draft, "internal": internal,
            "country": country}


def public_urls(client):
    """Every page in the sitemap (both languages) plus lists filtered every way and the
    search for each hidden name."""
    sitemap = sitemap_xml(client)
    urls = {re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>",
                                                                     sitemap)}
    urls |= {"/sitemap.xml", "/robots.txt", *sitemap_pages(client)}
    for base in ("/sok/", "/en/search/"):
        urls |= {f"{base}?q=Hemliga", f"{base}?q=Hemlig", f"{base}?q=Utkast",
                 f"{base}?q=Interna"}
    for base in ("/projekt/", "/en/projects/"):
        urls |= {f"{base}?country=palestina", f"{base}?theme=unga", f"{base}?member=abf",
                 f"{base}?region=mena", f"{base}?programme=palestinaprogrammet",
                 f"{base}?q=Hemliga", f"{base}?q=Utkast", f"{base}?q=Interna",
                 f"{base}?sort=title"}
    for base in ("/berattelser/", "/en/stories/"):
        urls |= {f"{base}?country=palestina", f"{base}?theme=unga", f"{base}?region=mena"}
    urls |= {"/berattelser/flode.atom", "/en/stories/feed.atom",
             "/berattelser/flode.atom?country=palestina"}
    return sorted(urls)


def test_the_sitemap_covers_every_page_type(client, content):
    urls = public_urls(client)
    for expected in ["/", "/en/", "/projekt/skyddat/", "/en/projects/skyddat/",
                     "/lander/palestina/", "/en/countries/palestina/", "/regioner/mena/",
                     "/program/palestinaprogrammet/", "/medlemmar/abf/", "/natverk/folkkraft/",
                     "/seminarier/seminariet/", "/en/seminars/seminariet/", "/stod-oss/",
                     "/berattelser/", "/berattelser/berattelsen/", "/en/stories/berattelsen/"]:
        assert expected in urls


def test_no_public_response_names_hidden_partners_drafts_or_internal_projects(client, content):
    checked = 0
    for url in public_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in HIDDEN:
            assert secret not in body, f"{secret!r} leaks on {url}"
        checked += 1
    assert checked > 40
    # The open project's partner is shown, so the hiding above is not an accident.
    assert "Öppna Föreningen" in client.get("/projekt/oppet/").content.decode()


@pytest.mark.parametrize("key", ["draft", "internal"])
def test_drafts_and_internal_projects_answer_404_to_visitors(client, content, key):
    project = content[key]
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.get(f"/en/projects/{project.slug}/").status_code == 404


@pytest.fixture
def editor():
    """Alice, a staff member who may view projects in admin."""
    alice = User.objects.create_user("alice", password="x", is_staff=True)
    alice.user_permissions.add(Permission.objects.get(codename="view_project"))
    return alice


def test_staff_preview_a_draft_with_a_clear_banner(client, content, editor):
    client.force_login(editor)
    response = client.get(content["draft"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inte publicerad." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-cache" in response["Cache-Control"]
    # A published project shows no banner.
    html = client.get(content["open"].get_absolute_url()).content.decode()
    assert "Inte publicerad." not in html


def test_a_visitor_and_then_staff_ask_for_the_same_draft(client, content, editor):
    # The visitor's 404 does not become the staff member's, nor the staff member's
    # preview the next visitor's.
    url = content["draft"].get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


def test_staff_without_the_view_permission_get_404(client, content):
    bob = User.objects.create_user("bob", password="x", is_staff=True)
    client.force_login(bob)
    assert client.get(content["draft"].get_absolute_url()).status_code == 404

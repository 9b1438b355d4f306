"""sitemap.xml, robots.txt, the support page and forgiving URLs."""

import re
from datetime import UTC, datetime

import pytest
from django.core.checks import run_checks

from projects.models import Project
from projects.sitemaps import ProjectSitemap
from tests.factories import ProjectFactory
from tests.sitemaps import sitemap_pages, sitemap_xml

pytestmark = pytest.mark.django_db


def test_sitemap_lists_each_page_in_both_languages_with_alternates(client, settings):
    settings.SITE_URL = "https://palmecentret.example"
    ProjectFactory(slug="synligt", title_sv="Synligt")
    ProjectFactory(slug="dolt", published=False)
    xml = sitemap_xml(client)
    assert "<loc>https://palmecentret.example/projekt/synligt/</loc>" in xml
    assert "<loc>https://palmecentret.example/en/projects/synligt/</loc>" in xml
    assert 'hreflang="en" href="https://palmecentret.example/en/projects/synligt/"' in xml
    assert "/dolt/" not in xml


def test_the_sitemap_is_an_index_of_sections_paged_in_small_answers(client, settings,
                                                                   monkeypatch):
    settings.SITE_URL = "https://palmecentret.example"
    # Two projects a page (each in two languages) instead of 2,500.
    monkeypatch.setattr(ProjectSitemap, "limit", 4)
    for n in range(5):
        ProjectFactory(slug=f"projekt-{n}")
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://palmecentret.example/sitemap-projects.xml</loc>" in index
    assert "<loc>https://palmecentret.example/sitemap-projects.xml?p=3</loc>" in index
    assert "sitemap-projects.xml?p=4" not in index
    assert "<loc>https://palmecentret.example/sitemap-pages.xml</loc>" in index

    pages = [xml for path, xml in sitemap_pages(client).items()
             if path.startswith("/sitemap-projects.xml")]
    assert len(pages) == 3
    listed = [loc for xml in pages for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]
    assert max(xml.count("<loc>") for xml in pages) == 4
    # Every project once in each language, each with its alternates.
    assert sorted(listed) == sorted(
        [f"https://palmecentret.example/projekt/projekt-{n}/" for n in range(5)]
        + [f"https://palmecentret.example/en/projects/projekt-{n}/" for n in range(5)])
    assert all(xml.count('hreflang="x-default"') == xml.count("<loc>") for xml in pages)
    assert client.get("/sitemap-projects.xml?p=4").status_code == 404
    assert client.get("/sitemap-finns-inte.xml").status_code == 404


def test_the_sitemap_says_when_each_page_last_changed(client, settings):
    settings.SITE_URL = "https://palmecentret.example"
    changed = {"gammalt": datetime(2025, 3, 1, 12, tzinfo=UTC),
               "nytt": datetime(2026, 1, 15, 12, tzinfo=UTC),
               "utkast": datetime(2026, 6, 1, 12, tzinfo=UTC)}
    for slug in changed:
        ProjectFactory(slug=slug, published=slug != "utkast")
    for slug, moment in changed.items():
        Project.objects.filter(slug=slug).update(updated=moment)
    xml = client.get("/sitemap-projects.xml").content.decode()
    for slug, day in [("gammalt", "2025-03-01"), ("nytt", "2026-01-15")]:
        (entry,) = re.findall(rf"<loc>[^<]*/projekt/{slug}/</loc>.*?</url>", xml)
        assert f"<lastmod>{day}</lastmod>" in entry
    # The index gives each section's latest change among what it lists (not the draft's).
    index = client.get("/sitemap.xml").content.decode()
    (projects,) = re.findall(r"sitemap-projects\.xml</loc>\s*<lastmod>([^<]+)</lastmod>", index)
    assert projects.startswith("2026-01-15T")


def test_the_sitemap_links_to_site_url_whatever_host_the_request_names(client, settings):
    # The Host header is the sender's choice: the index and every section it lists give
    # the portal's own address (SITE_URL), never that host.
    settings.SITE_URL = "https://palmecentret.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    ProjectFactory(slug="synligt")
    index = client.get("/sitemap.xml", HTTP_HOST="evil.example").content.decode()
    sections = re.findall(r"<loc>([^<]+)</loc>", index)
    assert "https://palmecentret.example/sitemap-projects.xml" in sections
    assert all(url.startswith("https://palmecentret.example/") for url in sections)
    addresses = []
    for section in sections:
        path = section.removeprefix("https://palmecentret.example").replace("&amp;", "&")
        xml = client.get(path, HTTP_HOST="evil.example").content.decode()
        assert "evil.example" not in xml, path
        addresses += re.findall(r'(?:<loc>|href=")([^<"]+)', xml)
    assert "https://palmecentret.example/projekt/synligt/" in addresses
    assert all(url.startswith("https://palmecentret.example/") for url in addresses)


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.SITE_URL = "https://palmecentret.example"
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://palmecentret.example/sitemap.xml" in body
    assert "Disallow: /sok/?" in body and "Disallow: /en/search/?" in body


def test_robots_txt_does_not_give_away_where_the_admin_is(client, settings):
    # robots.txt is public: naming the admin there would undo choosing its address.
    settings.ADMIN_URL = "staff-7f3a/"
    body = client.get("/robots.txt").content.decode()
    assert "staff-7f3a" not in body and "admin" not in body


@pytest.mark.parametrize("otp_required", [False, True])
def test_the_admin_login_asks_search_engines_to_leave_it_out(client, settings, otp_required):
    # What keeps the login page out of search results instead, should a crawler find it:
    # Django admin's own <meta name="robots" content="NONE"> (no index, no follow).
    settings.OTP_REQUIRED = otp_required
    for path in ("/admin/login/", "/en/admin/login/"):
        html = client.get(path).content.decode()
        assert '<meta name="robots" content="NONE,NOARCHIVE">' in html, path


def test_support_page_shows_giving_details_and_a_swish_qr_code(client, settings):
    settings.SWISH_NUMBER = "9001234567"
    settings.BANKGIRO = "900-1234"
    html = client.get("/stod-oss/").content.decode()
    assert "9001234567" in html and "900-1234" in html
    assert '<svg role="img" aria-label="QR-kod för att ge till solidaritetsfonden' in html
    assert "Demosajt" not in html
    html = client.get("/en/support-us/").content.decode()
    assert "QR code for giving to the solidarity fund with Swish" in html


def test_support_page_marks_example_numbers(client):
    assert "Demosajt: numren nedan är exempel" in client.get("/stod-oss/").content.decode()


def test_production_warns_about_example_giving_details(settings):
    settings.DEBUG = False
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert {"palmecentret.W001", "palmecentret.W002"} <= ids
    settings.SWISH_NUMBER, settings.BANKGIRO = "9001234567", "900-1234"
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert not {"palmecentret.W001", "palmecentret.W002"} & ids


@pytest.mark.parametrize(("path", "target"), [
    ("/Projekt/", "/projekt/"),
    ("/EN/PROJECTS/?page=2", "/en/projects/?page=2"),
    ("/Om-Oss/", "/om-oss/"),
])
def test_mixed_case_addresses_redirect_to_the_real_page(client, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == target


def test_missing_trailing_slash_redirects(client):
    response = client.get("/projekt")
    assert response.status_code == 301
    assert response["Location"] == "/projekt/"


def test_unknown_mixed_case_address_is_still_404(client):
    assert client.get("/Finns-Inte/").status_code == 404

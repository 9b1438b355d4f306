"""Every public page answers in Swedish at the root and in English under /en/."""

import datetime
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Project
from tests.cards import card_urls
from tests.factories import (
    CountryFactory,
    MailingListFactory,
    MemberOrganisationFactory,
    NetworkFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    SeminarFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    region = RegionFactory(slug="asien", name_sv="Asien", name_en="Asia")
    country = CountryFactory(slug="filippinerna", name_sv="Filippinerna", name_en="Philippines",
                             iso_code="PH", region=region)
    programme = ProgrammeFactory(slug="asienprogrammet", name_sv="Asienprogrammet",
                                 name_en="The Asia programme", region=region)
    programme.countries.set([country])
    # Proper names have no English version: the English pages fall back to Swedish.
    lo = MemberOrganisationFactory(slug="lo", name_sv="Landsorganisationen i Sverige",
                                   name_en="", short_name="LO")
    union = MemberOrganisationFactory(slug="if-metall", name_sv="IF Metall", name_en="",
                                      parent=lo)
    network = NetworkFactory(slug="folkkraft", name_sv="Folkkraft", name_en="")
    network.members.set([lo])
    project = ProjectFactory(slug="fackliga-rattigheter", title_sv="Fackliga rättigheter",
                             title_en="Trade union rights", programme=programme,
                             countries=[country], member_organisations=[lo])
    SeminarFactory(slug="demokrati", title_sv="Demokratiseminarium", title_en="Democracy seminar")
    MailingListFactory(slug="nyhetsbrev", name_sv="Nyhetsbrevet", name_en="The newsletter")
    return {"region": region, "country": country, "programme": programme, "member": lo,
            "union": union, "network": network, "project": project}


# (URL name, slug key in the content fixture or None, Swedish text, English text)
PAGES = [
    ("home", None, "Där vi arbetar", "Where we work"),
    ("about", None, "Om Palmecentret", "About the Olof Palme International Center"),
    ("projects:region-list", None, "Filippinerna", "Philippines"),
    ("projects:region-detail", "region", "Asienprogrammet", "The Asia programme"),
    ("projects:country-detail", "country", "Fackliga rättigheter", "Trade union rights"),
    ("projects:programme-detail", "programme", "Finansieringsram", "Funding framework"),
    ("projects:project-list", None, "Fackliga rättigheter", "Trade union rights"),
    ("projects:project-detail", "project", "Genomförande medlemsorganisationer",
     "Implementing member organisations"),
    ("members:member-list", None, "IF Metall", "IF Metall"),
    ("members:member-detail", "member", "Fackliga rättigheter", "Trade union rights"),
    ("members:network-list", None, "Folkkraft", "Folkkraft"),
    ("members:network-detail", "network", "Landsorganisationen i Sverige",
     "Landsorganisationen i Sverige"),
    ("newsletter:seminar-list", None, "Demokratiseminarium", "Democracy seminar"),
    ("newsletter:seminar-detail", None, "Demokratiseminarium", "Democracy seminar"),
    ("newsletter:signup", None, "Nyhetsbrevet", "The newsletter"),
]


def page_url(name, key, content, language):
    kwargs = {}
    if key:
        kwargs = {"slug": content[key].slug}
    elif name.endswith("seminar-detail"):
        kwargs = {"slug": "demokrati"}
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "key", "swedish", "english"), PAGES)
def test_page_answers_in_swedish_at_the_root(client, content, name, key, swedish, english):
    url = page_url(name, key, content, "sv")
    assert not url.startswith("/en/")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert swedish in html
    assert ">Regioner<" in html  # the navigation speaks Swedish


@pytest.mark.parametrize(("name", "key", "swedish", "english"), PAGES)
def test_page_answers_in_english_under_en(client, content, name, key, swedish, english):
    url = page_url(name, key, content, "en")
    assert url.startswith("/en/")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert english in html
    assert ">Regions<" in html


def test_urls_use_each_languages_own_words(content):
    with translation.override("sv"):
        assert reverse("projects:region-list") == "/regioner/"
        assert content["country"].get_absolute_url() == "/lander/filippinerna/"
        assert reverse("about") == "/om-oss/"
    with translation.override("en"):
        assert reverse("projects:region-list") == "/en/regions/"
        assert content["country"].get_absolute_url() == "/en/countries/filippinerna/"
        assert reverse("about") == "/en/about/"


def test_language_switch_links_to_the_same_page_in_the_other_language(client, content):
    html = client.get("/lander/filippinerna/").content.decode()
    assert 'href="/en/countries/filippinerna/" hreflang="en"' in html
    html = client.get("/en/countries/filippinerna/").content.decode()
    assert 'href="/lander/filippinerna/" hreflang="sv"' in html


def test_english_content_falls_back_to_swedish_where_missing(client, content):
    ProjectFactory(slug="bara-svenska", title_sv="Bara på svenska", title_en="")
    html = client.get("/en/projects/bara-svenska/").content.decode()
    assert "Bara på svenska" in html


def test_home_shows_regions_with_counts_and_latest_projects(client, content):
    CountryFactory(region=content["region"])
    html = client.get("/").content.decode()
    assert "Asien" in html
    assert "2 länder" in html
    assert "1 projekt" in html
    assert "Fackliga rättigheter" in html
    assert "Det samhälle vi vill ha skapar trygga människor" in html


def test_home_and_region_show_the_projects_published_last(client):
    # "Latest projects": the ones published last (then the newest pk), whatever they are
    # about or when they start; one without a publishing date comes last.
    asia, europe = RegionFactory(slug="asien"), RegionFactory(slug="europa")
    in_asia, in_europe = CountryFactory(region=asia), CountryFactory(region=europe)
    projects = [ProjectFactory(countries=[in_europe if n % 3 == 0 else in_asia],
                               start_date=datetime.date(2000 + n, 1, 1))
                for n in range(16)]
    ProjectFactory(countries=[in_asia], published=False)
    published = timezone.now() - datetime.timedelta(days=30)
    for n, project in enumerate(projects):  # ties on the date: the newest pk first
        Project.objects.filter(pk=project.pk).update(
            published_at=None if n == 15 else published - datetime.timedelta(days=n // 2))
    latest = Project.objects.public().order_by(F("published_at").desc(nulls_last=True), "-pk")

    def urls(projects):
        return [project.get_absolute_url() for project in projects[:6]]

    assert card_urls(client.get("/")) == urls(latest)
    assert card_urls(client.get(asia.get_absolute_url())) == urls(
        latest.filter(countries__region=asia))
    assert card_urls(client.get(europe.get_absolute_url())) == urls(
        latest.filter(countries__region=europe))


def test_about_names_the_founders_from_the_data(client):
    for slug, name in [("kf", "KF"), ("lo", "LO"), ("s", "Socialdemokraterna")]:
        MemberOrganisationFactory(slug=slug, name_sv=name, name_en="", is_founder=True)
    html = client.get("/om-oss/").content.decode()
    assert "KF, LO och Socialdemokraterna" in html
    html = client.get("/en/about/").content.decode()
    assert "KF, LO and Socialdemokraterna" in html


@pytest.mark.parametrize("visibility", [Project.Visibility.INTERNAL, None])
def test_unpublished_and_internal_projects_answer_404(client, content, visibility):
    if visibility:
        project = ProjectFactory(visibility=visibility)
    else:
        project = ProjectFactory(published=False)
    assert client.get(project.get_absolute_url()).status_code == 404
    html = client.get(reverse("projects:project-list")).content.decode()
    assert project.title not in html


def test_hidden_partners_are_not_named_on_the_project_or_country_page(client, content):
    partner = PartnerFactory(name="Hemlig partner", place="Hemlig ort", country=content["country"])
    project = ProjectFactory(visibility=Project.Visibility.HIDE_PARTNERS,
                             countries=[content["country"]], partners=[partner])
    for url in [project.get_absolute_url(), content["country"].get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Hemlig partner" not in html
        assert "Hemlig ort" not in html


def test_unknown_page_gets_the_branded_404_in_the_visitors_language(client):
    response = client.get("/lander/finns-inte/")
    assert response.status_code == 404
    assert "Vi hittade inte sidan" in response.content.decode()
    response = client.get("/en/countries/no-such-country/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_robots_txt_is_plain_text(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in response.content.decode()


@pytest.mark.parametrize(("name", "key", "swedish", "english"), PAGES)
def test_every_page_carries_its_sharing_and_search_engine_tags(client, content, name, key,
                                                               swedish, english):
    url = page_url(name, key, content, "sv")
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.*?) – Palmecentret</title>", html).group(1)
    assert title.strip()
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta name="twitter:title" content="{title}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert re.search(r'<meta property="og:description" content="[^"]+">', html)
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{url}">' in html
    english_url = page_url(name, key, content, "en")
    assert (f'<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000{english_url}">'
            in html)
    assert f'<link rel="alternate" hreflang="sv" href="http://127.0.0.1:8000{url}">' in html
    assert ('aria-label="Brödsmulor"' in html) == (name != "home")
    assert 'href="/static/css/print.css" media="print"' in html


def test_regions_page_counts_programmes_and_ongoing_projects(client, content):
    ProjectFactory(countries=[content["country"]], status=Project.Status.COMPLETED)
    ProjectFactory(countries=[content["country"]], published=False)
    html = client.get("/regioner/").content.decode()
    # One published programme; the factory project is ongoing, the completed one and the
    # draft do not count.
    assert "1 program," in html
    assert "1 pågående projekt" in html

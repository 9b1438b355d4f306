"""The project list: combinable filters in a shareable GET URL, counts per value,
sorting, and pages that forgive bad numbers."""

import datetime
import re

import pytest
from django.urls import reverse

from projects.filters import ProjectFilter
from projects.models import Project
from tests.cards import card_titles, card_urls
from tests.factories import (
    CountryFactory,
    FunderFactory,
    MemberOrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
URL = "/projekt/"


@pytest.fixture
def world():
    asia = RegionFactory(slug="asien", name_sv="Asien")
    balkans = RegionFactory(slug="balkan", name_sv="Balkan")
    philippines = CountryFactory(slug="filippinerna", name_sv="Filippinerna", region=asia)
    burma = CountryFactory(slug="burma", name_sv="Burma", region=asia)
    serbia = CountryFactory(slug="serbien", name_sv="Serbien", region=balkans)
    youth = ThemeFactory(slug="unga", name_sv="Unga")
    women = ThemeFactory(slug="jamstalldhet", name_sv="Jämställdhet")
    abf = MemberOrganisationFactory(slug="abf", name_sv="ABF")
    sida = FunderFactory(name_sv="Sida", short_name="Sida")
    ProjectFactory(slug="p1", title_sv="Unga i Manila", countries=[philippines], themes=[youth],
                   member_organisations=[abf], funder=sida, status=Project.Status.ONGOING,
                   start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2025, 12, 31),
                   budget_sek=500_000)
    ProjectFactory(slug="p2", title_sv="Kvinnor i Burma", countries=[burma, philippines],
                   themes=[women], status=Project.Status.COMPLETED,
                   start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2018, 12, 31),
                   budget_sek=2_000_000)
    ProjectFactory(slug="p3", title_sv="Fack i Serbien", countries=[serbia], themes=[youth],
                   member_organisations=[abf], status=Project.Status.PLANNED,
                   start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2028, 12, 31),
                   budget_sek=100_000)
    ProjectFactory(slug="draft", title_sv="Utkast i Serbien", countries=[serbia], published=False)
    ProjectFactory(slug="internal", title_sv="Internt i Serbien", countries=[serbia],
                   visibility=Project.Visibility.INTERNAL)


def test_lists_public_projects_only(client, world):
    response = client.get(URL)
    assert sorted(card_titles(response)) == ["Fack i Serbien", "Kvinnor i Burma", "Unga i Manila"]


@pytest.mark.parametrize(("query", "expected"), [
    ("region=asien", ["Kvinnor i Burma", "Unga i Manila"]),
    ("country=filippinerna", ["Kvinnor i Burma", "Unga i Manila"]),
    ("theme=unga", ["Fack i Serbien", "Unga i Manila"]),
    ("member=abf", ["Fack i Serbien", "Unga i Manila"]),
    ("status=completed", ["Kvinnor i Burma"]),
    ("year=2017", ["Kvinnor i Burma"]),
    ("year=2024", ["Unga i Manila"]),
    ("region=asien&theme=unga", ["Unga i Manila"]),
    ("theme=unga&member=abf&region=balkan", ["Fack i Serbien"]),
    ("q=manila", ["Unga i Manila"]),
    ("q=serbien", ["Fack i Serbien"]),
])
def test_filters_combine(client, world, query, expected):
    assert sorted(card_titles(client.get(f"{URL}?{query}"))) == expected


def test_filter_sets_of_requests_served_at_once_keep_their_own_filters(rf, world):
    # Each request's filter set has its own filters (in a threaded worker two are alive
    # at once), though they share their settings with the class's.
    burma = ProjectFilter.for_request(rf.get(URL, {"country": "burma", "sort": "title"}))
    youth = ProjectFilter.for_request(rf.get(URL, {"theme": "unga", "sort": "budget"}))
    for filterset in (burma, youth):
        assert all(f.parent is filterset for f in filterset.filters.values())
        assert filterset.filters["sort"].filter.method == filterset.sort_by
    assert [p.title for p in youth.qs] == ["Unga i Manila", "Fack i Serbien"]
    assert [p.title for p in burma.qs] == ["Kvinnor i Burma"]
    assert all(getattr(f, "parent", None) is None for f in ProjectFilter.base_filters.values())


def test_a_project_in_two_matching_countries_is_listed_once(client, world):
    response = client.get(f"{URL}?region=asien")
    assert len(card_urls(response)) == 2
    assert '<p class="result-count" role="status">2 projekt</p>' in response.content.decode()


def test_counts_per_filter_value_follow_the_other_filters(client, world):
    response = client.get(f"{URL}?theme=unga")
    facets = {f["name"]: {o["value"]: o["count"] for o in f["options"]}
              for f in response.context["facets"]()}
    # Within the "youth" theme: one project in Asia, one in the Balkans ...
    assert facets["region"] == {"asien": 1, "balkan": 1}
    # ... while the theme's own counts ignore the theme filter, to show the alternatives.
    assert facets["theme"] == {"unga": 2, "jamstalldhet": 1}
    assert facets["status"] == {"ongoing": 1, "planned": 1}
    html = response.content.decode()
    assert "Jämställdhet (1)" in html


def test_filter_options_are_escaped_and_the_chosen_one_selected(client, world):
    # Names staff type are text, not markup, in the options, however often they come.
    ProjectFactory(member_organisations=[
        MemberOrganisationFactory(slug="a-och-b", name_sv='A & B <"Förbundet">')])
    for _ in range(2):
        html = client.get(f"{URL}?member=a-och-b&theme=unga").content.decode()
        assert ('<option value="a-och-b" selected>A &amp; B &lt;&quot;Förbundet&quot;&gt; (0)'
                "</option>") in html
        assert '<option value="abf">ABF (2)</option>' in html
        assert '<option value="unga" selected>Unga (0)</option>' in html
        assert "<Förbundet>" not in html
    sorts = client.get(f"{URL}?sort=budget").content.decode().split('name="sort"')[1]
    assert '<option value="budget" selected>Största budget</option>' in sorts
    assert '<option value="newest">Nyaste först</option>' in sorts
    sorts = client.get(f"{URL}").content.decode().split('name="sort"')[1]
    assert '<option value="newest" selected>Nyaste först</option>' in sorts


def test_the_filtered_list_is_a_plain_get_url_that_keeps_filters_in_the_pages(client, world):
    for n in range(25):
        ProjectFactory(title_sv=f"Extra {n}", themes=[world_theme()])
    response = client.get(f"{URL}?theme=unga")
    html = response.content.decode()
    assert 'method="get"' in html
    assert "?theme=unga&amp;page=2" in html


def world_theme():
    from projects.models import Theme
    return Theme.objects.get(slug="unga")


@pytest.mark.parametrize(("sort", "first"), [
    ("newest", "Fack i Serbien"),
    ("oldest", "Kvinnor i Burma"),
    ("budget", "Kvinnor i Burma"),
    ("title", "Fack i Serbien"),
])
def test_sorting(client, world, sort, first):
    assert card_titles(client.get(f"{URL}?sort={sort}"))[0] == first


@pytest.mark.parametrize("query", [
    "page=abc", "page=-1", "page=99999", "page=1.5", "page=",
    "country=finns-inte", "theme=%00", "year=abc", "year=99999999999999999999",
    "status=<script>", "funder=999999999999999999999999", "sort=drop", "region=" + "x" * 5000,
    "q=" + "ä" * 10000, "q=%00%1b", "member=abf&member=lo",
])
def test_bad_input_answers_a_normal_page(client, world, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert "<h1>Projekt</h1>" in response.content.decode()


def unusable(html):
    """The list's notice of filter values it could not use, as a visitor reads it."""
    found = re.search(r'<div class="alert alert-warning unusable-filters"[^>]*>(.*?)</div>',
                      html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", p).split())
            for p in re.findall(r"<p[^>]*>(.*?)</p>", found[1], re.S)] if found else []


def test_an_unknown_filter_value_is_named_in_the_visitors_language(client, world):
    # Swedish, English and Swedish again: the filter form is built once per process, its
    # labels and messages are translated for each request.
    for _ in range(2):
        html = client.get(f"{URL}?country=atlantis").content.decode()
        assert unusable(html) == ["Vi hittade inget land ”atlantis”; visar alla länder."]
        html = client.get("/en/projects/?country=atlantis").content.decode()
        assert unusable(html) == [
            "We found no country “atlantis”; showing all countries."]


def test_the_other_filters_still_apply_beside_an_unknown_value(client, world):
    response = client.get(f"{URL}?country=atlantis&theme=unga&region=asien")
    assert card_titles(response) == ["Unga i Manila"]
    assert unusable(response.content.decode()) == [
        "Vi hittade inget land ”atlantis”; visar alla länder."]
    assert unusable(client.get(f"{URL}?theme=unga").content.decode()) == []


@pytest.mark.parametrize(("query", "message"), [
    ("region=atlantis", "We found no region “atlantis”; showing all regions."),
    ("theme=ingen", "We found no theme “ingen”; showing all themes."),
    ("member=ingen", "We found no member organisation “ingen”; showing all member "
                     "organisations."),
    ("programme=ingen", "We found no programme “ingen”; showing all programmes."),
    ("funder=999", "We found no funder “999”; showing all funders."),
    ("status=paused", "We know no status “paused”; showing every status."),
    ("year=abc", "We cannot show the year “abc”; showing all years."),
    ("year=1800", "We cannot show the year “1800”; showing all years."),
    ("sort=updated", "We cannot sort by “updated”; showing the newest first."),
    ("q=" + "x" * 300, "The words are too long to search for; showing projects with any "
                       "words."),
])
def test_each_unknown_filter_value_says_what_the_list_shows_instead(client, world, query,
                                                                     message):
    response = client.get(f"/en/projects/?{query}")
    assert unusable(response.content.decode()) == [message]
    assert len(card_titles(response)) == 3


def test_a_long_or_marked_up_value_is_shortened_and_shown_as_text(client, world):
    html = client.get(URL + "?region=" + "x" * 5000).content.decode()
    assert unusable(html) == [f"Vi hittade ingen region ”{'x' * 39}…”; visar alla regioner."]
    html = client.get(URL + "?country=%3Cb%3Eatlantis%3C/b%3E").content.decode()
    assert "”&lt;b&gt;atlantis&lt;/b&gt;”" in html and "<b>atlantis" not in html


def test_the_sort_choices_are_orders_a_visitor_can_see_on_the_cards(client, world):
    sorts = client.get("/en/projects/").content.decode().split('name="sort"')[1]
    sorts = sorts[:sorts.index("</select>")]
    assert re.findall(r'<option value="(\w+)"', sorts) == ["newest", "oldest", "title",
                                                            "budget"]
    assert "Recently updated" not in sorts


def card_facts(response):
    """Each card's line of facts: countries · status · years · budget."""
    return [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in re.findall(
        r'<p class="card-text small text-body-secondary mb-2">(.*?)</p>',
        response.content.decode(), re.S)]


def test_cards_show_the_budget_the_list_can_be_sorted_by(client, world):
    ProjectFactory(title_sv="Utan budget", budget_sek=None,
                   start_date=datetime.date(2030, 1, 1), end_date=None)
    response = client.get(f"{URL}?sort=budget")
    assert card_titles(response) == ["Kvinnor i Burma", "Unga i Manila", "Fack i Serbien",
                                     "Utan budget"]
    assert card_facts(response)[0].endswith("2016–2018 · Budget: 2 000 000 kr")
    facts = card_facts(client.get("/en/projects/?sort=budget"))
    assert facts[0].endswith("2016–2018 · Budget: SEK 2,000,000")
    assert facts[1].endswith("· Budget: SEK 500,000")
    assert "SEK" not in facts[3]


def test_a_page_past_the_end_shows_the_last_page(client, world):
    response = client.get(f"{URL}?page=99")
    assert response.status_code == 200
    assert card_urls(response) == card_urls(client.get(URL))


def test_programme_filter_from_the_programme_page(client, world):
    programme = ProgrammeFactory(slug="asienprogrammet")
    ProjectFactory(title_sv="I programmet", programme=programme)
    assert card_titles(client.get(f"{URL}?programme=asienprogrammet")) == ["I programmet"]


def test_english_list_under_en(client, world):
    response = client.get(reverse("projects:project-list").replace("/projekt/", "/en/projects/"))
    assert response.status_code == 200


def test_a_country_added_a_moment_ago_can_be_filtered_on_at_once(client, world):
    assert "Kosovo" not in client.get(URL).content.decode()
    kosovo = CountryFactory(slug="kosovo", name_sv="Kosovo")
    ProjectFactory(slug="p4", title_sv="Unga i Pristina", countries=[kosovo])
    response = client.get(URL, {"country": "kosovo"})
    assert card_titles(response) == ["Unga i Pristina"]
    assert not response.context["filterset"].form.errors


def test_a_country_renamed_a_moment_ago_is_named_anew_in_the_active_filters(client, world):
    client.get(URL, {"country": "burma"})
    burma = CountryFactory._meta.model.objects.get(slug="burma")
    burma.name_sv = "Myanmar"
    burma.save()
    response = client.get(URL, {"country": "burma"})
    assert [f["value"] for f in response.context["active_filters"]] == ["Myanmar"]


def test_a_card_gives_a_project_within_one_year_that_year_alone(client):
    ProjectFactory(start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 11, 30))
    ProjectFactory(start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2023, 6, 30))
    html = client.get(URL).content.decode()
    assert "· 2024\n" in html and "2024–2024" not in html
    assert "· 2019–2023\n" in html


# --- Pages and their order ----------------------------------------------------------------

@pytest.fixture
def many():
    """55 projects over two countries and two themes, many sharing a start date (so the
    order rests on the pk too), with drafts and internal ones among them."""
    asia = RegionFactory(slug="asien")
    countries = [CountryFactory(slug="filippinerna", region=asia),
                 CountryFactory(slug="burma", region=asia)]
    themes = [ThemeFactory(slug="unga"), ThemeFactory(slug="jamstalldhet")]
    for n in range(55):
        ProjectFactory(
            countries=[countries[n % 2]] + ([countries[1]] if n % 5 == 0 else []),
            themes=[themes[n % 3 % 2]],
            start_date=datetime.date(2015 + n % 4, 1 + n % 3, 1),
            end_date=datetime.date(2019 + n % 4, 12, 31),
            status=[Project.Status.ONGOING, Project.Status.COMPLETED][n % 2],
            published=n % 11 != 3,
            visibility=Project.Visibility.INTERNAL if n % 13 == 4 else Project.Visibility.PUBLIC,
        )


def all_pages(client, query):
    """The card links of every page of the list, first to last."""
    listed, page = [], 1
    while True:
        response = client.get(f"{URL}?{query}&page={page}")
        listed += card_urls(response)
        if 'rel="next"' not in response.content.decode():
            return listed
        page += 1


@pytest.mark.parametrize(("query", "country", "status", "oldest_first"), [
    ("", None, None, False),
    ("sort=oldest", None, None, True),
    ("country=burma", "burma", None, False),
    ("status=completed&sort=oldest", None, "completed", True),
])
def test_the_pages_together_list_each_matching_project_once_in_order(
        client, many, query, country, status, oldest_first):
    listed = all_pages(client, query)
    expected = sorted(
        (p for p in Project.objects.prefetch_related("countries")
         if p.is_public and (country is None or country in {c.slug for c in p.countries.all()})
         and (status is None or p.status == status)),
        key=lambda p: (p.start_date, p.pk), reverse=not oldest_first)
    assert listed == [p.get_absolute_url() for p in expected]


@pytest.mark.parametrize(("query", "key"), [
    ("sort=title", lambda p: (p.title, p.pk)),
    ("sort=budget", lambda p: (-(p.budget_sek or 0), -p.pk)),
])
def test_other_orders_page_through_every_project(client, many, query, key):
    listed = all_pages(client, query)
    public = [p for p in Project.objects.all() if p.is_public]
    assert sorted(listed) == sorted(p.get_absolute_url() for p in public)
    if query == "sort=title":
        assert listed == [p.get_absolute_url() for p in sorted(public, key=key)]


def test_a_project_published_a_moment_ago_heads_the_list_at_once(client, many):
    client.get(URL)
    newest = ProjectFactory(title_sv="Alldeles nytt projekt", published=False,
                            start_date=datetime.date(2030, 1, 1),
                            end_date=datetime.date(2031, 12, 31))
    assert "Alldeles nytt projekt" not in card_titles(client.get(URL))
    newest.published = True
    newest.save()
    assert card_titles(client.get(URL))[0] == "Alldeles nytt projekt"
    assert card_titles(client.get(f"{URL}?sort=oldest&page=3"))[-1] == "Alldeles nytt projekt"

"""The story list and each story's page as a visitor reads them: newest first, filtered
by region, country and theme, in pages; a story with its text, what it is about and more
stories like it; drafts only for staff; English with a clear Swedish fallback."""

import re

import pytest

from projects.models import Project
from tests.admin_personas import carl
from tests.factories import (
    CountryFactory,
    MemberOrganisationFactory,
    ProjectFactory,
    RegionFactory,
    StoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def card_titles(html):
    """The stories' titles on the cards, in the order shown."""
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(
        r'<h3 class="h5 card-title"><a [^>]*>(.*?)</a>', html, re.S)]


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def world():
    mena = RegionFactory(slug="mena", name_sv="Mellanöstern", name_en="Middle East")
    balkan = RegionFactory(slug="balkan", name_sv="Balkan", name_en="The Balkans")
    palestine = CountryFactory(slug="palestina", name_sv="Palestina", name_en="Palestine",
                               region=mena)
    serbia = CountryFactory(slug="serbien", name_sv="Serbien", name_en="Serbia",
                            region=balkan)
    youth = ThemeFactory(slug="unga", name_sv="Unga", name_en="Youth")
    return {"mena": mena, "balkan": balkan, "palestine": palestine, "serbia": serbia,
            "youth": youth}


# --- The list ---------------------------------------------------------------------------

def test_the_list_shows_published_stories_newest_first(client):
    StoryFactory(title_sv="Äldre", published_on="2026-01-10")
    StoryFactory(title_sv="Nyare", published_on="2026-05-10")
    StoryFactory(title_sv="Utkastet", published_on="2026-12-01", published=False)
    html = page(client, "/berattelser/")
    assert card_titles(html) == ["Nyare", "Äldre"]
    assert "2 berättelser" in html
    assert "10 maj 2026" in html
    assert "Utkastet" not in html


def test_the_list_filters_by_region_country_and_theme(client, world):
    StoryFactory(title_sv="Från Gaza", countries=[world["palestine"]], themes=[world["youth"]])
    StoryFactory(title_sv="Från Belgrad", countries=[world["serbia"]])
    StoryFactory(title_sv="Om allt")
    assert card_titles(page(client, "/berattelser/?region=balkan")) == ["Från Belgrad"]
    assert card_titles(page(client, "/berattelser/?country=palestina")) == ["Från Gaza"]
    assert card_titles(page(client, "/berattelser/?theme=unga")) == ["Från Gaza"]
    assert card_titles(page(client, "/berattelser/?region=balkan&theme=unga")) == []
    html = page(client, "/berattelser/?region=mena")
    # The filter in force is named, with a link that removes it, and the phone's
    # button counts it.
    assert "Region: Mellanöstern" in text(html)
    assert "Filtrera (1)" in html
    # Each option says how many stories it would list with the other filters in force;
    # one that would list none is left out.
    assert '<option value="palestina">Palestina (1)</option>' in html
    assert 'value="serbien"' not in html
    assert '<option value="unga">Unga (1)</option>' in html
    assert '<option value="balkan">Balkan (1)</option>' in html


def test_an_unknown_filter_value_is_named_and_the_rest_still_apply(client, world):
    StoryFactory(title_sv="Från Gaza", countries=[world["palestine"]])
    StoryFactory(title_sv="Från Belgrad", countries=[world["serbia"]])
    html = page(client, "/berattelser/?country=atlantis&region=mena")
    assert "Vi hittade inget land ”atlantis”; visar alla länder." in html
    assert card_titles(html) == ["Från Gaza"]
    assert page(client, "/berattelser/?theme=" + "x" * 300)


def test_the_list_comes_in_pages_of_twelve(client):
    for day in range(1, 15):
        StoryFactory(title_sv=f"Dag {day}", published_on=f"2026-03-{day:02d}")
    first = page(client, "/berattelser/")
    assert card_titles(first) == [f"Dag {day}" for day in range(14, 2, -1)]
    assert 'aria-label="Sidor"' in first and 'rel="next"' in first
    assert "Sida 1 av 2" in first
    second = page(client, "/berattelser/?page=2")
    assert card_titles(second) == ["Dag 2", "Dag 1"]
    # A page past the end, or not a number, is the nearest real page.
    assert card_titles(page(client, "/berattelser/?page=9")) == ["Dag 2", "Dag 1"]
    assert card_titles(page(client, "/berattelser/?page=x")) == card_titles(first)


def test_a_demo_story_wears_the_badge(client):
    StoryFactory(title_sv="Påhittad", is_demo=True)
    assert "demo-badge" in page(client, "/berattelser/")


# --- A story's page ------------------------------------------------------------------------

def test_a_story_page_shows_its_text_date_author_and_body_as_markdown(client):
    story = StoryFactory(slug="facket-i-gaza", title_sv="Facket i Gaza", author="Eva Ek",
                         lead_sv="Det började med ett möte.",
                         body_sv="Ett **starkt** fack.\n\n<script>alert(1)</script>",
                         published_on="2026-10-03")
    html = page(client, "/berattelser/facket-i-gaza/")
    assert "<h1>Facket i Gaza" in html
    assert '<time datetime="2026-10-03">3 oktober 2026</time>' in html
    assert "Av Eva Ek" in html
    assert '<p class="lead">Det började med ett möte.</p>' in html
    assert "<strong>starkt</strong>" in html and "<script>alert" not in html
    assert story.get_absolute_url() == "/berattelser/facket-i-gaza/"


def test_a_story_links_what_it_is_about_but_never_a_hidden_project(client, world):
    member = MemberOrganisationFactory(slug="abf", name_sv="ABF")
    hidden_member = MemberOrganisationFactory(slug="dold", name_sv="Dolda förbundet",
                                              published=False)
    shown = ProjectFactory(slug="oppet", title_sv="Öppet projekt")
    draft = ProjectFactory(slug="utkast", title_sv="Utkastprojektet", published=False)
    internal = ProjectFactory(slug="internt", title_sv="Interna projektet",
                              visibility=Project.Visibility.INTERNAL)
    StoryFactory(slug="s", projects=[shown, draft, internal], countries=[world["palestine"]],
                 themes=[world["youth"]], member_organisations=[member, hidden_member])
    html = page(client, "/berattelser/s/")
    assert '<a href="/projekt/oppet/">Öppet projekt</a>' in html
    assert '<a href="/lander/palestina/">Palestina</a>' in html
    assert '<a href="/berattelser/?theme=unga">Unga</a>' in html
    assert '<a href="/medlemmar/abf/">ABF</a>' in html
    for secret in ("Utkastprojektet", "Interna projektet", "/projekt/utkast/",
                   "/projekt/internt/", "Dolda förbundet"):
        assert secret not in html


def test_more_stories_like_it_share_a_country_theme_or_project(client, world):
    project = ProjectFactory()
    story = StoryFactory(slug="s", countries=[world["palestine"]], themes=[world["youth"]],
                         projects=[project])
    StoryFactory(title_sv="Samma land", countries=[world["palestine"]],
                 published_on="2026-01-01")
    StoryFactory(title_sv="Samma tema", themes=[world["youth"]], published_on="2026-02-01")
    StoryFactory(title_sv="Samma projekt", projects=[project], published_on="2026-03-01")
    StoryFactory(title_sv="Nyast men samma land", countries=[world["palestine"]],
                 published_on="2026-04-01")
    StoryFactory(title_sv="Annat land", countries=[world["serbia"]])
    StoryFactory(title_sv="Utkast i samma land", countries=[world["palestine"]],
                 published=False)
    html = page(client, story.get_absolute_url())
    more = html[html.index('class="more-stories'):]
    assert card_titles(more) == ["Nyast men samma land", "Samma projekt", "Samma tema"]


def test_a_draft_is_404_for_visitors_and_a_preview_for_an_editor(client):
    StoryFactory(slug="utkast", title_sv="Utkastet", published=False)
    assert client.get("/berattelser/utkast/").status_code == 404
    assert client.get("/en/stories/utkast/").status_code == 404
    client.force_login(carl())
    response = client.get("/berattelser/utkast/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inte publicerad." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-cache" in response["Cache-Control"]
    # Still nowhere in the list, even for the editor.
    assert "Utkastet" not in page(client, "/berattelser/")


# --- English ----------------------------------------------------------------------------

def test_english_pages_at_their_english_addresses(client):
    StoryFactory(slug="s", title_en="Unions in Gaza", lead_en="It began with a meeting.")
    html = page(client, "/en/stories/")
    assert card_titles(html) == ["Unions in Gaza"]
    assert 'href="/en/stories/s/"' in html
    html = page(client, "/en/stories/s/")
    assert "<h1>Unions in Gaza" in html
    assert "available in Swedish only" not in html
    assert 'lang="sv"' not in html[html.index("<main"):html.index("</main>")].replace(
        '<blockquote class="blockquote" lang="sv">', "")


def test_a_story_without_english_is_shown_in_swedish_and_says_so(client):
    StoryFactory(slug="s", title_sv="Facket i Gaza", title_en="", lead_sv="Ingressen.",
                 lead_en="", body_sv="Brödtexten.", body_en="")
    html = page(client, "/en/stories/s/")
    assert "This story is available in Swedish only." in html
    assert '<h1 lang="sv">Facket i Gaza' in html
    assert '<p class="lead" lang="sv">Ingressen.</p>' in html
    assert '<div class="body-text" lang="sv"><p>Brödtexten.</p>' in html
    # On the English list it is there, its title and lead marked as Swedish.
    html = page(client, "/en/stories/")
    assert '<a href="/en/stories/s/" lang="sv">Facket i Gaza</a>' in html
    assert '<p class="card-text" lang="sv">Ingressen.</p>' in html


def test_a_story_with_an_english_title_but_swedish_body_marks_only_the_body(client):
    StoryFactory(slug="s", title_en="Unions in Gaza", body_sv="Brödtexten.", body_en="")
    html = page(client, "/en/stories/s/")
    assert "available in Swedish only" not in html
    assert "<h1>Unions in Gaza" in html
    assert '<div class="body-text" lang="sv"><p>Brödtexten.</p>' in html

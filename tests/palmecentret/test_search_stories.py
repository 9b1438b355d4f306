"""The site search finds stories (issue 27, item 3): published ones only, in a section of
their own, by title, lead, body and what they are linked to, with the date and a snippet,
in the page's language; and the page's query count stays fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import CountryFactory, ProjectFactory, StoryFactory

pytestmark = pytest.mark.django_db


def search(client, q, language="sv"):
    with translation.override(language):
        url = reverse("search")
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def section(html, key):
    """The result section of one kind, or "" when the page has none."""
    start = html.find(f'<section class="search-results mt-4" aria-labelledby="results-{key}"')
    return html[start:html.find("</section>", start)] if start >= 0 else ""


@pytest.fixture
def stories():
    country = CountryFactory(name_sv="Filippinerna", name_en="The Philippines")
    return {
        "union": StoryFactory(
            slug="fackklubben", title_sv="Fackklubben som växte", title_en="The union that grew",
            lead_sv="Sömmerskor organiserar sig i exportzonen.",
            lead_en="Seamstresses organise in the export zone.",
            body_sv="Studiecirkeln träffades varje vecka.", body_en="The circle met weekly.",
            published_on="2026-11-20", countries=[country]),
        "body_only": StoryFactory(
            slug="cirkeln", title_sv="En vecka i Manila", title_en="",
            lead_sv="Om en resa.", lead_en="", body_sv="- Vi mötte **sömmerskor** i fabriken.",
            body_en="", published_on="2026-10-01"),
        "draft": StoryFactory(slug="utkast", title_sv="Sömmerskor i utkastet", published=False),
    }


def test_a_published_story_is_found_in_its_own_section_with_date_and_snippet(client, stories):
    html = search(client, "exportzonen")
    found = section(html, "stories")
    assert "Berättelser" in found
    assert f'href="{stories["union"].get_absolute_url()}"' in found
    assert "20 november 2026" in found
    assert "<mark>exportzonen</mark>" in found
    assert not section(html, "projects")


def test_drafts_never_appear(client, stories):
    found = section(search(client, "sömmerskor"), "stories")
    assert "Fackklubben som växte" in found and "En vecka i Manila" in found
    assert "utkastet" not in found


def test_a_title_hit_ranks_above_a_lead_or_body_hit_and_the_body_gives_the_snippet(
        client, stories):
    StoryFactory(slug="sommerskor", title_sv="Sömmerskor berättar", lead_sv="Ingenting.",
                 body_sv="")
    found = section(search(client, "sömmerskor"), "stories")
    assert 0 <= found.find("berättar") < found.find("Fackklubben")
    # A body-only hit shows the words of its body, without the Markdown marks.
    assert "Vi mötte <mark>sömmerskor</mark> i fabriken" in found


def test_a_story_is_found_by_the_country_it_is_linked_to(client, stories):
    found = section(search(client, "Filippinerna"), "stories")
    assert "Fackklubben som växte" in found


def test_the_english_page_shows_english_and_falls_back_to_swedish(client, stories):
    found = section(search(client, "Manila", "en"), "stories")
    assert "En vecka i" in found  # no English title: the Swedish one
    found = section(search(client, "seamstresses", "en"), "stories")
    assert "The union that grew" in found
    assert "Stories" in found


def test_markup_in_a_story_is_escaped(client):
    StoryFactory(title_sv="<script>alert(1)</script> Skriptberättelse", lead_sv="<b>Fet</b>")
    found = section(search(client, "Skriptberättelse"), "stories")
    assert "<script>alert" not in found and "&lt;script&gt;" in found


def count_queries(client, q):
    url = reverse("search")
    client.get(url, {"q": q.upper()})  # warms up; another address, not cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": q})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_query_count_does_not_grow_with_the_number_of_matching_stories(client):
    StoryFactory.create_batch(5, title_sv="Skalberättelse", lead_sv="Om skalning.")
    small, html = count_queries(client, "skalberättelse")
    assert "Skalberättelse" in section(html, "stories")
    StoryFactory.create_batch(60, title_sv="Skalberättelse", lead_sv="Om skalning.")
    large, html = count_queries(client, "Skalberättelse")  # not the cached page
    assert section(html, "stories").count("<li") == 10  # the best ten, then "more"
    # 1 which of the small kinds (stories among them) have any hit, 2 the project hits
    # with their count (none), 3 the best story hits.
    assert small == large == 3


def test_a_search_that_finds_no_story_asks_nothing_more_of_stories(client):
    ProjectFactory(title_sv="Ensamprojektet")
    StoryFactory(title_sv="Något annat")
    queries, html = count_queries(client, "ensamprojektet")
    assert section(html, "projects") and not section(html, "stories")
    # As before stories: which small kinds have hits (none), the project hits (on SQLite
    # with their countries in one more).
    assert queries == (2 if connection.vendor == "postgresql" else 3)


@pytest.mark.postgres
def test_swedish_stemming_finds_a_story_by_another_form_of_the_word(client, stories):
    found = section(search(client, "sömmerska"), "stories")
    assert "Fackklubben som växte" in found

"""Stories in the public page cache: a saved story, its links and its unpublishing show
at once on every page that lists it, in both languages."""

import pytest
from django.test import Client

from tests.conftest import local_cache
from tests.factories import CountryFactory, RegionFactory, StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    yield from local_cache(settings, "story-page-cache-tests", page_cache_seconds=600)


def visit(path):
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_stories_pages_are_cached_and_a_saved_story_shows_at_once():
    story = StoryFactory(slug="s", title_sv="Första rubriken", title_en="First headline")
    for path in ("/berattelser/", "/berattelser/s/", "/en/stories/s/"):
        assert visit(path)["X-Cache"] == "miss"
        assert visit(path)["X-Cache"] == "hit"
    story.title_sv = "Andra rubriken"
    story.save()
    response = visit("/berattelser/")
    assert response["X-Cache"] == "miss"
    assert "Andra rubriken" in response.content.decode()
    assert "Andra rubriken" in visit("/berattelser/s/").content.decode()


def test_linking_a_story_to_a_country_shows_it_on_the_filtered_list_at_once():
    country = CountryFactory(slug="palestina", region=RegionFactory())
    StoryFactory(slug="s", title_sv="Från Gaza")
    assert "Från Gaza" not in visit("/berattelser/?country=palestina").content.decode()
    story = StoryFactory._meta.model.objects.get(slug="s")
    story.countries.add(country)
    assert "Från Gaza" in visit("/berattelser/?country=palestina").content.decode()


def test_an_unpublished_story_is_gone_at_once():
    story = StoryFactory(slug="s", title_sv="Snart borta")
    assert "Snart borta" in visit("/berattelser/").content.decode()
    story.published = False
    story.save()
    assert "Snart borta" not in visit("/berattelser/").content.decode()
    assert Client().get("/berattelser/s/").status_code == 404

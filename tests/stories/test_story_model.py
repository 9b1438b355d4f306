"""A story: its two languages, its links, and the one rule for who may see it."""

import pytest

from stories.models import Story
from tests.factories import CountryFactory, ProjectFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_only_published_stories_are_public_newest_first():
    older = StoryFactory(published_on="2026-01-01")
    newer = StoryFactory(published_on="2026-06-01")
    StoryFactory(published=False, published_on="2026-12-01")
    assert list(Story.objects.public().newest_first()) == [newer, older]


def test_a_story_links_to_projects_and_countries():
    country = CountryFactory()
    project = ProjectFactory(countries=[country])
    story = StoryFactory(projects=[project], countries=[country])
    assert list(project.stories.all()) == [story] == list(country.stories.all())

"""Every public page runs the same number of database queries with 10 and with 500
projects (and 15 and 150 stories): lists are prefetched, annotated and paginated, never a
query per row."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import MemberOrganisation
from projects.models import Country, Programme, Project, Theme
from stories.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db
BUDGET = 25


def page_urls():
    """One page of each type, picked where the generated projects pile up."""
    busiest_country = max(Country.objects.all(), key=lambda c: c.projects.count())
    busiest_member = max(MemberOrganisation.objects.public(), key=lambda m: m.projects.count())
    busiest_programme = max(Programme.objects.public(), key=lambda p: p.projects.count())
    project = Project.objects.public().order_by("pk").first()
    story = Story.objects.public().order_by("pk").first()
    urls = {
        "home": "/", "about": "/om-oss/", "support": "/stod-oss/",
        "regions": "/regioner/", "open data": "/oppna-data/",
        "region": busiest_country.region.get_absolute_url(),
        "country": busiest_country.get_absolute_url(),
        "programme": busiest_programme.get_absolute_url(),
        "projects": "/projekt/",
        "projects filtered": f"/projekt/?country={busiest_country.slug}&theme=unga&sort=budget",
        "projects page 2": "/projekt/?page=2",
        "project": project.get_absolute_url(),
        "english project": project.get_absolute_url().replace("/projekt/", "/en/projects/"),
        "members": "/medlemmar/",
        "member": busiest_member.get_absolute_url(),
        "networks": "/natverk/",
        "network": "/natverk/folkkraft/",
        "seminars": "/seminarier/",
        "newsletter": "/nyhetsbrev/",
        "sitemap": "/sitemap.xml",
        "sitemap section": "/sitemap-projects.xml",
        "english projects": "/en/projects/",
        "search": "/sok/?q=exempelprojekt",
        "english search": "/en/search/?q=example",
        "stories": "/berattelser/",
        "stories filtered": f"/berattelser/?region={busiest_country.region.slug}&theme=unga",
        "stories page 2": "/berattelser/?page=2",
        "story": story.get_absolute_url(),
        "english story": story.get_absolute_url().replace("/berattelser/", "/en/stories/"),
        "story feed": "/berattelser/flode.atom",
        "sitemap stories": "/sitemap-stories.xml",
    }
    return urls


def add_stories(count):
    """`count` published stories, each about a few of the public projects, countries,
    themes and member organisations, so that every page that lists stories has many."""
    projects = list(Project.objects.public().order_by("pk"))
    countries = list(Country.objects.order_by("pk"))
    themes = list(Theme.objects.order_by("pk"))
    members = list(MemberOrganisation.objects.public().order_by("pk"))
    start = Story.objects.count()
    for n in range(start, start + count):
        StoryFactory(projects=[projects[n % len(projects)], projects[(3 * n) % len(projects)]],
                     countries=[countries[n % len(countries)], countries[0]],
                     themes=[themes[n % len(themes)]],
                     member_organisations=[members[n % len(members)], members[0]])


def count_queries(client, urls):
    """{page: (queries of the first request, which renders every {% cache %} fragment
    of the content version, queries of the second, answered from the page cache)}. Both
    must be the same at both sizes: a fragment that loops over rows shows in the first.
    (A page with its fragments kept but the page cache off: test_shared_page_parts.)"""
    counts = {}
    for name, url in urls.items():
        counted = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            counted.append(len(queries))
        counts[name] = tuple(counted)
    return counts


def test_query_counts_do_not_grow_with_the_number_of_projects(client, settings):
    settings.DEBUG = True  # load_demo refuses to run on what looks like production
    call_command("load_demo", projects=10, stdout=io.StringIO())
    add_stories(15)
    urls = page_urls()
    small = count_queries(client, urls)

    call_command("load_demo", projects=500, stdout=io.StringIO())
    assert Project.objects.public().count() > 400
    add_stories(135)
    large = count_queries(client, urls)

    assert large == small
    # A budget, so a page that starts looping over rows is noticed even if it happened
    # to loop the same number of times at both sizes (each page: session-less visitor,
    # its own object(s), prefetches of related lists, pagination count, facet counts).
    too_many = {name: n for name, (n, _) in large.items() if n > BUDGET}
    assert not too_many

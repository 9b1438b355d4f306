"""A member organisation's page: the projects it implements, and how many there are."""

import datetime

import pytest

from projects.models import Project
from tests.cards import card_urls
from tests.factories import MemberOrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_page_counts_only_the_public_projects_and_links_to_all_of_them(client):
    member = MemberOrganisationFactory(slug="abf", name_sv="ABF")
    ProjectFactory.create_batch(14, member_organisations=[member])
    ProjectFactory(member_organisations=[member], visibility=Project.Visibility.INTERNAL)
    ProjectFactory(member_organisations=[member], published=False)
    ProjectFactory.create_batch(3)  # someone else's

    html = client.get(member.get_absolute_url()).content.decode()
    assert "Alla 14 projekt" in html
    assert "/projekt/?member=abf" in html

    # A project published later counts at once.
    ProjectFactory(member_organisations=[member])
    assert "Alla 15 projekt" in client.get(member.get_absolute_url()).content.decode()


def test_the_page_shows_the_first_projects_of_the_list_it_links_to(client):
    # Many projects starting on the same day: the page shows the same twelve, in the same
    # order, as the first page of "all projects", whatever their titles.
    member = MemberOrganisationFactory(slug="abf")
    for n in range(20):
        ProjectFactory(member_organisations=[member], title_sv=f"Projekt {'ÖAKB'[n % 4]}{n}",
                       start_date=datetime.date(2020 + n % 3, 1, 1),
                       end_date=datetime.date(2026, 12, 31))
    ProjectFactory(start_date=datetime.date(2030, 1, 1),  # someone else's, and newer
                   end_date=datetime.date(2031, 1, 1))

    shown = card_urls(client.get(member.get_absolute_url()))
    listed = card_urls(client.get("/projekt/?member=abf"))
    assert len(shown) == 12
    assert shown == listed[:12]

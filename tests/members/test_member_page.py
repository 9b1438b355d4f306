"""A member organisation's page: the projects it implements, and how many there are."""

import pytest

from projects.models import Project
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

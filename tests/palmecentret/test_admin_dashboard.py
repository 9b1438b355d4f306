"""The admin index shows the counts that matter, each only to the role it concerns."""

import datetime

import pytest
from django.utils import timezone

from newsletter.models import Registration
from tests.admin_personas import carl, nina
from tests.factories import (
    CountryFactory,
    ProjectFactory,
    RegionFactory,
    RegistrationFactory,
    SeminarFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():
    asia = RegionFactory(name_sv="Asien")
    country = CountryFactory(region=asia)
    ProjectFactory.create_batch(3, countries=[country])
    ProjectFactory(title_sv="Väntande utkast", countries=[country], published=False)
    SubscriberFactory(confirmed_at=timezone.now())
    SubscriberFactory(confirmed_at=None)  # not confirmed: not counted
    seminar = SeminarFactory(title_sv="Nästa seminarium", capacity=40,
                             starts_at=timezone.now() + datetime.timedelta(days=3))
    RegistrationFactory.create_batch(2, seminar=seminar)
    RegistrationFactory(seminar=seminar, status=Registration.Status.WAITLISTED)
    # Never confirmed by its registrant, and the hold is over: it counts for nothing.
    stale = RegistrationFactory(seminar=seminar, address_confirmed_at=None)
    Registration.objects.filter(pk=stale.pk).update(
        created=timezone.now() - datetime.timedelta(days=2))


def test_a_content_editor_sees_projects_and_seminar_but_no_subscriber_numbers(client, portal):
    client.force_login(carl())
    html = client.get("/admin/").content.decode()
    assert "Asien</a></td><td>3</td>" in html
    assert "1 utkast väntar" in html
    assert "Väntande utkast" in html
    assert "Nästa seminarium" in html and "2 anmälda av 40 platser" in html
    assert "1 på väntelistan" in html
    assert "prenumerant" not in html


def test_a_newsletter_manager_sees_new_subscribers_but_no_projects(client, portal):
    client.force_login(nina())
    html = client.get("/admin/").content.decode()
    assert "1 ny bekräftad prenumerant i" in html
    assert "Väntande utkast" not in html
    assert "Nästa seminarium" in html

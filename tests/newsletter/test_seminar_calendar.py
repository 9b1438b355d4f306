"""The iCalendar feed and files: parse, published only, Stockholm time, stable UIDs, links."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from newsletter import calendar
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(year, month, day, hour):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=STOCKHOLM)


def feed(client, language="sv"):
    with translation.override(language):
        url = reverse("newsletter:seminar-calendar")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_addresses():
    with translation.override("en"):
        assert reverse("newsletter:seminar-calendar") == "/en/seminars/calendar.ics"
    # The Swedish words come from the catalogue: /seminarier/kalender.ics once translated.
    with translation.override("sv"):
        assert reverse("newsletter:seminar-calendar").endswith(".ics")


def test_the_feed_holds_every_published_seminar_past_and_upcoming(client):
    past = SeminarFactory(starts_at=at(2020, 5, 4, 18), ends_at=at(2020, 5, 4, 20))
    upcoming = SeminarFactory()
    SeminarFactory(title_sv="Hemligt utkast", published=False)

    events = feed(client).events

    assert sorted(str(e["UID"]) for e in events) == sorted(
        [calendar.uid(past), calendar.uid(upcoming)])
    assert "Hemligt utkast" not in {str(e["SUMMARY"]) for e in events}


def test_each_event_links_to_its_seminar_page_in_stockholm_time(client, settings):
    settings.SITE_URL = "https://portal.example"
    # Summer time: 18:00 in Stockholm is 16:00 UTC.
    seminar = SeminarFactory(title_sv="Fred", title_en="Peace", description_sv="Om fred.",
                             place_sv="ABF-huset", starts_at=at(2031, 6, 10, 18),
                             ends_at=at(2031, 6, 10, 20))

    (event,) = feed(client).events

    assert event["SUMMARY"] == "Fred"
    assert event["LOCATION"] == "ABF-huset"
    assert event["URL"] == "https://portal.example" + seminar.get_absolute_url()
    assert "Om fred." in event["DESCRIPTION"]
    assert event.start == at(2031, 6, 10, 18)
    assert event.start.astimezone(datetime.timezone.utc).hour == 16
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.end == at(2031, 6, 10, 20)


def test_the_english_feed_is_in_english(client):
    SeminarFactory(title_sv="Fred", title_en="Peace")
    assert feed(client, "en").events[0]["SUMMARY"] == "Peace"


def test_the_feed_carries_its_time_zone_and_a_name(client):
    SeminarFactory()
    parsed = feed(client)
    assert [tz["TZID"] for tz in parsed.timezones] == ["Europe/Stockholm"]
    assert parsed["X-WR-CALNAME"]
    assert parsed["METHOD"] == "PUBLISH"


def test_an_empty_feed_is_still_a_valid_calendar(client):
    parsed = feed(client)
    assert parsed.events == [] and parsed.timezones


def test_the_public_feed_keeps_the_online_link_for_registrants(client):
    seminar = SeminarFactory(place_sv="", online_url="https://meet.example/secret")
    (event,) = feed(client).events
    assert "meet.example" not in event.to_ical().decode()
    assert event["LOCATION"]
    # The registrant's own file has it.
    own = icalendar.Calendar.from_ical(calendar.seminar_ics(seminar)).events[0]
    assert own["LOCATION"] == "https://meet.example/secret"


def test_the_uid_stays_when_the_seminar_changes():
    seminar = SeminarFactory()
    before = calendar.uid(seminar)
    seminar.slug, seminar.title_sv = "nytt-namn", "Nytt namn"
    seminar.save()
    assert calendar.uid(seminar) == before


def test_the_same_seminar_gives_the_same_file():
    seminar = SeminarFactory()
    assert calendar.seminar_ics(seminar) == calendar.seminar_ics(seminar)


def test_the_feed_is_one_query_however_many_seminars(client):
    SeminarFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        feed(client)
    SeminarFactory.create_batch(25)
    with CaptureQueriesContext(connection) as many:
        assert len(feed(client).events) == 27
    assert len(few) == len(many) == 1


def test_the_seminar_list_links_to_the_feed(client):
    html = client.get(reverse("newsletter:seminar-list")).content.decode()
    assert f'href="{reverse("newsletter:seminar-calendar")}"' in html

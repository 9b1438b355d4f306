"""iCalendar files for seminars (icalendar library): a registrant's event, the public feed."""

import datetime
import zoneinfo
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .emails import absolute

# Seminars happen in Stockholm: events carry TZID=Europe/Stockholm (with its VTIMEZONE),
# so a calendar shows the local time of the seminar, not a UTC time that looks moved.
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
PRODID = "-//Olof Palmes Internationella Center//Seminars//SV"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# How often a subscribed calendar app should fetch the feed again.
FEED_REFRESH = datetime.timedelta(hours=6)


def _host():
    return urlsplit(settings.SITE_URL).hostname or "palmecentret"


def uid(seminar):
    """The event's UID: the same for a seminar whatever its title, slug or time becomes,
    so a calendar updates the event it holds instead of adding a second one."""
    return f"seminar-{seminar.pk}@{_host()}"


def event(seminar, *, for_registrant):
    """The seminar as a VEVENT in the active language. The online link is for people with a
    place (the seminar page says it is sent to them), so only their file carries it."""
    page = absolute(seminar.get_absolute_url())
    location = seminar.place
    description = [seminar.description] if seminar.description else []
    if seminar.online_url:
        if for_registrant:
            location = location or seminar.online_url
            description.append(_("Online: %(url)s") % {"url": seminar.online_url})
        elif not location:
            location = _("Online")
    description.append(_("More about the seminar: %(url)s") % {"url": page})
    return icalendar.Event.new(
        uid=uid(seminar),
        # The last change, not the time of this download: the same seminar gives the
        # same file, and a client sees a newer stamp only when something changed.
        stamp=seminar.updated,
        last_modified=seminar.updated,
        start=timezone.localtime(seminar.starts_at, STOCKHOLM),
        end=timezone.localtime(seminar.ends_at, STOCKHOLM),
        summary=seminar.title,
        location=location or None,
        description="\n\n".join(description),
        url=page,
    )


def _calendar(events, *, name=None, feed=False):
    calendar = icalendar.Calendar.new(
        prodid=PRODID, method="PUBLISH", name=name,
        refresh_interval=FEED_REFRESH if feed else None,
        uid=f"seminars@{_host()}" if feed else None,
    )
    if not feed:
        # The library makes up a random UID for the calendar; a file for one event needs
        # none, and without it the same seminar gives the same bytes.
        calendar.pop("UID", None)
    if feed:
        # RFC 7986 wants the value type named; Outlook reads its own property instead.
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
        calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(FEED_REFRESH))
    starts = [e.start for e in events]
    ends = [e.end for e in events]
    today = timezone.localdate(timezone=STOCKHOLM)
    # The VTIMEZONE covers just the events' dates (the full 1970–2038 rules would be kilobytes
    # per file); always present, so even an empty feed is a valid calendar with a component.
    calendar.add_component(icalendar.Timezone.from_tzinfo(
        STOCKHOLM,
        first_date=min(starts).date() - datetime.timedelta(days=1) if starts else today,
        last_date=max(ends).date() + datetime.timedelta(days=1) if ends
        else today + datetime.timedelta(days=1),
    ))
    for component in events:
        calendar.add_component(component)
    return calendar.to_ical()


def seminar_ics(seminar):
    """A registrant's calendar file for one seminar (bytes), in the active language."""
    return _calendar([event(seminar, for_registrant=True)])


def feed_ics(seminars):
    """The public feed of `seminars` (bytes), in the active language."""
    return _calendar([event(s, for_registrant=False) for s in seminars],
                     name=_("The Olof Palme International Center's seminars"), feed=True)

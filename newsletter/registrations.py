"""Seminar registration rules: places, the waiting list, cancelling, moving up, reminders."""

import dataclasses
import datetime
import logging

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone, translation

from . import calendar, emails, links
from .models import ConsentRecord, Registration, Seminar, email_hash

logger = logging.getLogger(__name__)

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED

# Why registration is closed; the pages explain each in words.
UNPUBLISHED = "unpublished"
OVER = "over"
STARTED = "started"
DEADLINE = "deadline"

# A repeated registration re-sends the person's mail (they may have lost it), but not more
# often than this, so a double click or a stranger's retries do not fill their inbox.
RESEND_AFTER = datetime.timedelta(minutes=10)

# Reminders go to seminars starting this far ahead: a command run once a day catches each
# seminar in exactly one run, on the day before (or the one before that, for a morning
# seminar that starts earlier in the day than the command runs).
REMINDER_WINDOW = (datetime.timedelta(hours=24), datetime.timedelta(hours=48))


class RegistrationClosed(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class Registered:
    registration: Registration
    # False when the address had registered already: the answer is the first one again.
    created: bool


@dataclasses.dataclass(frozen=True)
class Cancelled:
    registration: Registration
    # False when nothing changed: cancelled before, or the seminar is over.
    changed: bool
    promoted: list


def closed_reason(seminar, now=None):
    """Why registration for `seminar` is closed, or None while it is open."""
    now = now or timezone.now()
    if not seminar.published:
        return UNPUBLISHED
    if seminar.ends_at < now:
        return OVER
    if seminar.starts_at <= now:
        return STARTED
    if seminar.registration_deadline is not None and seminar.registration_deadline < now:
        return DEADLINE
    return None


def places_left(seminar):
    """Free places (one query), or None when the seminar has no limit."""
    if seminar.capacity is None:
        return None
    taken = seminar.registrations.filter(status=CONFIRMED).count()
    return max(seminar.capacity - taken, 0)


def _live_registration(seminar, email):
    # Lower() on both sides, in the database: the same comparison the unique index makes.
    return (Registration.objects.filter(seminar=seminar).exclude(status=CANCELLED)
            .alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))
            .first())


def register(seminar, *, name, email, organisation="", language, consent_text, source):
    """Register `email` for `seminar`: a place while there is one, else the waiting list.
    Records the consent. A repeat (the address in any letter case) changes nothing and
    answers with the existing registration; RegistrationClosed when registration is
    closed. Sends nothing: the page queues the person's mail (send_registration_mail) for
    a repeat as for a new registration, so that neither answer tells a stranger which."""
    with transaction.atomic():
        # The seminar's row lock makes registrations for one seminar take turns, so two
        # people cannot both take the last place (SQLite serialises writes anyway).
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        reason = closed_reason(seminar)
        if reason:
            raise RegistrationClosed(reason)
        registration = _live_registration(seminar, email)
        created = registration is None
        if created:
            free = places_left(seminar)
            try:
                # A savepoint, so a lost race leaves the transaction usable for the look-up.
                with transaction.atomic():
                    registration = Registration.objects.create(
                        seminar=seminar, name=name, email=email, organisation=organisation,
                        language=language,
                        status=CONFIRMED if free is None or free > 0 else WAITLISTED,
                    )
                    ConsentRecord.objects.create(
                        email_hash=email_hash(email), action=ConsentRecord.Action.REGISTER,
                        consent_text=consent_text, source=source[:500],
                    )
            except IntegrityError:
                # Only the unique index can have refused it (someone saving the same address
                # without the lock, e.g. in the admin): answer as for a repeat.
                registration = _live_registration(seminar, email)
                if registration is None:
                    raise
                created = False
    registration.seminar = seminar
    return Registered(registration, created)


def send_registration_mail(registration_id):
    """The mail that tells the person where they stand (send_status_mail), after
    registering or registering again, at most once per RESEND_AFTER so that a double
    click or a stranger's retries do not fill their inbox; released again if the mail
    server fails, so that registering again sends it. True if this call sent it."""
    registration = (Registration.objects.select_related("seminar")
                    .filter(pk=registration_id).exclude(status=CANCELLED).first())
    if registration is None:
        return False
    # cache.add is atomic: of two tasks for one registration, one sends.
    key = f"newsletter:registration-mail:{registration.pk}"
    if not cache.add(key, True, RESEND_AFTER.total_seconds()):
        return False
    if not send_status_mail(registration):
        cache.delete(key)
        return False
    return True


def cancel(registration_id):
    """Cancel a registration and, if it held a place, give the place to the first on the
    waiting list, who gets a mail. Harmless to repeat. Registration.DoesNotExist if gone."""
    now = timezone.now()
    with transaction.atomic():
        # The seminar's lock first, as register() takes it: cancelling and registering for
        # one seminar take turns, so a freed place goes to exactly one person.
        try:
            seminar = (Seminar.objects.select_for_update(of=("self",))
                       .get(registrations__pk=registration_id))
        except Seminar.DoesNotExist:
            raise Registration.DoesNotExist(registration_id) from None
        registration = Registration.objects.get(pk=registration_id)
        registration.seminar = seminar
        if registration.status == CANCELLED or seminar.ends_at < now:
            return Cancelled(registration, changed=False, promoted=[])
        held_a_place = registration.status == CONFIRMED
        registration.status = CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_free_places(seminar, now) if held_a_place else []
    for person in promoted:
        _send("registration_promoted", person, with_calendar=True)
    return Cancelled(registration, changed=True, promoted=promoted)


def promote_waiting(seminar):
    """Fill free places from the waiting list (after staff raise the capacity, say) and
    mail those who move up; returns them."""
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        promoted = _fill_free_places(seminar, timezone.now())
    for person in promoted:
        _send("registration_promoted", person, with_calendar=True)
    return promoted


def _fill_free_places(seminar, now):
    """Move people up in the order they registered. Only inside a transaction that holds
    the seminar's row lock."""
    if seminar.starts_at <= now:
        # A place in a seminar that has begun is no use to anyone.
        return []
    waiting = (Registration.objects.filter(seminar=seminar, status=WAITLISTED)
               .order_by("created", "pk"))
    free = places_left(seminar)
    if free is not None:
        waiting = waiting[:free]
    promoted = list(waiting)
    for person in promoted:
        person.status = CONFIRMED
        person.promoted_at = now
        person.seminar = seminar
    Registration.objects.bulk_update(promoted, ["status", "promoted_at"])
    return promoted


def send_status_mail(registration):
    """The mail that tells a person where they stand: a place (with the calendar file and,
    for an online seminar, the link) or the waiting list."""
    if registration.status == CONFIRMED:
        return _send("registration_confirmed", registration, with_calendar=True)
    if registration.status == WAITLISTED:
        return _send("registration_waitlisted", registration, with_calendar=False)
    return False


def registrations_to_remind(now=None):
    """Places in published seminars that start within the reminder window and whose
    reminder has not gone out."""
    now = now or timezone.now()
    return (Registration.objects
            .filter(status=CONFIRMED, reminded_at__isnull=True, seminar__published=True,
                    seminar__starts_at__gte=now + REMINDER_WINDOW[0],
                    seminar__starts_at__lt=now + REMINDER_WINDOW[1])
            .select_related("seminar").order_by("seminar__starts_at", "pk"))


REMINDER_SENT = "sent"
REMINDER_ALREADY_SENT = "already sent"
REMINDER_FAILED = "failed"


def send_reminder(registration, now=None):
    """Mail the reminder once; says whether this call sent it, found it sent (by another
    run) or failed (the mail server; the next run tries again)."""
    now = now or timezone.now()
    # Claimed before sending, so two runs at the same time cannot both send it; released
    # again if the mail server fails, so the next run tries again. (A crash between the
    # two loses this one reminder rather than ever sending it twice.)
    claimed = (Registration.objects
               .filter(pk=registration.pk, status=CONFIRMED, reminded_at__isnull=True)
               .update(reminded_at=now))
    if not claimed:
        return REMINDER_ALREADY_SENT
    if not _send("registration_reminder", registration, with_calendar=False):
        Registration.objects.filter(pk=registration.pk).update(reminded_at=None)
        return REMINDER_FAILED
    registration.reminded_at = now
    return REMINDER_SENT


def _send(template, registration, *, with_calendar):
    """One of the registration mails, in the registrant's language; False if the mail
    server failed (logged: the registration itself stands)."""
    seminar = registration.seminar
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "seminar": seminar,
            "seminar_url": emails.absolute(seminar.get_absolute_url()),
            "cancel_url": links.cancel_registration_url(registration),
            # The online link only for a place: the waiting list has none yet.
            "show_online_link": registration.status == CONFIRMED and bool(seminar.online_url),
            # The mail's <html lang>: no request, so no context processor sets it.
            "LANGUAGE_CODE": registration.language,
        }
        attachments = []
        if with_calendar:
            # Decoded: Django attaches text/* content as text, which keeps it readable.
            attachments.append((f"{seminar.slug}.ics",
                                calendar.seminar_ics(seminar).decode(), "text/calendar"))
    try:
        emails.send(template, registration.email, context, language=registration.language,
                    attachments=attachments)
    except emails.MAIL_ERRORS:
        logger.exception("seminar mail %s to registration %s failed", template,
                         registration.pk)
        return False
    return True

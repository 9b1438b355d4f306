"""Seminar registration rules: places, the waiting list, confirming from the mail,
releasing what nobody confirmed, cancelling, moving up, reminders.

Anyone can type any address on the public form, so a registration from it is not
confirmed: it holds its place, or its place in the queue, for
SEMINAR_REGISTRATION_HOLD_HOURS, until the person follows the link in the mail (confirm).
After that it is released: deleted, since nothing need be kept of an address nobody
confirmed (its consent record keeps the hash), and a place it held goes to the waiting
list as after a cancellation, with the same mails. Releasing happens under the seminar's
row lock at the end of each hold (a task queued when the registration is made), whenever
a registration, a confirmation or a cancellation counts the places, and for every seminar
by release_unconfirmed() (a command, the backstop where no task ran); in between, a hold
that has run out is simply not counted.

Only a confirmed person moves up from the waiting list. The promotion mail carries the
calendar file and the online link, which must not go to an address nobody confirmed, and
a made-up address must never take a place from a real person. An unconfirmed person keeps
their position while the hold lasts and moves up on confirming if a place is free then; a
place that opens in the meantime goes to the first confirmed person waiting. Someone new
gets a place only when nobody waits for it (places_left): they queue behind everyone
already waiting, confirmed or not, so registering never overtakes the queue.

The mail that tells someone a place is theirs (confirmed with one, or moved up) is queued
in the transaction that gave it (the send_place_mail task) and sent by the worker, so that no
request waits on the mail server and a place is never committed without its mail queued.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django_tasks import task

from . import calendar, emails, links, sending
from .models import (
    ConsentRecord,
    Registration,
    Seminar,
    email_hash,
    holds_a_place,
    still_held,
)

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
class Cancelled:
    registration: Registration
    # False when nothing changed: cancelled before, or the seminar is over.
    changed: bool


@dataclasses.dataclass(frozen=True)
class Confirmed:
    # None when the registration is gone: released (not confirmed in time) or removed.
    registration: Registration | None
    # False when nothing changed: confirmed before, cancelled, or the seminar is over.
    changed: bool


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


def places_left(seminar, now=None):
    """Places for someone new (one query), or None when the seminar has no limit: the
    capacity less the places held and the people waiting. The seminar page shows it and
    register() gives a place by it. Everyone waiting (until their hold runs out) is
    ahead of someone new: a place free while people wait is theirs, whether the list
    has not moved up yet (staff raised the capacity) or it waits for one of them to
    confirm (a place a made-up address held was released while only unconfirmed people
    waited). Someone new queues behind them; among those waiting, the first to have
    confirmed moves up (see the module's docstring)."""
    if seminar.capacity is None:
        return None
    ahead = (seminar.registrations.filter(still_held(now))
             .filter(status__in=[CONFIRMED, WAITLISTED]).count())
    return max(seminar.capacity - ahead, 0)


def _free_places(seminar, now):
    """Places nobody holds (one query), or None without a limit: what the waiting list
    may fill."""
    if seminar.capacity is None:
        return None
    held = seminar.registrations.filter(holds_a_place(now)).count()
    return max(seminar.capacity - held, 0)


def _live_registration(seminar, email):
    # Lower() on both sides, in the database: the same comparison the unique index makes.
    return (Registration.objects.filter(seminar=seminar).exclude(status=CANCELLED)
            .alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))
            .first())


def register(seminar, *, name, email, organisation="", language, consent_text, source):
    """Register `email` for `seminar`: a place while there is one, else the waiting list.
    Records the consent. Returns the registration; a repeat (the address in any letter
    case) changes nothing and returns the existing one. RegistrationClosed when
    registration is closed. Sends nothing: the page queues the person's mail
    (send_registration_mail) for a repeat as for a new registration, so that neither
    answer tells a stranger which. The registration waits for the person to confirm it
    from that mail, and its release is queued for the end of its hold."""
    now = timezone.now()
    with transaction.atomic():
        # The seminar's row lock makes registrations for one seminar take turns, so two
        # people cannot both take the last place (SQLite serialises writes anyway).
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        reason = closed_reason(seminar, now)
        if reason:
            raise RegistrationClosed(reason)
        _release(seminar, now)
        registration = _live_registration(seminar, email)
        if registration is None:
            free = places_left(seminar, now)
            try:
                # A savepoint, so a lost race leaves the transaction usable for the look-up.
                with transaction.atomic():
                    registration = Registration.objects.create(
                        seminar=seminar, name=name, email=email, organisation=organisation,
                        language=language,
                        status=CONFIRMED if free is None or free > 0 else WAITLISTED,
                        address_confirmed_at=None,
                    )
                    ConsentRecord.objects.create(
                        email_hash=email_hash(email), action=ConsentRecord.Action.REGISTER,
                        consent_text=consent_text, source=source[:500],
                    )
                    _queue_release(registration)
            except IntegrityError:
                # Only the unique index can have refused it (someone saving the same address
                # without the lock, e.g. in the admin): answer as for a repeat.
                registration = _live_registration(seminar, email)
                if registration is None:
                    raise
    registration.seminar = seminar
    return registration


def confirm(registration_id):
    """The registrant confirms from the mail's link: the registration is no longer
    released after the hold, and a person waiting moves up if a place is free. Harmless
    to repeat. Mails: with a place, the full registration mail (calendar file, online
    link); moved up, the promotion mail; still waiting, none (the page says so)."""
    now = timezone.now()
    with transaction.atomic():
        # The seminar's lock first, as everywhere: places are counted in turn.
        seminar = (Seminar.objects.select_for_update(of=("self",))
                   .filter(registrations__pk=registration_id).first())
        if seminar is None:
            return Confirmed(None, changed=False)
        _release(seminar, now)
        registration = Registration.objects.filter(pk=registration_id).first()
        changed = (registration is not None and registration.address_confirmed_at is None
                   and registration.status != CANCELLED and seminar.ends_at >= now)
        if changed:
            registration.address_confirmed_at = now
            registration.save(update_fields=["address_confirmed_at"])
            if registration.status == CONFIRMED:
                _queue_place_mails([registration])
            elif _fill_free_places(seminar, now):
                # Someone moved up, perhaps this person: what is returned is up to date.
                registration.refresh_from_db(fields=["status", "promoted_at"])
    if registration is None:
        return Confirmed(None, changed=False)
    registration.seminar = seminar
    return Confirmed(registration, changed=changed)


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
    changed = False
    with transaction.atomic():
        # The seminar's lock first, as register() takes it: cancelling and registering for
        # one seminar take turns, so a freed place goes to exactly one person.
        try:
            seminar = (Seminar.objects.select_for_update(of=("self",))
                       .get(registrations__pk=registration_id))
        except Seminar.DoesNotExist:
            raise Registration.DoesNotExist(registration_id) from None
        _release(seminar, now)
        # None if it was released just now: nobody confirmed it in time.
        registration = Registration.objects.filter(pk=registration_id).first()
        if (registration is not None and registration.status != CANCELLED
                and seminar.ends_at >= now):
            held_a_place = registration.status == CONFIRMED
            registration.status = CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
            changed = True
            if held_a_place:
                _fill_free_places(seminar, now)
    if registration is None:
        raise Registration.DoesNotExist(registration_id)
    registration.seminar = seminar
    return Cancelled(registration, changed=changed)


def promote_waiting(seminar):
    """Fill free places from the waiting list (after staff raise the capacity, say) and
    mail those who move up; returns them."""
    now = timezone.now()
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=seminar.pk)
        _released, promoted = _release(seminar, now)
        promoted += _fill_free_places(seminar, now)
    return promoted


def release_unconfirmed(now=None):
    """Release every registration nobody confirmed in time, seminar by seminar, and move
    the waiting lists up (with mails). The backstop (a command) for holds whose own
    release (release_expired, queued by register()) did not run: no worker, or a queue
    that cannot wait. Returns (registrations released, people moved up)."""
    now = now or timezone.now()
    seminar_ids = sorted(set(Registration.objects.not_confirmed_in_time(now)
                             .values_list("seminar_id", flat=True)))
    released = moved_up = 0
    for seminar_id in seminar_ids:
        count, promoted = release_expired(seminar_id, now)
        released += count
        moved_up += promoted
    return released, moved_up


def release_expired(seminar_id, now=None):
    """Release the seminar's registrations nobody confirmed in time, under its lock, and
    move its waiting list up (with mails). Harmless to repeat, and when there is nothing
    to release (confirmed meanwhile, cancelled, the seminar deleted). Returns
    (registrations released, people moved up)."""
    now = now or timezone.now()
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().filter(pk=seminar_id).first()
        if seminar is None:
            return 0, 0
        count, promoted = _release(seminar, now)
    return count, len(promoted)


def _queue_release(registration):
    """Queue release_expired for the moment the registration's hold runs out, so that
    the place it holds goes to the waiting list then, not when someone next registers,
    confirms or cancels, or the command runs: a seminar starting in between would give
    it to nobody. Only where the queue can wait (the database backend; the immediate
    one, as `make run` uses, cannot: there the lazy release and the command do it)."""
    if release_expired_holds.get_backend().supports_defer:
        release_expired_holds.using(run_after=registration.held_until).enqueue(
            registration.seminar_id)


def _release(seminar, now):
    """Delete the seminar's registrations nobody confirmed within the hold and, if one of
    them held a place, move the waiting list up. Returns (how many, those who moved up).
    Only inside a transaction that holds the seminar's row lock; costs one query when
    there is nothing to release."""
    expired = list(Registration.objects.filter(seminar=seminar).not_confirmed_in_time(now)
                   .values_list("pk", "status"))
    if not expired:
        return 0, []
    Registration.objects.filter(pk__in=[pk for pk, _status in expired]).delete()
    logger.info("seminar %s: released %d registration(s) nobody confirmed in time",
                seminar.pk, len(expired))
    if any(status == CONFIRMED for _pk, status in expired):
        return len(expired), _fill_free_places(seminar, now)
    return len(expired), []


def _fill_free_places(seminar, now):
    """Move confirmed people up in the order they registered (see the module's docstring
    for why only they). Only inside a transaction that holds the seminar's row lock."""
    if seminar.starts_at <= now:
        # A place in a seminar that has begun is no use to anyone.
        return []
    waiting = (Registration.objects
               .filter(seminar=seminar, status=WAITLISTED, address_confirmed_at__isnull=False)
               .order_by("created", "pk"))
    free = _free_places(seminar, now)
    if free is not None:
        waiting = waiting[:free]
    promoted = list(waiting)
    for person in promoted:
        person.status = CONFIRMED
        person.promoted_at = now
        person.seminar = seminar
    Registration.objects.bulk_update(promoted, ["status", "promoted_at"])
    _queue_place_mails(promoted)
    return promoted


def _queue_place_mails(people):
    """Queue the mail of each person whose place it has become (send_place_mail), in the
    transaction that gave it: with the database queue the task commits with the place
    or not at all. Only ids go in the queue, never an address."""
    for person in people:
        send_place_mail.enqueue(person.pk)


def _send_place_mail(registration_id):
    """The mail for a place that has become the person's, with the calendar file and,
    online, the link: moved up from the waiting list (on confirming, too), the promotion
    mail; confirmed with a place, "you are registered". Nothing if the place is no
    longer theirs when the worker comes to it (cancelled, released, erased). False only
    if the mail server failed."""
    registration = (Registration.objects.select_related("seminar")
                     .filter(pk=registration_id, status=CONFIRMED,
                             address_confirmed_at__isnull=False).first())
    if registration is None:
        return True
    template = ("registration_promoted" if registration.promoted_at is not None
                else "registration_confirmed")
    return _send(template, registration, with_calendar=True)


def send_status_mail(registration):
    """The mail that tells a person where they stand: until they confirm, a place or the
    waiting list held for them and the link to confirm (nothing else: no name, no
    calendar, no online link); then a place (with the calendar file and, for an online
    seminar, the link) or the waiting list."""
    if registration.address_confirmed_at is None:
        return _send("registration_confirm", registration, with_calendar=False)
    if registration.status == CONFIRMED:
        return _send("registration_confirmed", registration, with_calendar=True)
    if registration.status == WAITLISTED:
        return _send("registration_waitlisted", registration, with_calendar=False)
    return False


def registrations_to_remind(now=None):
    """Confirmed places in published seminars that start within the reminder window and
    whose reminder has not gone out."""
    now = now or timezone.now()
    return (Registration.objects
            .filter(status=CONFIRMED, address_confirmed_at__isnull=False,
                    reminded_at__isnull=True, seminar__published=True,
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
               .filter(pk=registration.pk, status=CONFIRMED, reminded_at__isnull=True,
                       address_confirmed_at__isnull=False)
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
    confirmed = registration.address_confirmed_at is not None
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "seminar": seminar,
            "seminar_url": emails.absolute(seminar.get_absolute_url()),
            "cancel_url": links.cancel_registration_url(registration),
            "confirm_url": None if confirmed else links.confirm_registration_url(registration),
            "held_until": registration.held_until,
            "hold_hours": settings.SEMINAR_REGISTRATION_HOLD_HOURS,
            # The online link only for a confirmed place: the waiting list has none yet,
            # and an address nobody has confirmed gets none.
            "show_online_link": (registration.status == CONFIRMED and confirmed
                                 and bool(seminar.online_url)),
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


# --- Tasks: queued above, in the transaction that calls for them; run by the worker -----

@task()
def send_place_mail(registration_id, attempt=1):
    """A seminar place has become the person's (confirmed with one, or moved up): their
    mail. If the mail server fails, tried again after the waits a mailing uses
    (sending.retry_delay), sending.MAX_ATTEMPTS times in all, where the queue can wait:
    this mail is how they learn the place is theirs."""
    if _send_place_mail(registration_id) or attempt >= sending.MAX_ATTEMPTS:
        return
    if send_place_mail.get_backend().supports_defer:
        later = timezone.now() + sending.retry_delay(attempt - 1)
        send_place_mail.using(run_after=later).enqueue(registration_id, attempt + 1)


@task()
def release_expired_holds(seminar_id):
    """Due when a registration's hold runs out (queued by register()): the
    seminar's registrations nobody confirmed in time are released and its waiting list
    moves up. Nothing to do if it was confirmed or cancelled meanwhile."""
    release_expired(seminar_id)

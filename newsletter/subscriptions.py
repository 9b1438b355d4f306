"""The rules of subscribing: double opt-in, preferences, unsubscribing, the consent log,
export and erasure of one person's data, and purging signups nobody confirmed.

Every change to one subscriber's subscriptions happens in a transaction that holds the
subscriber's row lock, so a signup, a confirmation and an unsubscribe arriving at the
same moment take turns. Mails go out after the commit: a rollback sends nothing.

Mails are sent by background tasks (newsletter.tasks), which the pages queue for every
valid request, so that no answer takes longer for a known address than for a stranger's.
They are throttled per address and kind of mail (NEWSLETTER_MAIL_INTERVAL_MINUTES): a
confirmation mail goes out while a list waits for confirmation, but at most once per
interval, however often the address is entered, by whom or in which letter case. Its
link confirms whatever is waiting when it is clicked, so a second signup within the
interval (another list) needs no second mail. The throttle lives in the cache, which
must be shared between workers in production, as for the rate limits."""

import datetime
import logging
import unicodedata

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import emails, links, registrations, tokens
from .models import (
    ConsentRecord,
    MailingList,
    Registration,
    Subscriber,
    Subscription,
    email_hash,
)

logger = logging.getLogger(__name__)

PENDING = Subscription.Status.PENDING
ACTIVE = Subscription.Status.ACTIVE
UNSUBSCRIBED = Subscription.Status.UNSUBSCRIBED
Action = ConsentRecord.Action

# The model's field length; an address longer than this cannot be stored.
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
MAX_SOURCE_LENGTH = 500

INVALID_ADDRESS = _("Enter a valid email address.")
INVISIBLE_CHARACTERS = _("The address contains invisible or control characters. "
                         "Please type it again.")
ADDRESS_TOO_LONG = _("This address is too long to be a real e-mail address.")


# --- Addresses --------------------------------------------------------------------------

def normalise_email(value):
    """The address as we store it, or ValidationError: spaces around it removed, the
    domain in ASCII (Unicode domains IDNA-encoded, as Django's own validator reads them)
    and the whole address lower-cased, so that one mailbox is one subscriber; then
    whatever Django's EmailValidator refuses is refused. Normalising twice changes
    nothing."""
    if not isinstance(value, str):
        raise ValidationError(INVALID_ADDRESS, code="invalid")
    value = value.strip()
    # Control, format (zero-width) and unassigned characters: invisible in a form, so a
    # pasted address could otherwise differ from the one the person sees.
    if any(unicodedata.category(character).startswith("C") for character in value):
        raise ValidationError(INVISIBLE_CHARACTERS, code="invisible")
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(INVALID_ADDRESS, code="invalid")
    try:
        # The standard library's IDNA codec, as django.core.validators uses: the same
        # reading of a Unicode domain as the validator's.
        domain = domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        raise ValidationError(INVALID_ADDRESS, code="invalid") from None
    address = f"{local}@{domain}".lower()
    if len(address) > MAX_EMAIL_LENGTH:
        raise ValidationError(ADDRESS_TOO_LONG, code="too_long")
    validate_email(address)
    return address


def one_line(value, max_length):
    """A one-line text (a name): control characters (tabs, line breaks, NUL, which
    PostgreSQL refuses) become spaces, runs of spaces one, trimmed to fit its column.
    Format characters stay: some scripts need the zero-width (non-)joiner in names.
    (common.text.clean_text, which every save applies, strips control characters
    but keeps line breaks: for texts of several lines.)"""
    value = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch
                    for ch in str(value or ""))
    return " ".join(value.split())[:max_length]


def find_subscriber(email):
    """The subscriber with this address in any letter case, or None (one query on the
    unique index of lower(email))."""
    return (Subscriber.objects.alias(email_lower=Lower("email"))
            .filter(email_lower=Lower(Value(email.strip()))).first())


def public_lists():
    """The lists offered on the signup forms, in their order (one query)."""
    return list(MailingList.objects.filter(is_public=True))


def _language(code):
    codes = [language for language, _name in settings.LANGUAGES]
    return code if code in codes else settings.LANGUAGE_CODE


def _interval():
    return datetime.timedelta(minutes=settings.NEWSLETTER_MAIL_INTERVAL_MINUTES)


def _records(subscriber, action, mailing_lists, *, source, consent_text, now):
    """The consent log's rows for one action on some lists (None: not about a list)."""
    return ConsentRecord.objects.bulk_create([
        ConsentRecord(subscriber=subscriber, email_hash=email_hash(subscriber.email),
                      mailing_list=mailing_list, action=action,
                      consent_text=str(consent_text or ""),
                      source=str(source or "")[:MAX_SOURCE_LENGTH], created=now)
        for mailing_list in mailing_lists
    ])


# --- Subscribing and confirming -----------------------------------------------------------

def _get_or_create(email, name, language):
    """The subscriber for a normalised address, created if new. Race-safe: the unique
    index on lower(email) decides, never a look-up before an insert alone; a lost race
    (IntegrityError in a savepoint) reads the winner's row."""
    subscriber = find_subscriber(email)
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, name=name, language=language)
    except IntegrityError:
        subscriber = find_subscriber(email)
        if subscriber is None:
            raise
        return subscriber


def _lock(subscriber_id):
    """The subscriber's row, locked until the transaction ends; None if it is gone."""
    return Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()


def subscribe(email, *, name="", lists, language, source, consent_text):
    """Sign `email` up for `lists` (MailingList objects), waiting for confirmation, and
    return the Subscriber.

    The same whatever the address's state, so that no answer tells who subscribes: a list
    already active stays active (and is not logged again); a new, waiting or unsubscribed
    one waits for confirmation, with a consent record (the exact `consent_text` shown and
    the `source` page). Sends nothing: the caller queues the confirmation mail
    (newsletter.tasks.send_confirmation), whatever the address's state. Name and
    language are taken only while the address has never been confirmed: a stranger
    cannot change a confirmed person's details. ValidationError for an address that is
    not one; ValueError without lists."""
    email = normalise_email(email)
    lists = list({mailing_list.pk: mailing_list for mailing_list in lists}.values())
    if not lists:
        raise ValueError("subscribe() needs at least one mailing list")
    name = one_line(name, MAX_NAME_LENGTH)
    language = _language(language)
    now = timezone.now()
    with transaction.atomic():
        subscriber = None
        # A purge may delete an unconfirmed subscriber between the look-up and the lock;
        # then the address is simply new again.
        for _attempt in range(3):
            subscriber = _lock(_get_or_create(email, name, language).pk)
            if subscriber is not None:
                break
        if subscriber is None:
            raise RuntimeError("the subscriber kept disappearing while subscribing")
        if subscriber.confirmed_at is None:
            subscriber.name = name or subscriber.name
            subscriber.language = language
            subscriber.save(update_fields=["name", "language"])
        waiting = []
        for mailing_list in lists:
            subscription, created = Subscription.objects.get_or_create(
                subscriber=subscriber, mailing_list=mailing_list)
            if subscription.status == ACTIVE:
                continue
            if subscription.status == UNSUBSCRIBED:
                # Coming back needs a confirmation again: whoever typed the address may
                # not own it.
                subscription.status = PENDING
                subscription.confirmed_at = subscription.unsubscribed_at = None
                subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
            waiting.append(mailing_list)
        _records(subscriber, Action.SUBSCRIBE, waiting, source=source,
                 consent_text=consent_text, now=now)
    return subscriber


def pending_lists(subscriber):
    return list(MailingList.objects.filter(subscriptions__subscriber=subscriber,
                                           subscriptions__status=PENDING))


def active_lists(subscriber):
    return list(MailingList.objects.filter(subscriptions__subscriber=subscriber,
                                           subscriptions__status=ACTIVE))


def send_confirmation(subscriber):
    """The confirmation mail for what waits, unless one went out within the interval;
    True if this call sent it."""
    waiting = pending_lists(subscriber)
    if not waiting:
        return False
    return _send_throttled("subscription_confirm", subscriber, {
        "lists": waiting,
        "confirm_url": links.confirm_url(subscriber),
        "valid_hours": int(tokens.MAX_AGES["confirm"].total_seconds() // 3600),
        "kept_days": settings.NEWSLETTER_UNCONFIRMED_DAYS,
    })


def send_link(subscriber):
    """'Send me a new link' for an address typed on the manage page: a confirmation mail
    while something waits for confirmation, else a mail with a link to the preference
    centre. Throttled like the confirmation; True if this call sent a mail."""
    if pending_lists(subscriber):
        return send_confirmation(subscriber)
    return _send_throttled("subscription_manage", subscriber, {
        "lists": active_lists(subscriber),
        "manage_url": links.manage_url(subscriber),
        "unsubscribe_url": links.unsubscribe_url(subscriber),
        "valid_days": tokens.MAX_AGES["manage"].days,
    })


def _send_throttled(template, subscriber, context):
    # cache.add is atomic (locmem's lock, Redis' SET NX): of many signups at once, one
    # wins and sends. Released again if the mail server fails, so a retry can send.
    key = f"newsletter:subscription-mail:{template}:{subscriber.pk}"
    if not cache.add(key, True, _interval().total_seconds()):
        return False
    context = {"subscriber": subscriber, "LANGUAGE_CODE": subscriber.language,
               # Until the address is confirmed its name is whatever someone typed with
               # it, perhaps a stranger: no text of theirs is mailed to anyone.
               "greeting_name": subscriber.name if subscriber.confirmed_at else "",
               **context}
    try:
        emails.send(template, subscriber.email, context, language=subscriber.language)
    except emails.MAIL_ERRORS:
        cache.delete(key)
        logger.exception("newsletter mail %s to subscriber %s failed", template,
                         subscriber.pk)
        return False
    return True


def confirm(subscriber, source, consent_text=""):
    """Confirm everything waiting for confirmation (the link in the confirmation mail):
    active from now, logged per list. Returns the lists confirmed by this call, none on
    a second click or for a subscriber that is gone."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(subscriber.pk)
        if locked is None:
            return []
        waiting = list(locked.subscriptions.filter(status=PENDING)
                       .select_related("mailing_list"))
        if not waiting:
            return []
        Subscription.objects.filter(pk__in=[s.pk for s in waiting]).update(
            status=ACTIVE, confirmed_at=now, unsubscribed_at=None)
        # The address counts as confirmed from its first confirmation on.
        locked.confirmed_at = locked.confirmed_at or now
        locked.unsubscribed_at = None
        locked.save(update_fields=["confirmed_at", "unsubscribed_at"])
        confirmed = [s.mailing_list for s in waiting]
        _records(locked, Action.CONFIRM, confirmed, source=source,
                 consent_text=consent_text, now=now)
    return confirmed


# --- The preference centre and leaving ----------------------------------------------------

def offered_lists(subscriber):
    """The lists the preference centre shows: the public ones and any other the person
    is on or waiting for (so they can leave a list no longer offered)."""
    own = Subscription.objects.filter(subscriber=subscriber).exclude(status=UNSUBSCRIBED)
    return list(MailingList.objects.filter(is_public=True)
                | MailingList.objects.filter(pk__in=own.values("mailing_list")))


def _sync_unsubscribed_at(subscriber, now):
    """The subscriber's own `unsubscribed_at`: set while nothing is active or waiting."""
    left_everything = not subscriber.subscriptions.exclude(status=UNSUBSCRIBED).exists()
    if left_everything and subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = now
    elif not left_everything:
        subscriber.unsubscribed_at = None


def update_preferences(subscriber, *, lists, offered, name, language, source,
                       consent_text):
    """Save the preference centre: the `lists` ticked out of those `offered`, the name
    and the language. Whoever holds the signed link from a mail has shown that the
    mailbox is theirs, so a ticked list is active at once (logged as a change with the
    text shown); an unticked one is left (logged as unsubscribing). True if anything
    changed; False also for a subscriber that is gone."""
    wanted = {mailing_list.pk for mailing_list in lists}
    name = one_line(name, MAX_NAME_LENGTH)
    language = _language(language)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(subscriber.pk)
        if locked is None:
            return False
        current = {s.mailing_list_id: s for s in locked.subscriptions.all()}
        joined, left = [], []
        for mailing_list in offered:
            subscription = current.get(mailing_list.pk)
            if mailing_list.pk in wanted:
                if subscription is None:
                    Subscription.objects.create(subscriber=locked, mailing_list=mailing_list,
                                                status=ACTIVE, confirmed_at=now)
                elif subscription.status != ACTIVE:
                    subscription.status = ACTIVE
                    subscription.confirmed_at, subscription.unsubscribed_at = now, None
                    subscription.save(update_fields=["status", "confirmed_at",
                                                     "unsubscribed_at"])
                else:
                    continue
                joined.append(mailing_list)
            elif subscription is not None and subscription.status != UNSUBSCRIBED:
                subscription.status = UNSUBSCRIBED
                subscription.unsubscribed_at = now
                subscription.save(update_fields=["status", "unsubscribed_at"])
                left.append(mailing_list)
        details_changed = (name, language) != (locked.name, locked.language)
        locked.name, locked.language = name, language
        if joined:
            locked.confirmed_at = locked.confirmed_at or now
        _sync_unsubscribed_at(locked, now)
        locked.save(update_fields=["name", "language", "confirmed_at", "unsubscribed_at"])
        _records(locked, Action.CHANGE, joined, source=source, consent_text=consent_text,
                 now=now)
        _records(locked, Action.UNSUBSCRIBE, left, source=source, consent_text="", now=now)
        if details_changed:
            _records(locked, Action.CHANGE, [None], source=source,
                     consent_text=consent_text, now=now)
    return bool(joined or left or details_changed)


def unsubscribe(subscriber, mailing_list=None, *, source, consent_text=""):
    """Leave one list, or every list when `mailing_list` is None, at once and logged per
    list. Harmless to repeat. Returns the lists this call left."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(subscriber.pk)
        if locked is None:
            return []
        leaving = locked.subscriptions.exclude(status=UNSUBSCRIBED).select_related(
            "mailing_list")
        if mailing_list is not None:
            leaving = leaving.filter(mailing_list=mailing_list)
        leaving = list(leaving)
        Subscription.objects.filter(pk__in=[s.pk for s in leaving]).update(
            status=UNSUBSCRIBED, unsubscribed_at=now)
        _sync_unsubscribed_at(locked, now)
        locked.save(update_fields=["unsubscribed_at"])
        left = [s.mailing_list for s in leaving]
        _records(locked, Action.UNSUBSCRIBE, left, source=source, consent_text=consent_text,
                 now=now)
    return left


# --- Personal data: export and erasure ----------------------------------------------------

def _registrations_of(email):
    # Registrations copy the address rather than point to a subscriber.
    return (Registration.objects.alias(email_lower=Lower("email"))
            .filter(email_lower=Lower(Value(email))))


def _consents_of(subscriber):
    # Also the seminar registrations' records, which carry only the hash.
    return (ConsentRecord.objects.filter(subscriber=subscriber)
            | ConsentRecord.objects.filter(email_hash=email_hash(subscriber.email)))


def export_data(subscriber):
    """Everything held about the subscriber's address, as a JSON-ready dict: details,
    subscriptions, the consent log, mailings delivered and seminar registrations."""
    def when(value):
        return value.isoformat() if value else None

    return {
        "exported_at": when(timezone.now()),
        "subscriber": {
            "email": subscriber.email, "name": subscriber.name,
            "language": subscriber.language, "created": when(subscriber.created),
            "confirmed_at": when(subscriber.confirmed_at),
            "unsubscribed_at": when(subscriber.unsubscribed_at),
        },
        "subscriptions": [
            {"mailing_list": s.mailing_list.slug, "mailing_list_name": s.mailing_list.name,
             "status": s.status, "created": when(s.created),
             "confirmed_at": when(s.confirmed_at), "unsubscribed_at": when(s.unsubscribed_at)}
            for s in subscriber.subscriptions.select_related("mailing_list")
            .order_by("created", "pk")
        ],
        "consent_log": [
            {"time": when(c.created), "action": c.action,
             "mailing_list": c.mailing_list.slug if c.mailing_list else None,
             "source": c.source, "consent_text": c.consent_text}
            for c in _consents_of(subscriber).select_related("mailing_list")
            .order_by("created", "pk")
        ],
        "deliveries": [
            {"mailing": d.mailing.subject, "status": d.status, "attempts": d.attempts,
             "sent_at": when(d.sent_at), "error": d.error}
            for d in subscriber.deliveries.select_related("mailing").order_by("pk")
        ],
        "seminar_registrations": [
            {"seminar": r.seminar.title, "seminar_starts": when(r.seminar.starts_at),
             "name": r.name, "email": r.email, "organisation": r.organisation,
             "language": r.language, "status": r.status, "created": when(r.created),
             "cancelled_at": when(r.cancelled_at), "promoted_at": when(r.promoted_at),
             "reminded_at": when(r.reminded_at),
             "address_confirmed_at": when(r.address_confirmed_at)}
            for r in _registrations_of(subscriber.email).select_related("seminar")
            .order_by("created", "pk")
        ],
    }


def _scrub_history(objects):
    """The admin's change log names each object (an address, a name): the entries stay,
    for who did what and when, without the object's name. (No personal data is kept in
    version history: common.admin_base.HistoryAdmin versions only content.)"""
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).update(
            object_repr=f"({content_type.model} {obj.pk}, erased)", change_message="")


def erase(subscriber):
    """Erase everything held about the subscriber's address: the subscriber with their
    subscriptions and deliveries, the seminar registrations with the same address (a
    place they held goes to the waiting list first, who are told) and the copies in the
    admin's history. The consent log keeps its rows with only the address's hash, plus
    one row recording the erasure. Returns what was erased, counted."""
    email = subscriber.email
    # Through the registration rules, each in its own transaction, before the erasure:
    # a freed place goes to the next person waiting.
    for registration_id in (_registrations_of(email).exclude(status=registrations.CANCELLED)
                            .values_list("pk", flat=True)):
        try:
            registrations.cancel(registration_id)
        except Registration.DoesNotExist:
            pass
    with transaction.atomic():
        locked = _lock(subscriber.pk)
        held = list(_registrations_of(email))
        counts = {"subscribers": 0, "subscriptions": 0, "deliveries": 0,
                  "registrations": len(held),
                  "consent_records_kept": _consents_of(subscriber).count()}
        objects = list(held)
        if locked is not None:
            subscriptions = list(locked.subscriptions.all())
            counts.update(subscribers=1, subscriptions=len(subscriptions),
                          deliveries=locked.deliveries.count())
            objects += [locked, *subscriptions]
        _scrub_history(objects)
        Registration.objects.filter(pk__in=[r.pk for r in held]).delete()
        if locked is not None:
            # Subscriptions and deliveries go with it (CASCADE); its consent records stay
            # with the hash only (SET_NULL).
            locked.delete()
        ConsentRecord.objects.create(email_hash=email_hash(email), action=Action.ERASE)
    return counts


# --- Housekeeping -------------------------------------------------------------------------

def purge_unconfirmed(days, batch_size=500):
    """Delete what nobody confirmed: subscriptions waiting for longer than `days` since
    their last signup, then subscribers never confirmed with nothing left active or
    waiting. Returns (subscriptions deleted, subscribers deleted)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    recent_signup = ConsentRecord.objects.filter(
        subscriber=OuterRef("subscriber"), mailing_list=OuterRef("mailing_list"),
        action=Action.SUBSCRIBE, created__gte=cutoff)
    stale = (Subscription.objects.filter(status=PENDING, created__lt=cutoff)
             .exclude(Exists(recent_signup)))
    live = Subscription.objects.filter(subscriber=OuterRef("pk")).exclude(status=UNSUBSCRIBED)
    forgotten = (Subscriber.objects.filter(confirmed_at__isnull=True, created__lt=cutoff)
                 .exclude(Exists(live)))
    candidates = sorted(set(stale.values_list("subscriber_id", flat=True))
                        | set(Subscriber.objects.filter(confirmed_at__isnull=True,
                                                        created__lt=cutoff)
                              .values_list("pk", flat=True)))
    deleted_subscriptions = deleted_subscribers = 0
    for start in range(0, len(candidates), batch_size):
        with transaction.atomic():
            # Under each subscriber's lock, as every signup works: a signup in progress
            # is skipped (it is fresh anyway), and one that got there first has
            # committed, so the checks below (new statements) see its consent record.
            locked = list(Subscriber.objects.filter(pk__in=candidates[start:start + batch_size])
                          .order_by("pk").select_for_update(skip_locked=True)
                          .values_list("pk", flat=True))
            count, _ = stale.filter(subscriber_id__in=locked).delete()
            deleted_subscriptions += count
            _, deleted = forgotten.filter(pk__in=locked).delete()
            deleted_subscribers += deleted.get(Subscriber._meta.label, 0)
    return deleted_subscriptions, deleted_subscribers

"""The rules of sending a mailing: recipients, content per language, queueing, batches.

How "exactly one copy" holds. Queueing makes one Delivery row per recipient. A worker
sends a row inside one short transaction: it claims the row (pending → sent, taking its
row lock; a second worker skips a locked row on PostgreSQL and finds it no longer pending
otherwise), hands the message to the mail server, and commits. A worker killed before
the commit leaves the row pending, and the resumed mailing (send_mailing) sends it
then: nobody is skipped and no committed row is ever sent again. The one window left is
between the mail server accepting the message and the commit reaching the database (a
crash or a lost database connection in those microseconds): that one recipient may get
a second copy. We chose it over the opposite (commit first, then send), whose window is
the whole conversation with the mail server and which loses the mail instead.
"""

import dataclasses
import datetime
import logging
import time

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus, task

from . import emails, links
from . import markdown as markup
from .models import Delivery, Mailing, Subscriber, Subscription

logger = logging.getLogger(__name__)

PENDING = Delivery.Status.PENDING
SENT = Delivery.Status.SENT
FAILED = Delivery.Status.FAILED

# A recipient whose mail the server refused this many times is given up as failed: with
# the growing waits between tries (retry_delay), the last comes a quarter of an hour after
# the first (by default: 1, 2, 4 and 8 minutes apart).
MAX_ATTEMPTS = 5
# This many failures in a row and the mail server is taken to be down: the batch stops and
# the mailing carries on later (retry_delay), rather than spending every recipient's
# attempts on a dead server.
FAILURES_IN_A_ROW = 5
# Waits grow by doubling this many times at most: 1 to 16 minutes by default.
MAX_DOUBLINGS = 4
ERROR_LENGTH = 1000

TEMPLATE = "mailing"


class CannotQueue(Exception):
    """Why a mailing cannot be sent; the message is for staff."""


@dataclasses.dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    # Rows another worker held or had sent already.
    skipped: int = 0
    # Rows whose subscriber left the lists after the mailing was queued.
    dropped: int = 0
    # Stopped early: the mail server failed FAILURES_IN_A_ROW times in a row.
    server_down: bool = False


@dataclasses.dataclass(frozen=True)
class Next:
    """What follows a batch: another batch of `retry_round`, `delay` from now. `outages`
    counts the batches in a row that stopped because the mail server seemed down."""

    retry_round: int
    delay: datetime.timedelta | None = None
    outages: int = 0


def retry_delay(times):
    """The wait before trying again after `times` earlier waits for the same trouble:
    NEWSLETTER_RETRY_AFTER, then twice as long each time, at most 2**MAX_DOUBLINGS times
    as long. Soon after a short outage, without hammering a server that stays away."""
    return settings.NEWSLETTER_RETRY_AFTER * 2 ** min(times, MAX_DOUBLINGS)


# --- Who gets it ----------------------------------------------------------------------

def recipient_ids(mailing):
    """The subscribers to send to: active on at least one of the mailing's lists, each
    once however many of the lists they are on."""
    return (Subscription.objects
            .filter(mailing_list__mailings=mailing, status=Subscription.Status.ACTIVE)
            # Ordered by the selected column alone: Meta.ordering would spoil DISTINCT.
            .values_list("subscriber_id", flat=True).order_by("subscriber_id").distinct())


def check_sendable(mailing):
    """Raise CannotQueue if the mailing cannot go out as it is."""
    if mailing.status != Mailing.Status.DRAFT:
        raise CannotQueue(_("This mailing has been sent or queued for sending already."))
    if not mailing.mailing_lists.exists():
        raise CannotQueue(_("Choose at least one mailing list."))
    if mailing.seminar is not None and not mailing.seminar.published:
        raise CannotQueue(_("The seminar is not published, so its page would not open "
                            "from the invitation. Publish it first."))
    if not recipient_ids(mailing).exists():
        raise CannotQueue(_("The chosen lists have no active subscribers."))


def queue(mailing_id):
    """Queue a draft for sending: one pending delivery per recipient and the sending task,
    all in one transaction. Returns the number of recipients; CannotQueue if the mailing
    is no longer a draft (a second click) or cannot be sent."""
    with transaction.atomic():
        # The row lock makes a double click wait for the first to commit, then find the
        # mailing queued. (SQLite has no row locks; there the unique constraint on
        # deliveries is the last line: a second set is refused, never stored.)
        mailing = (Mailing.objects.select_for_update(of=("self",)).select_related("seminar")
                   .get(pk=mailing_id))
        check_sendable(mailing)
        ids = list(recipient_ids(mailing))
        Delivery.objects.bulk_create(
            [Delivery(mailing=mailing, subscriber_id=pk) for pk in ids], batch_size=1000)
        mailing.status = Mailing.Status.QUEUED
        mailing.queued_at = timezone.now()
        mailing.save(update_fields=["status", "queued_at"])
        # In the same transaction: with the database backend the task row commits with
        # the deliveries, so a mailing is never queued without its task or vice versa.
        send_mailing.enqueue(mailing.pk)
    return len(ids)


# --- What it says ---------------------------------------------------------------------

def languages(mailing):
    """The languages the mailing is written in: Swedish, and English if it has a body."""
    return ["sv", "en"] if (mailing.body_en or "").strip() else ["sv"]


def mail_language(mailing, language):
    """A subscriber's language if the mailing is written in it, otherwise Swedish."""
    return language if language in languages(mailing) else settings.LANGUAGE_CODE


def _content(mailing, language, cache):
    """Subject and body in one language, rendered once per batch and language."""
    if language not in cache:
        body = getattr(mailing, f"body_{language}", "") or mailing.body_sv
        cache[language] = {
            "subject": getattr(mailing, f"subject_{language}", "") or mailing.subject_sv,
            # Sanitised by nh3: safe to put into the HTML part as it is.
            "body_html": mark_safe(markup.to_html(body)),  # noqa: S308
            "body_text": markup.to_text(body),
        }
        if mailing.seminar is not None:
            with translation.override(language):
                cache[language]["seminar_url"] = emails.absolute(
                    mailing.seminar.get_absolute_url())
    return cache[language]


def build_message(mailing, subscriber, lists, *, cache=None, connection=None, test=False):
    """The mail for one subscriber, in their language (or Swedish), with one-click
    unsubscribe headers (RFC 8058) for a real send. `lists` are the mailing's lists the
    subscriber is on: the footer names them, and the unsubscribe link leaves that list, or
    every list when they get the mailing through several (the link carries one list or
    all, and a one-click unsubscribe must stop this mail coming)."""
    language = mail_language(mailing, subscriber.language)
    unsubscribe = links.unsubscribe_url(subscriber, lists[0] if len(lists) == 1 else None)
    with translation.override(language):
        list_names = ", ".join(str(mailing_list.name) for mailing_list in lists)
    context = {
        **_content(mailing, language, {} if cache is None else cache),
        "mailing": mailing,
        "seminar": mailing.seminar,
        "list_names": list_names,
        "manage_url": links.manage_url(subscriber),
        "unsubscribe_url": unsubscribe,
        "test": test,
        # The mail's <html lang>: no request, so no context processor sets it.
        "LANGUAGE_CODE": language,
    }
    headers = {} if test else links.list_unsubscribe_headers(unsubscribe)
    return emails.build(TEMPLATE, subscriber.email, context, language=language,
                        headers=headers, connection=connection)


def sample_messages(mailing, email, *, test=True):
    """The mailing as a subscriber at `email` would get it, once per language it is
    written in: for the preview and the test mail. The footer's links are for a
    stand-in subscriber and lead nowhere."""
    lists = list(mailing.mailing_lists.all())
    cache = {}
    return {language: build_message(mailing, Subscriber(email=email, language=language),
                                    lists, cache=cache, test=test)
            for language in languages(mailing)}


def send_test(mailing, email):
    """Send the mailing to one staff address, once per language; mail errors propagate."""
    messages = list(sample_messages(mailing, email).values())
    with get_connection() as connection:
        connection.send_messages(messages)
    return len(messages)


# --- Sending --------------------------------------------------------------------------

def _due(mailing_id, retry_round):
    """The rows of a round: pending and tried at most `retry_round` times, in order."""
    return (Delivery.objects.filter(mailing_id=mailing_id, status=PENDING,
                                    attempts__lte=retry_round).order_by("pk"))


def is_sending(mailing_id):
    return Mailing.objects.filter(
        pk=mailing_id, status__in=[Mailing.Status.QUEUED, Mailing.Status.SENDING]).exists()


def send_batch(mailing_id, retry_round=0):
    """Send the next batch of a mailing's due rows over one mail-server connection; None
    if the mailing is not (or no longer) being sent."""
    mailing = (Mailing.objects.select_related("seminar")
               .filter(pk=mailing_id, status__in=[Mailing.Status.QUEUED,
                                                  Mailing.Status.SENDING]).first())
    if mailing is None:
        return None
    Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.QUEUED).update(
        status=Mailing.Status.SENDING)
    batch = list(_due(mailing_id, retry_round).select_related("subscriber")
                 [:settings.NEWSLETTER_BATCH_SIZE])
    lists_of = _lists_of(mailing, [delivery.subscriber_id for delivery in batch])
    # Half the resume delay at most, so a batch is over before a stand-in for it
    # (send_mailing, below) could start.
    deadline = time.monotonic() + settings.NEWSLETTER_RESUME_AFTER.total_seconds() / 2
    outcome = BatchOutcome()
    cache = {}
    failures_in_a_row = 0
    with get_connection() as connection:
        for delivery in batch:
            if time.monotonic() > deadline:
                break
            lists = lists_of.get(delivery.subscriber_id)
            if not lists:
                # Left the lists since the mailing was queued: they do not get it, and
                # the progress counts only those who do.
                Delivery.objects.filter(pk=delivery.pk, status=PENDING).delete()
                outcome.dropped += 1
                continue
            message = build_message(mailing, delivery.subscriber, lists, cache=cache,
                                    connection=connection)
            result = _deliver(delivery, message, connection)
            setattr(outcome, result, getattr(outcome, result) + 1)
            failures_in_a_row = failures_in_a_row + 1 if result == "failed" else 0
            if failures_in_a_row >= FAILURES_IN_A_ROW:
                outcome.server_down = True
                break
    return outcome


def _lists_of(mailing, subscriber_ids):
    """subscriber id -> the mailing's lists they are still active on (two queries)."""
    lists = {mailing_list.pk: mailing_list for mailing_list in mailing.mailing_lists.all()}
    lists_of = {}
    for subscriber_id, list_id in (Subscription.objects
                                   .filter(subscriber_id__in=subscriber_ids,
                                           mailing_list_id__in=list(lists),
                                           status=Subscription.Status.ACTIVE)
                                   .order_by("mailing_list__sort_order", "mailing_list_id")
                                   .values_list("subscriber_id", "mailing_list_id")):
        lists_of.setdefault(subscriber_id, []).append(lists[list_id])
    return lists_of


def _deliver(delivery, message, connection):
    """Claim one row, send its message, commit: "sent", "failed" or "skipped"."""
    rows = Delivery.objects.filter(pk=delivery.pk, status=PENDING,
                                   attempts=delivery.attempts)
    attempts = delivery.attempts + 1
    with transaction.atomic():
        if db_connection.features.has_select_for_update_skip_locked:
            # Another worker sending this row right now holds its lock: leave it to them.
            if rows.select_for_update(skip_locked=True).values_list("pk").first() is None:
                return "skipped"
        # The claim: marked sent before the send, visible to others only at the commit
        # right after it. A crash in between rolls it back to pending.
        if not rows.update(status=SENT, sent_at=timezone.now(), attempts=attempts,
                           error=""):
            return "skipped"
        try:
            message.send()
        except emails.MAIL_ERRORS as error:
            # A connection that failed may be broken: the next message opens a new one.
            connection.close()
            Delivery.objects.filter(pk=delivery.pk).update(
                status=FAILED if attempts >= MAX_ATTEMPTS else PENDING, sent_at=None,
                error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH])
            return "failed"
    return "sent"


def after_batch(mailing_id, retry_round, outcome, outages=0):
    """What follows a batch: the rest of this round, the next round of retries, or, with
    nothing left to try, the end: the mailing is marked sent and None returned.

    The rest of a round follows at once, unless the mail server seems down: then after
    retry_delay(n) for its n-th such stop in a row (`outages` before this batch). Round r
    of retries starts retry_delay(r - 1) after the end of the round before (or later, if
    the server seems down as well)."""
    if outcome is None:
        return None
    outages = outages + 1 if outcome.server_down else 0
    server_wait = retry_delay(outages - 1) if outages else None
    if _due(mailing_id, retry_round).exists():
        return Next(retry_round, server_wait, outages)
    if Delivery.objects.filter(mailing_id=mailing_id, status=PENDING).exists():
        return Next(retry_round + 1, max(retry_delay(retry_round),
                                         server_wait or datetime.timedelta(0)), outages)
    finish(mailing_id)
    return None


def finish(mailing_id):
    """Mark the mailing sent once no row is pending (a no-op if it is already)."""
    pending = Delivery.objects.filter(mailing=OuterRef("pk"), status=PENDING)
    return (Mailing.objects
            .filter(pk=mailing_id, status__in=[Mailing.Status.QUEUED,
                                               Mailing.Status.SENDING])
            .filter(~Exists(pending))
            .update(status=Mailing.Status.SENT, finished_at=timezone.now()))


def with_progress(queryset):
    """Mailings with `total`, `sent_count` and `failed_count` of their deliveries."""
    return queryset.annotate(
        total=Count("deliveries"),
        sent_count=Count("deliveries", filter=Q(deliveries__status=SENT)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=FAILED)),
    )


# --- The task ---------------------------------------------------------------------------
# The worker is `python manage.py db_worker`. Each run of send_mailing sends one batch and
# queues the next, so a worker told to stop (SIGTERM) finishes its batch and leaves the
# rest queued for the next start. A worker killed outright (SIGKILL, a crash, a lost
# machine) leaves its task "running" for ever: the database backend never runs it again.
# So before each batch the task queues a stand-in for itself, due NEWSLETTER_RESUME_AFTER
# later, and withdraws it when the batch is done. If the worker dies mid-batch, the
# stand-in comes due and a restarted (or another) worker carries on with the rows still
# pending; rows are claimed one by one (send_batch), so even a stand-in that starts while
# the first run is alive sends nobody a second copy. The dead run's record stays
# "running"; the daily prune (manage.py prune_task_results) removes it once the mailing is
# no longer being sent.

@task()
def send_mailing(mailing_id, retry_round=0, outages=0):
    """Send a batch of the mailing's pending deliveries and queue what follows (see
    after_batch() for the round and the mail server's outages)."""
    backend = send_mailing.get_backend()
    # Without a queue to come back through (TASKS_BACKEND=immediate, as some tests and a
    # newcomer's machine use), the whole mailing goes out in this call, retries at once.
    queued = backend.supports_defer
    while is_sending(mailing_id):
        stand_in = _enqueue(mailing_id, retry_round, outages,
                            settings.NEWSLETTER_RESUME_AFTER) if queued else None
        outcome = send_batch(mailing_id, retry_round)
        logger.info("mailing %s round %s: %s", mailing_id, retry_round, outcome)
        following = after_batch(mailing_id, retry_round, outcome, outages)
        if queued:
            # The next batch before withdrawing the stand-in: a crash in between leaves
            # one of them, never neither.
            if following is not None:
                _enqueue(mailing_id, following.retry_round, following.outages,
                         following.delay)
            _withdraw(stand_in)
            return
        if following is None:
            return
        retry_round, outages = following.retry_round, following.outages


def _enqueue(mailing_id, retry_round, outages, delay=None):
    runner = send_mailing
    if delay is not None:
        runner = send_mailing.using(run_after=timezone.now() + delay)
    return runner.enqueue(mailing_id, retry_round, outages)


def _withdraw(result):
    """Delete a queued stand-in that is no longer needed. Only the database backend
    can (its queue is a table); a stand-in that has started already is left to run and
    finds nothing to do or carries on safely."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(send_mailing.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=result.id, status=TaskResultStatus.READY).delete()

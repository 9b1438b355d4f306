"""Background tasks (django-tasks): sending a mailing, one batch per task run; and the
mails the public forms ask for, and those of seminar places that follow (a place confirmed,
moving up from the waiting list), so that a page answers as fast whatever the address
typed (a mail sent inside the request took measurably longer for a known address) and no
request waits on the mail server (gunicorn kills a worker after 30 s).

The worker is `python manage.py db_worker`. Each run of `send_mailing` sends one batch and
queues the next, so a worker told to stop (SIGTERM) finishes its batch and leaves the rest
queued for the next start. A worker killed outright (SIGKILL, a crash, a lost machine)
leaves its task "running" for ever: the database backend never runs it again. So before
each batch the task queues a stand-in for itself, due NEWSLETTER_RESUME_AFTER later, and
withdraws it when the batch is done. If the worker dies mid-batch, the stand-in comes due
and a restarted (or another) worker carries on with the rows still pending; rows are
claimed one by one (newsletter.sending), so even a stand-in that starts while the first
run is alive sends nobody a second copy. The dead run's record stays "running"; the daily
prune (manage.py prune_task_results) removes it once the mailing is no longer being sent.
"""

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from . import registrations, sending, subscriptions
from .models import Mailing, Subscriber

logger = logging.getLogger(__name__)


@task()
def send_mailing(mailing_id, retry_round=0, outages=0):
    """Send a batch of the mailing's pending deliveries and queue what follows (see
    newsletter.sending.after_batch for the round and the mail server's outages)."""
    backend = send_mailing.get_backend()
    # Without a queue to come back through (TASKS_BACKEND=immediate, as some tests and a
    # newcomer's machine use), the whole mailing goes out in this call, retries at once.
    queued = backend.supports_defer
    while sending.is_sending(mailing_id):
        stand_in = _enqueue(mailing_id, retry_round, outages,
                            settings.NEWSLETTER_RESUME_AFTER) if queued else None
        outcome = sending.send_batch(mailing_id, retry_round)
        logger.info("mailing %s round %s: %s", mailing_id, retry_round, outcome)
        following = sending.after_batch(mailing_id, retry_round, outcome, outages)
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


def abandoned_runs(backend_alias):
    """The records of runs whose worker was killed outright, in the database backend
    `backend_alias`: still marked running, and started more than twice
    NEWSLETTER_RESUME_AFTER ago; for send_mailing, only once its mailing is no longer
    being sent (a stand-in carried it on and finished it, or staff deleted it). A live
    mailing run stops sending after half of that (newsletter.sending.send_batch), and the
    form mails' runs last one mail (EMAIL_TIMEOUT at most), so none of these can still be
    at work."""
    from django_tasks_db.models import DBTaskResult

    started_before = timezone.now() - 2 * settings.NEWSLETTER_RESUME_AFTER
    runs = DBTaskResult.objects.running().filter(backend_name=backend_alias,
                                                 started_at__lt=started_before)
    being_sent = set(Mailing.objects.filter(
        status__in=[Mailing.Status.QUEUED, Mailing.Status.SENDING]).values_list("pk", flat=True))
    return [run.pk for run in runs if run.task_path != send_mailing.module_path
            or _mailing_of(run) not in being_sent]


def _mailing_of(run):
    arguments = run.args_kwargs
    return arguments["args"][0] if arguments["args"] else arguments["kwargs"]["mailing_id"]


# --- Mails the public forms ask for ----------------------------------------------------
# Queued with a record's id, never an address: the queue is a table that outlives the
# request, and an address typed by a stranger has no business there.

@task()
def send_confirmation(subscriber_id):
    """After a signup: the confirmation mail if anything waits for it (throttled)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None:
        subscriptions.send_confirmation(subscriber)


@task()
def send_link(subscriber_id):
    """'Send me my link': queued for every valid request, with None for an address we do
    not know, so that the request does the same work either way; only the worker learns
    which it was."""
    if subscriber_id is None:
        return
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None:
        subscriptions.send_link(subscriber)


@task()
def send_registration_mail(registration_id):
    """After registering for a seminar, new or again: the person's mail (throttled)."""
    registrations.send_registration_mail(registration_id)


@task()
def send_place_mail(registration_id, attempt=1):
    """A seminar place has become the person's (confirmed with one, or moved up): their
    mail. If the mail server fails, tried again after the waits a mailing uses
    (sending.retry_delay), sending.MAX_ATTEMPTS times in all, where the queue can wait:
    this mail is how they learn the place is theirs."""
    if registrations.send_place_mail(registration_id) or attempt >= sending.MAX_ATTEMPTS:
        return
    if send_place_mail.get_backend().supports_defer:
        later = timezone.now() + sending.retry_delay(attempt - 1)
        send_place_mail.using(run_after=later).enqueue(registration_id, attempt + 1)


@task()
def release_expired_holds(seminar_id):
    """Due when a registration's hold runs out (queued by registrations.register): the
    seminar's registrations nobody confirmed in time are released and its waiting list
    moves up. Nothing to do if it was confirmed or cancelled meanwhile."""
    registrations.release_expired(seminar_id)

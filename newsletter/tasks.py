"""Background tasks (django-tasks) that the pages queue: the mails the public forms ask
for, so that a page answers as fast whatever the address typed (a mail sent inside the
request took measurably longer for a known address) and no request waits on the mail
server (gunicorn kills a worker after 30 s); and the pruning of dead runs' records.

The tasks that the rules themselves queue live beside them, so that those modules need
not import this one, which imports them: a mailing's batches (newsletter.sending), and a
seminar place's mail and the end of a hold (newsletter.registrations).
"""

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import registrations, subscriptions
from .models import Mailing, Subscriber
# Rows queued before these tasks moved beside the rules that queue them still name them
# here (the queue stores a task's import path): they must run after the deploy.
from .registrations import release_expired_holds, send_place_mail  # noqa: F401
from .sending import send_mailing

logger = logging.getLogger(__name__)

# The sending task's path, and the one it had before it moved to newsletter.sending.
MAILING_TASK_PATHS = {send_mailing.module_path, "newsletter.tasks.send_mailing"}


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
    return [run.pk for run in runs if run.task_path not in MAILING_TASK_PATHS
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

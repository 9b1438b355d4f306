"""The daily prune of task records: a run whose worker was killed outright stays marked
"running" for ever (nothing is left to mark it finished); once its mailing has been carried
on and sent, the daily prune removes it, along with finished records as old as
django-tasks-db's prune removes them."""

import datetime

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from newsletter import sending
from newsletter.models import Mailing
from tests.factories import MailingFactory, MailingListFactory, SubscriptionFactory
from tests.newsletter.task_queue import TASK_PATH, run_queue, run_task

pytestmark = pytest.mark.django_db

DAILY_PRUNE = "prune_task_results"


def queued_mailing(count):
    mailing_list = MailingListFactory()
    SubscriptionFactory.create_batch(count, mailing_list=mailing_list, status="active")
    mailing = MailingFactory(mailing_lists=[mailing_list])
    sending.queue(mailing.pk)
    return mailing


def killed_mid_batch(monkeypatch):
    """The worker takes the queued run and is killed while sending (SIGKILL, a crash, a
    lost machine): nothing after that happens, its run stays marked running."""
    def killed(*args):
        raise SystemExit("killed")

    due = DBTaskResult.objects.ready().get(task_path=TASK_PATH)
    with monkeypatch.context() as patched:
        patched.setattr(sending, "send_batch", killed)
        with pytest.raises(SystemExit):
            run_task(due, worker_id="killed-worker")
    due.refresh_from_db()
    assert due.status == "RUNNING"
    return due


def statuses():
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


def test_the_daily_prune_removes_a_killed_run_once_its_mailing_is_sent(clock, monkeypatch):
    mailing = queued_mailing(3)
    killed = killed_mid_batch(monkeypatch)

    # Before the stand-in has carried the mailing on, the run is left alone (with the
    # stand-in waiting): it is what tells that something went wrong.
    clock.now += datetime.timedelta(minutes=2)
    call_command(DAILY_PRUNE, verbosity=0)
    assert statuses() == ["READY", "RUNNING"]

    run_queue(clock)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert statuses() == ["RUNNING", "SUCCESSFUL"]

    clock.now += datetime.timedelta(hours=3)
    call_command(DAILY_PRUNE, verbosity=0)
    assert not DBTaskResult.objects.filter(pk=killed.pk).exists()
    # The stand-in's finished record stays for the usual 14 days, as with
    # prune_db_task_results.
    assert statuses() == ["SUCCESSFUL"]
    clock.now += datetime.timedelta(days=15)
    call_command(DAILY_PRUNE, verbosity=0)
    assert statuses() == []


def test_a_run_of_a_mailing_still_being_sent_is_kept(clock, monkeypatch):
    # Killed, and no worker has carried it on since: still being sent a day later.
    queued_mailing(3)
    killed_mid_batch(monkeypatch)
    clock.now += datetime.timedelta(days=1)
    call_command(DAILY_PRUNE, verbosity=0)
    assert statuses() == ["READY", "RUNNING"]


def test_a_dry_run_removes_nothing_and_says_what_it_would(clock, monkeypatch, capsys):
    queued_mailing(3)
    killed_mid_batch(monkeypatch)
    run_queue(clock)
    clock.now += datetime.timedelta(hours=3)
    call_command(DAILY_PRUNE, "--dry-run")
    assert "Would delete 1 run(s) left marked running" in capsys.readouterr().out
    assert statuses() == ["RUNNING", "SUCCESSFUL"]


def test_a_killed_run_of_a_form_mail_is_removed_once_it_cannot_be_at_work(clock, monkeypatch):
    # "Send me my link", killed while it talked to the mail server.
    from newsletter import subscriptions, tasks
    from tests.factories import SubscriberFactory

    tasks.send_link.enqueue(SubscriberFactory().pk)
    due = DBTaskResult.objects.ready().get(task_path=tasks.send_link.module_path)

    def killed(*args):
        raise SystemExit("killed")

    with monkeypatch.context() as patched:
        patched.setattr(subscriptions, "send_link", killed)
        with pytest.raises(SystemExit):
            run_task(due, worker_id="killed-worker")

    clock.now += datetime.timedelta(minutes=2)
    call_command(DAILY_PRUNE, verbosity=0)
    assert statuses() == ["RUNNING"]
    clock.now += datetime.timedelta(hours=3)
    call_command(DAILY_PRUNE, verbosity=0)
    assert statuses() == []

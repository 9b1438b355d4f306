"""Running the task queue as the worker does (the database backend's rows, due ones first),
on a clock that jumps to the next task that is due, so hours of waiting take no time."""

import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

TASK_PATH = "newsletter.sending.send_mailing"


class Clock:
    """The time as the portal sees it (django.utils.timezone.now), moved on by the test
    (the `clock` fixture puts it in place)."""

    def __init__(self):
        self.now = timezone.now()


def run_task(due, worker_id="test-worker"):
    """Run one queued task as the worker does: claimed, called, marked successful."""
    due.claim(worker_id)
    due.task.call(*due.args_kwargs["args"], **due.args_kwargs["kwargs"])
    due.set_successful(None)


def run_due():
    """Run every task that is due now, and those they queue that are due at once, as
    the worker would; tasks due later stay queued."""
    while (due := DBTaskResult.objects.ready().first()) is not None:
        run_task(due)


def run_queue(clock, at_most=datetime.timedelta(days=1), task_path=TASK_PATH):
    """Run the tasks of `task_path` (the mailings'; None: every task), each when it is
    due, until none is left; the clock moves on to each next one."""
    started = clock.now
    tasks = DBTaskResult.objects.all()
    if task_path:
        tasks = tasks.filter(task_path=task_path)
    while True:
        due = tasks.ready().first()
        if due is not None:
            run_task(due)
            continue
        following = tasks.filter(status="READY").order_by("run_after").first()
        if following is None:
            return
        clock.now = following.run_after
        assert clock.now - started < at_most, "the tasks never end"

"""manage.py prune_task_results: the daily prune of background-task records."""

from django_tasks_db.management.commands import prune_db_task_results
from django_tasks_db.models import DBTaskResult

from newsletter import tasks


class Command(prune_db_task_results.Command):
    """django-tasks-db's prune_db_task_results (the same options), which removes only
    finished records, and before it the runs that a worker killed outright left marked
    running for ever, once none can still be at work (a mailing's: once it has been sent;
    newsletter.tasks.abandoned_runs)."""

    help = (
        "Delete finished task records older than --min-age-days (as prune_db_task_results), "
        "and the records of runs whose worker was killed, left marked running (a mailing's "
        "once the mailing is no longer being sent). Run it once a day; running it again is "
        "harmless."
    )

    def handle(self, *, backend, dry_run, verbosity, **options):
        abandoned = tasks.abandoned_runs(backend.alias)
        if dry_run:
            message = f"Would delete {len(abandoned)} run(s) left marked running"
        else:
            DBTaskResult.objects.filter(pk__in=abandoned).delete()
            message = f"Deleted {len(abandoned)} run(s) left marked running"
        if verbosity:
            self.stdout.write(f"{message} by a worker that was killed.")
        super().handle(backend=backend, dry_run=dry_run, verbosity=verbosity, **options)

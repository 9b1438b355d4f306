"""manage.py send_seminar_reminders: the reminder mail the day before a seminar, once."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter import registrations


class Command(BaseCommand):
    help = (
        "Mail a reminder, with the place or online link, to everyone with a place in a "
        "seminar starting in 24 to 48 hours. Run it once a day (cron or a systemd timer); "
        "running it twice, or two at once, is harmless: each person is reminded once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Say how many reminders are due; send nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        due = list(registrations.registrations_to_remind(now))
        if dry_run:
            self.stdout.write(f"{len(due)} seminar reminder(s) due; nothing sent (--dry-run).")
            return
        results = Counter()
        for number, registration in enumerate(due, start=1):
            result = registrations.send_reminder(registration, now)
            results[result] += 1
            if verbosity > 1:
                self.stdout.write(f"{number}/{len(due)}: registration {registration.pk} "
                                  f"{result}")
        self.stdout.write(f"Sent {results[registrations.REMINDER_SENT]} seminar reminder(s).")
        if results[registrations.REMINDER_FAILED]:
            # A non-zero exit, so cron or systemd reports it; those reminders are left
            # unmarked and the next run tries them again.
            raise CommandError(f"{results[registrations.REMINDER_FAILED]} reminder(s) could "
                               "not be sent (see the log); the next run tries them again.")

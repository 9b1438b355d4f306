"""manage.py release_unconfirmed_registrations: give up the seminar places nobody confirmed."""

from django.conf import settings
from django.core.management.base import BaseCommand

from newsletter import registrations


class Command(BaseCommand):
    help = (
        "Release seminar registrations from the public form that nobody confirmed within "
        f"SEMINAR_REGISTRATION_HOLD_HOURS (now {settings.SEMINAR_REGISTRATION_HOLD_HOURS}): "
        "they are deleted, and the places they held go to the waiting list, who are "
        "mailed. The worker does this when each hold ends, and the portal whenever "
        "someone registers, confirms or cancels; run this hourly (cron or a systemd "
        "timer) as the backstop for holds whose release did not run (the worker was "
        "down, or TASKS_BACKEND=immediate). Running it again is harmless."
    )

    def handle(self, *args, **options):
        released, moved_up = registrations.release_unconfirmed()
        people = "person" if moved_up == 1 else "people"
        self.stdout.write(f"Released {released} unconfirmed seminar registration(s); "
                          f"{moved_up} {people} moved up from a waiting list.")

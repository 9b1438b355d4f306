"""manage.py purge_unconfirmed: delete newsletter signups nobody confirmed in time."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsletter import subscriptions


class Command(BaseCommand):
    help = (
        "Delete subscriptions still waiting for confirmation N days after their last "
        "signup, and the addresses never confirmed that have nothing left. Run it once a "
        "day (cron or a systemd timer); running it again is harmless. The consent log "
        "keeps its records with only a hash of the address."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, metavar="N",
            help=f"Days a signup may wait (default NEWSLETTER_UNCONFIRMED_DAYS, now "
                 f"{settings.NEWSLETTER_UNCONFIRMED_DAYS}).")

    def handle(self, *args, days=None, **options):
        days = settings.NEWSLETTER_UNCONFIRMED_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        deleted_subscriptions, deleted_subscribers = subscriptions.purge_unconfirmed(days)
        self.stdout.write(
            f"Deleted {deleted_subscriptions} unconfirmed subscription(s) and "
            f"{deleted_subscribers} unconfirmed subscriber(s) older than {days} day(s).")

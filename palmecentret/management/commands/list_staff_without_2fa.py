"""List the active staff who have not set up two-factor login, so they can be chased."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "List active staff users and superusers without a confirmed authenticator-app "
        "(TOTP) device: one per line with username, e-mail and last login, then a summary. "
        "Until they set one up, their password alone lets them in to enrol a device."
    )

    def handle(self, *args, **options):
        user_model = get_user_model()
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        users = (
            user_model.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
            .filter(~Exists(confirmed))
            .order_by(user_model.USERNAME_FIELD)
        )
        count = 0
        for user in users.iterator():
            last_login = (timezone.localtime(user.last_login).isoformat(timespec="minutes")
                          if user.last_login else "never")
            email = getattr(user, "email", "") or "-"
            self.stdout.write(f"{user.get_username()}\t{email}\t{last_login}")
            count += 1
        if count:
            self.stdout.write(self.style.WARNING(
                f"{count} active staff user(s) without two-factor login."))
        else:
            self.stdout.write(self.style.SUCCESS(
                "Every active staff user has two-factor login set up."))

"""Two-factor login for staff with authenticator-app codes (django-otp TOTP): the
admin's login form, the enrolment form and the helpers both use."""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

# The user_login_failed reason for a wrong or missing code (the security log shows it).
CODE_FAILURE_REASON = "authenticator-code"


def otp_required():
    """Read at each request, not at import, so tests and a settings change take effect."""
    return settings.OTP_REQUIRED


def is_verified(user):
    """Whether this session's login was confirmed with a code (django-otp's middleware sets
    ``is_verified``; a user just logged in by a form carries ``otp_device`` instead)."""
    check = getattr(user, "is_verified", None)
    if callable(check):
        return bool(check())
    return getattr(user, "otp_device", None) is not None


def confirmed_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def has_confirmed_device(user):
    return confirmed_devices(user).exists()


def pending_device(user):
    """The user's device awaiting its first code, made when first needed. Reused on every
    visit so the QR code does not change under someone who has already scanned it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"),
                                           confirmed=False)
    return device


def confirm_device(device, token):
    """Confirm ``device`` if ``token`` is its current code: the confirmed device, or None."""
    with transaction.atomic():
        # Locked so two submissions at once cannot both pass the throttle.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Other half-made devices of this user are no longer wanted.
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device


def secret_for_manual_entry(device):
    """The shared secret in base32, in groups of four, for apps that cannot scan."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The device's otpauth:// address as a QR code in inline SVG, named for screen readers."""
    code = segno.make(device.config_url, error="m")
    # Light background drawn, not transparent: the admin's dark theme would hide the code.
    svg = code.svg_inline(scale=4, svgclass="two-factor-qr", dark="#000000", light="#ffffff")
    label = gettext("QR code to scan with your authenticator app")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def _digits(value):
    # Apps show codes as "123 456"; accept them as typed or pasted.
    return "".join((value or "").split())


class TwoFactorAuthenticationForm(AdminAuthenticationForm):
    """The admin login with the authenticator code (used when OTP_REQUIRED).

    A staff member with a confirmed device must give its current code. One without a
    device logs in with the password alone and is then sent to the enrolment page, where
    nothing else in the admin opens until a device is confirmed. A wrong or missing code
    counts as a failed login (user_login_failed), so django-axes locks out code guessing
    just as it does password guessing.
    """

    otp_token = forms.CharField(
        label=_("Authenticator code"), required=False, max_length=16,
        help_text=_("The six-digit code from your authenticator app. Leave it empty if you "
                    "have not set up two-factor login yet: you will be asked to right after "
                    "logging in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": _("Enter the code from your authenticator app."),
        "code_invalid": _("That code is not right, or it has already been used. Wait for the "
                          "next code and try again."),
    }

    def clean(self):
        super().clean()
        user = self.get_user()
        if user is not None:
            self._verify_code(user)
        return self.cleaned_data

    def _verify_code(self, user):
        devices = confirmed_devices(user)
        if not devices.exists():
            return  # enrolment follows the login
        token = _digits(self.cleaned_data.get("otp_token"))
        if not token:
            self._refuse(user, "code_required")
        with transaction.atomic():
            # Locked so parallel guesses cannot slip past django-otp's throttle.
            for device in devices.select_for_update():
                if device.verify_token(token):
                    # django-otp's user_logged_in receiver stores it in the session.
                    user.otp_device = device
                    return
        self._refuse(user, "code_invalid")

    def _refuse(self, user, code):
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), "reason": CODE_FAILURE_REASON},
            request=self.request,
        )
        raise forms.ValidationError(self.error_messages[code], code=code)


class EnrolmentForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return _digits(self.cleaned_data["token"])

"""The authenticator apps' admin screens in the staff's language: django-otp names its
TOTP devices, their fields, help texts and fieldsets in fixed English strings, which no
catalogue can translate. (The other libraries mark theirs for translation: their Swedish
is in locale_libraries/, see settings.LOCALE_PATHS.)"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

# The names staff read in lists, filters, forms and the delete page. Only the display
# names: a field's verbose_name is not part of its migration state (Django deconstructs
# the name given in code, here none), so no migration of the library's app follows.
MODEL_NAMES = (_("authenticator app"), _("authenticator apps"))
FIELD_NAMES = {
    "user": _("user"), "name": _("name"), "confirmed": _("confirmed"),
    "created_at": _("created"), "last_used_at": _("last used"), "key": _("key"),
    "step": _("time step"), "t0": _("start time (t0)"), "digits": _("digits"),
    "tolerance": _("tolerance"), "drift": _("drift"),
    "throttling_failure_timestamp": _("last failed code"),
    "throttling_failure_count": _("failed codes in a row"),
}
# Help texts of the form's fields (the model's own are in the migrations: left alone).
HELP_TEXTS = {
    "user": _("The staff member who logs in with this app."),
    "name": _("A name to tell the staff member's apps apart, e.g. the phone's."),
    "confirmed": _("Whether the app has given a correct code, so that it can be used to "
                   "log in."),
    "key": _("The secret shared with the app, in hexadecimal (up to 40 bytes)."),
    "step": _("How many seconds each code is valid."),
    "t0": _("The Unix time from which the time steps are counted."),
    "digits": _("How many digits a code has."),
    "tolerance": _("How many time steps before or after the current one a code may "
                   "come from."),
    "drift": _("How many time steps the app's clock is known to be off."),
    "throttling_failure_count": _("Wrong codes given in a row; each one makes the "
                                  "next try wait longer."),
}
FIELDSETS = {"Identity": _("Staff member and app"), "Timestamps": _("Dates"),
             "Configuration": _("Settings"), "State": _("Clock"),
             "Throttling": _("Wrong codes")}

TOTPDevice._meta.verbose_name, TOTPDevice._meta.verbose_name_plural = MODEL_NAMES
for field_name, verbose_name in FIELD_NAMES.items():
    TOTPDevice._meta.get_field(field_name).verbose_name = verbose_name


class AuthenticatorAdmin(TOTPDeviceAdmin):
    """django-otp's admin for authenticator apps, in the staff's language."""

    search_help_text = _("Search by the staff member's username or e-mail address.")
    # The two dates as columns of our own: a read-only field shows the model's help text,
    # which is in English.
    readonly_fields = ["created", "last_used", "qrcode_link"]
    READ_ONLY = {"created_at": "created", "last_used_at": "last_used"}

    def get_fieldsets(self, request, obj=None):
        return [(FIELDSETS.get(name, name),
                 {**options, "fields": [self.READ_ONLY.get(f, f) for f in options["fields"]]})
                for name, options in super().get_fieldsets(request, obj)]

    @admin.display(description=FIELD_NAMES["created_at"])
    def created(self, device):
        return device.created_at

    @admin.display(description=FIELD_NAMES["last_used_at"])
    def last_used(self, device):
        return device.last_used_at

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {**HELP_TEXTS, **kwargs.get("help_texts", {})}
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)

"""Admin screens of Django and the libraries in the staff's language where no catalogue
can do it: django-otp names its TOTP devices, their fields, help texts and fieldsets in
fixed English strings, django-tasks-db some of its task list's columns; Django stores
permission names in English in the database ("Can add project"), which the user and
group forms list. (The libraries that mark their texts for translation have their
Swedish in locale_libraries/, see settings.LOCALE_PATHS.)"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

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
    "throttling_failure_timestamp": _("When the last wrong code was given; empty if the "
                                      "last code was right."),
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


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's list of tasks, its columns of its own named in the staff's
    language (the library's fields' names are translated: locale_libraries/)."""

    list_display = ["task", *(name for name in DBTaskResultAdmin.list_display
                              if name not in ("id", "task_name"))]

    @admin.display(description=_("task"))
    def task(self, result):
        return result.task_name

    @admin.display(description=DBTaskResult._meta.get_field("traceback").verbose_name)
    def formatted_traceback(self, result):
        return super().formatted_traceback(result)

    @admin.display(description=DBTaskResult._meta.get_field("run_after").verbose_name)
    def display_run_after(self, result):
        return super().display_run_after(result)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


# --- Permissions by name, in the staff member's language ----------------------------------

# Django's default permissions, by the codename's action ("add_project").
PERMISSION_TEXTS = {"add": _("Can add %(name)s"), "change": _("Can change %(name)s"),
                    "delete": _("Can delete %(name)s"), "view": _("Can view %(name)s")}


def permission_label(permission):
    """A permission as Django lists it ("section | model | permission"), in the active
    language: its stored name is English, written when the table was migrated."""
    model = permission.content_type.model_class()
    if model is None:  # the model is gone: only the stored name is left
        return str(permission)
    opts = model._meta
    action = permission.codename.split("_", 1)[0]
    if action in PERMISSION_TEXTS and permission.codename == f"{action}_{opts.model_name}":
        text = PERMISSION_TEXTS[action] % {"name": opts.verbose_name}
    else:
        text = gettext(permission.name)
    return f"{capfirst(opts.app_config.verbose_name)} | {opts.verbose_name} | {text}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class PermissionNamesMixin:
    """The permission chooser of the user and group forms with translated names."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PortalGroupAdmin(PermissionNamesMixin, GroupAdmin):
    pass


class PortalUserAdmin(PermissionNamesMixin, UserAdmin):
    pass


for model, model_admin in ((Group, PortalGroupAdmin), (User, PortalUserAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)

"""App configs: the portal's own, Django's admin with our two-factor site as default, and
the libraries whose section in the admin needs a name in the staff's language."""

from axes import apps as axes_apps
from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate, pre_migrate
from django.contrib.admin import apps as admin_apps
from django.utils.autoreload import file_changed
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as otp_totp_apps
from django_tasks_db import apps as tasks_db_apps


class PalmecentretConfig(AppConfig):
    name = "palmecentret"
    verbose_name = _("Palmecentret portal")

    def ready(self):
        from common import db, db_router, page_cache

        from . import checks  # noqa: F401 - registers the system checks
        from . import login_security, roles

        login_security.connect()
        # Saving public content makes the cached pages stale at once.
        page_cache.connect_signals()
        post_migrate.connect(roles.sync_roles_after_migrate,
                             dispatch_uid="palmecentret-sync-roles")
        pre_migrate.connect(db.lift_statement_timeout_before_migrate,
                            dispatch_uid="palmecentret-migrate-without-timeout")
        # A request's permission to read from the replica ends with its answer.
        request_finished.connect(db_router.reset_replica_reads,
                                 dispatch_uid="palmecentret-reset-replica-reads")
        # A request reads the content generation once (common/page_cache.py).
        request_started.connect(page_cache.request_started_receiver,
                                dispatch_uid="palmecentret-generation-per-request")
        request_finished.connect(page_cache.request_finished_receiver,
                                 dispatch_uid="palmecentret-generation-per-request")
        # Every deployment runs migrate: pages cached by the previous release (its
        # templates, its static file names) are stale from then on.
        # (Sent once per app with models, palmecentret has none: a bump is one cache
        # increment, so a few of them per migrate cost nothing.)
        post_migrate.connect(page_cache.stale_after_migrate,
                             dispatch_uid="palmecentret-page-cache-after-migrate")
        # The same when a developer edits a template under runserver.
        file_changed.connect(page_cache.stale_after_template_edit,
                             dispatch_uid="palmecentret-page-cache-after-template-edit")


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site is ours, so every ``@admin.register`` and
    ``admin.site`` use it. Listed in INSTALLED_APPS instead of "django.contrib.admin"."""

    # Not this module's default: "palmecentret" must still load PalmecentretConfig. (The
    # admin's config is reached through the module, not imported by name, for the same
    # reason: Django picks an app's config among the classes named in its apps.py.)
    default = False
    default_site = "palmecentret.admin_site.PortalAdminSite"


# The libraries' own configs, with the name of their section on the admin index (and in
# its permissions) translated: theirs is a fixed English string ("Axes", "Otp_Totp",
# "Tasks Database Backend"). Listed in INSTALLED_APPS instead of the library's name;
# the app label, and so tables, migrations and permissions, stay the library's.
# default = False for the same reason as PortalAdminConfig's.

class LoginLockoutConfig(axes_apps.AppConfig):
    """django-axes: failed logins and the lockout after too many."""

    default = False
    verbose_name = _("Login lockout")


class AuthenticatorsConfig(otp_totp_apps.DefaultConfig):
    """django-otp's authenticator apps (TOTP), the second step of the staff's login."""

    default = False
    verbose_name = _("Two-step login")


class TaskQueueConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks' database queue: mails and other work done in the background."""

    default = False
    verbose_name = _("Task queue")

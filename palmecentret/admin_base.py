"""What the apps' admins share: bulk publish and unpublish (saved one object at a time
so each change is kept in its version history) and https as the assumed URL scheme."""

import reversion
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class PublishingAdminMixin:
    actions = ["publish", "unpublish"]

    def _set_published(self, request, queryset, published):
        changed = 0
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Published") if published else _("Unpublished"))
            for obj in queryset.filter(published=not published):
                obj.published = published
                obj.save()
                changed += 1
        return changed

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        changed = self._set_published(request, queryset, True)
        self.message_user(request, ngettext("%(count)d item published.",
                                            "%(count)d items published.", changed)
                          % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected items (back to draft)"),
                  permissions=["change"])
    def unpublish(self, request, queryset):
        changed = self._set_published(request, queryset, False)
        self.message_user(request, ngettext("%(count)d item unpublished.",
                                            "%(count)d items unpublished.", changed)
                          % {"count": changed}, messages.SUCCESS)


class HttpsUrlsMixin:
    """A website typed without a scheme ("abf.se") is taken as https, not http."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

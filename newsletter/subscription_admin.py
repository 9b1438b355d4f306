"""The subscriber admin's GDPR tools: export everything held about one address as JSON,
and erase it after a confirmation page (newsletter.subscriptions does the work)."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from . import subscriptions


class SubscriberDataMixin:
    """For SubscriberAdmin: "Export all data (JSON)" (needs change_subscriber) and
    "Erase…" (needs delete_subscriber) on a subscriber's page; anyone else gets 403."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            # Before the admin's own: its catch-all "<object_id>/" would take these.
            path("<path:object_id>/export-data/",
                 self.admin_site.admin_view(self.export_data_view),
                 name="%s_%s_export_data" % info),
            path("<path:object_id>/erase/", self.admin_site.admin_view(self.erase_view),
                 name="%s_%s_erase" % info),
            *super().get_urls(),
        ]

    def has_export_data_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    def has_erase_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.delete_{self.opts.model_name}")

    def _subscriber(self, request, object_id):
        subscriber = self.get_object(request, object_id)
        if subscriber is None:
            raise Http404(_("No subscriber with this ID."))
        return subscriber

    def render_change_form(self, request, context, *args, **kwargs):
        context.update(can_export_data=self.has_export_data_permission(request),
                       can_erase=self.has_erase_permission(request))
        return super().render_change_form(request, context, *args, **kwargs)

    def export_data_view(self, request, object_id):
        if not self.has_export_data_permission(request):
            raise PermissionDenied
        subscriber = self._subscriber(request, object_id)
        response = JsonResponse(subscriptions.export_data(subscriber),
                                json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="subscriber-{subscriber.pk}.json"')
        response["Cache-Control"] = "no-store"
        return response

    def erase_view(self, request, object_id):
        if not self.has_erase_permission(request):
            raise PermissionDenied
        subscriber = self._subscriber(request, object_id)
        if request.method == "POST":
            counts = subscriptions.erase(subscriber)
            self.message_user(request, _(
                # Counts after a colon, so one and many read alike in both languages.
                "Erased the subscriber. Subscriptions: %(subscriptions)d, deliveries: "
                "%(deliveries)d, seminar registrations: %(registrations)d. Kept in the "
                "consent log with only a hash of the address: %(consent_records_kept)d "
                "records.")
                % counts, messages.SUCCESS)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        export = subscriptions.export_data(subscriber)
        return TemplateResponse(request, "admin/newsletter/subscriber/erase.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": subscriber,
            "title": _("Erase all data about %(email)s") % {"email": subscriber.email},
            "counts": {key: len(export[key]) for key in
                       ("subscriptions", "deliveries", "seminar_registrations",
                        "consent_log")},
            "preview": json.dumps(export["subscriber"], ensure_ascii=False, indent=2),
        })

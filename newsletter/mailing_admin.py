"""Admin for mailings: compose in Swedish and English, preview, test, send, follow progress."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin

from common.admin_base import HistoryAdmin
from common.admin_markdown import MarkdownAdminMixin
from common.admin_spreadsheets import SpreadsheetExportMixin

from . import emails, sending
from .models import Delivery, Mailing, MailingList, Seminar
from .registration_views import INVITATIONS_LIST
from .resources import DeliveryResource

DRAFT = Mailing.Status.DRAFT


class MailingForm(forms.ModelForm):
    class Meta:
        model = Mailing
        fields = "__all__"
        # A box per list: there are a handful, each named on its label, which a screen
        # reader reads (filter_horizontal's two-box chooser gave its search icons an
        # aria-label that axe refuses, aria-prohibited-attr).
        widgets = {"mailing_lists": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        subject_en = (cleaned.get("subject_en") or "").strip()
        body_en = (cleaned.get("body_en") or "").strip()
        # Subscribers who chose English get the English version when there is one; half
        # of one would mix the languages in a single mail.
        if subject_en and not body_en:
            self.add_error("body_en", _("Write the English body too, or leave the English "
                                        "subject empty."))
        if body_en and not subject_en:
            self.add_error("subject_en", _("Write the English subject too, or leave the "
                                           "English body empty."))
        return cleaned


@admin.register(Mailing)
class MailingAdmin(MarkdownAdminMixin, HistoryAdmin, TranslationAdmin):
    form = MailingForm
    list_display = ["subject", "status", "progress", "failed", "list_names", "queued_at",
                    "finished_at"]
    list_filter = ["status", "mailing_lists"]
    search_fields = ["subject_sv", "subject_en"]
    date_hierarchy = "created"
    autocomplete_fields = ["seminar"]
    readonly_fields = ["status", "progress", "failed", "created_by", "created", "queued_at",
                       "finished_at"]
    fieldsets = [
        (None, {"fields": [("subject_sv", "subject_en"), ("body_sv", "body_en")]}),
        (_("Recipients"), {"fields": ["mailing_lists", "seminar"]}),
        (_("Sending"), {"fields": ["status", ("progress", "failed"), "created_by",
                                   "created", "queued_at", "finished_at"]}),
    ]

    def get_queryset(self, request):
        # Progress for every row in the one list query, the lists in one more.
        return (sending.with_progress(super().get_queryset(request))
                .prefetch_related("mailing_lists"))

    @admin.display(description=_("mailing lists"))
    def list_names(self, obj):
        return ", ".join(mailing_list.name for mailing_list in obj.mailing_lists.all())

    @admin.display(description=_("sent / recipients"), ordering="sent_count")
    def progress(self, obj):
        if obj.status == DRAFT:
            return "–"
        return f"{obj.sent_count} / {obj.total}"

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj):
        if not obj.failed_count:
            return obj.failed_count if obj.status != DRAFT else "–"
        url = reverse("admin:newsletter_delivery_changelist") + "?" + urlencode(
            {"mailing__id__exact": obj.pk, "status__exact": Delivery.Status.FAILED})
        return format_html('<a href="{}">{}</a>', url, obj.failed_count)

    # --- What may be done ---------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        # Once queued, a mailing is a record of what went out: read-only.
        if obj is not None and obj.status != DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Not while it is going out: the worker would stop half-way without a trace.
        if obj is not None and obj.status in (Mailing.Status.QUEUED, Mailing.Status.SENDING):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk deletion asks no mailing whether it is going out: one at a time instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        """?seminar=<id> starts an invitation: subject and text from the seminar, sent to
        the invitations list."""
        initial = super().get_changeform_initial_data(request)
        seminar_id = str(initial.get("seminar", ""))
        seminar = Seminar.objects.filter(pk=seminar_id).first() if seminar_id.isdigit() else None
        if seminar is None:
            return initial
        for language in ("sv", "en"):
            title = getattr(seminar, f"title_{language}")
            description = getattr(seminar, f"description_{language}")
            if title and (language == "sv" or description):
                with translation.override(language):
                    initial.setdefault(f"subject_{language}",
                                       str(_("Invitation: %(title)s") % {"title": title}))
                initial.setdefault(f"body_{language}", description)
        initial.setdefault("mailing_lists", list(
            MailingList.objects.filter(slug=INVITATIONS_LIST).values_list("pk", flat=True)))
        return initial

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The buttons need the model's change permission, which a sent mailing's page
        # does not show (the page itself is read-only).
        extra_context = {"can_send": self.has_change_permission(request),
                         **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Preview, test, send ------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/preview/", wrap(self.preview_view),
                 name="%s_%s_preview" % info),
            path("<path:object_id>/send-test/", wrap(require_POST(self.send_test_view)),
                 name="%s_%s_send_test" % info),
            path("<path:object_id>/send/", wrap(self.send_view), name="%s_%s_send" % info),
            *super().get_urls(),
        ]

    def _mailing(self, request, object_id, *, to_send=False):
        """The mailing, or 404; 403 without the permission the page needs."""
        mailing = self.get_object(request, unquote(object_id))
        if mailing is None:
            raise Http404
        allowed = (self.has_change_permission(request) if to_send
                   else self.has_view_or_change_permission(request, mailing))
        if not allowed:
            raise PermissionDenied
        return mailing

    def _context(self, request, mailing, title, **extra):
        return {**self.admin_site.each_context(request), "opts": self.opts,
                "original": mailing, "title": title,
                "can_send": self.has_change_permission(request), **extra}

    def _change_url(self, mailing):
        return reverse("admin:newsletter_mailing_change", args=[mailing.pk])

    def preview_view(self, request, object_id):
        """The mail in each of its languages as HTML (in a sandboxed frame: nothing in it
        runs) and as plain text."""
        mailing = self._mailing(request, object_id)
        names = dict(settings.LANGUAGES)
        versions = [
            {"language": language, "name": names[language], "subject": message.subject,
             "text": message.body, "html": message.alternatives[0][0]}
            for language, message in sending.sample_messages(
                mailing, request.user.email or "subscriber@example.org", test=False).items()
        ]
        return TemplateResponse(request, "admin/newsletter/mailing/preview.html",
                                self._context(request, mailing, _("Preview"),
                                              versions=versions))

    def send_test_view(self, request, object_id):
        mailing = self._mailing(request, object_id, to_send=True)
        email = request.user.email
        if not email:
            messages.error(request, _("Your account has no e-mail address to send the test "
                                      "to. Add one under your user details first."))
            return redirect(self._change_url(mailing))
        try:
            count = sending.send_test(mailing, email)
        except emails.MAIL_ERRORS as error:
            messages.error(request, _("The test could not be sent: %(error)s")
                           % {"error": error})
        else:
            messages.success(request, ngettext(
                "A test was sent to %(email)s.",
                "%(count)d tests, one for each language, were sent to %(email)s.",
                count) % {"count": count, "email": email})
        if request.POST.get("next") == "preview":
            return redirect("admin:newsletter_mailing_preview", mailing.pk)
        return redirect(self._change_url(mailing))

    def send_view(self, request, object_id):
        """GET: how many it goes to, and a button; POST: queue it (once, however often
        the button is pressed)."""
        mailing = self._mailing(request, object_id, to_send=True)
        if request.method == "POST":
            try:
                count = sending.queue(mailing.pk)
            except sending.CannotQueue as reason:
                messages.warning(request, str(reason))
                return redirect(self._change_url(mailing))
            messages.success(request, ngettext(
                "“%(subject)s” is being sent to %(count)d subscriber. The list of mailings "
                "shows the progress.",
                "“%(subject)s” is being sent to %(count)d subscribers. The list of mailings "
                "shows the progress.", count) % {"subject": mailing.subject, "count": count})
            return redirect("admin:newsletter_mailing_changelist")
        try:
            sending.check_sendable(mailing)
            problem = None
        except sending.CannotQueue as reason:
            problem = str(reason)
        names = dict(settings.LANGUAGES)
        return TemplateResponse(request, "admin/newsletter/mailing/send.html", self._context(
            request, mailing, _("Send the mailing"), problem=problem,
            recipients=sending.recipient_ids(mailing).count(),
            mailing_lists=mailing.mailing_lists.all(),
            languages=[names[language] for language in sending.languages(mailing)]))


@admin.register(Delivery)
class DeliveryAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Who a mailing went to, and why it failed for some: made by sending, read-only.
    (Deleting stays with the delete permission: erasing a subscriber deletes theirs.)
    Export gives the list as filtered (a mailing, the failed ones)."""

    resource_classes = [DeliveryResource]

    list_display = ["subscriber", "mailing", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "mailing"]
    list_select_related = ["subscriber", "mailing"]
    search_fields = ["subscriber__email"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

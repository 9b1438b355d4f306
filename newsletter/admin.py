"""Admin for mailing lists, subscribers, the consent log, seminars and registrations.
Subscribers, consents and registrations are personal data: only the newsletter managers
group has permissions on them (see palmecentret's roles migration)."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from common.admin_base import (HistoryAdmin, HttpsUrlsMixin, LabelledTableInlineMixin,
                               PublishingAdminMixin)
from common.admin_images import IMAGE_FIELDSET, ImageAdminMixin
from common.admin_markdown import MarkdownAdminMixin
from common.admin_spreadsheets import SpreadsheetExportMixin

# Mailings and their deliveries (compose, preview, test, send) live in their own module.
from . import mailing_admin  # noqa: F401  (registers MailingAdmin and DeliveryAdmin)
from . import exports, registrations
from .resources import RegistrationResource, SubscriberResource
from .subscription_admin import SubscriberDataMixin
from .models import (
    ConsentRecord,
    MailingList,
    Registration,
    Seminar,
    Subscriber,
    Subscription,
    holds_a_place,
)


@admin.register(MailingList)
class MailingListAdmin(HistoryAdmin, TranslationAdmin):
    list_display = ["name", "slug", "is_public", "active_count", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_sv"]}
    fieldsets = [(None, {"fields": [("name_sv", "name_en"), "slug", "is_public",
                                    ("description_sv", "description_en"), "sort_order"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(active_count=Count(
            "subscriptions", filter=Q(subscriptions__status=Subscription.Status.ACTIVE)))

    @admin.display(description=_("active subscribers"), ordering="active_count")
    def active_count(self, obj):
        return obj.active_count


class SubscriptionInline(LabelledTableInlineMixin, admin.TabularInline):
    model = Subscription
    fields = ["mailing_list", "status", "created", "confirmed_at", "unsubscribed_at"]
    readonly_fields = ["created", "confirmed_at", "unsubscribed_at"]
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(SubscriberDataMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    """The export (django-import-export's page: format and fields, the list's filters and
    search applied) streams CSV with each subscriber's lists (newsletter.exports):
    100,000 subscribers at flat memory. XLSX is built whole."""

    resource_classes = [SubscriberResource]
    list_display = ["email", "name", "language", "created", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", "subscriptions__mailing_list", "subscriptions__status"]
    search_fields = ["email", "name"]
    date_hierarchy = "created"
    readonly_fields = ["created", "confirmed_at", "unsubscribed_at"]
    inlines = [SubscriptionInline]

    def export_rows(self, request, queryset, form):
        # The chosen columns of the resource, and the lists each subscriber receives.
        chosen = self.get_export_resource_fields_from_form(form) or exports.FIELDS
        return exports.subscriber_rows(queryset,
                                       [name for name in exports.FIELDS if name in chosen])


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "mailing_list", "status", "created", "confirmed_at"]
    list_filter = ["mailing_list", "status"]
    list_select_related = ["subscriber", "mailing_list"]
    search_fields = ["subscriber__email"]
    autocomplete_fields = ["subscriber"]
    date_hierarchy = "created"


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """The consent log is evidence: it can be read, never edited."""

    list_display = ["created", "action", "mailing_list", "subscriber", "source"]
    list_filter = ["action", "mailing_list"]
    list_select_related = ["mailing_list", "subscriber"]
    search_fields = ["subscriber__email", "email_hash"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.display(description=_("confirmed by the registrant"), ordering="address_confirmed_at")
def confirmation(registration):
    """Whether the registrant has confirmed from the mail, and if not, until when the
    registration holds its place (newsletter.registrations releases it then)."""
    if registration.address_confirmed_at is not None:
        return date_format(timezone.localtime(registration.address_confirmed_at),
                           "SHORT_DATETIME_FORMAT")
    if registration.hold_is_over:
        return gettext("Not confirmed in time: to be released")
    return gettext("Not confirmed: held until %(time)s") % {
        "time": date_format(timezone.localtime(registration.held_until),
                            "SHORT_DATETIME_FORMAT")}


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed by the registrant")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No, not yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(address_confirmed_at__isnull=self.value() == "no")
        return queryset


class RegistrationInline(LabelledTableInlineMixin, admin.TabularInline):
    model = Registration
    fields = ["name", "email", "organisation", "status", confirmation, "created"]
    readonly_fields = [confirmation, "created"]
    extra = 0

    def has_view_permission(self, request, obj=None):
        # Content editors may edit seminars but not see who registered.
        return request.user.has_perm("newsletter.view_registration")


@admin.register(Seminar)
class SeminarAdmin(ImageAdminMixin, PublishingAdminMixin, MarkdownAdminMixin, HttpsUrlsMixin,
                   HistoryAdmin, TranslationAdmin):
    list_display = ["title", "starts_at", "place", "capacity", "registered_count",
                    "unconfirmed_count", "published"]
    list_filter = ["published", "language"]
    search_fields = ["title_sv", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_sv"]}
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]
    actions = [*PublishingAdminMixin.actions, "fill_free_places"]
    fieldsets = [
        (None, {"fields": [("title_sv", "title_en"), "slug", "published", "language",
                           "is_demo"]}),
        (_("When and where"), {"fields": [("starts_at", "ends_at"), ("place_sv", "place_en"),
                                          "online_url"]}),
        (_("Registration"), {"fields": ["capacity", "registration_deadline"]}),
        (_("Texts"), {"fields": [("description_sv", "description_en")]}),
        IMAGE_FIELDSET,
    ]
    readonly_fields = ["image_preview"]

    def construct_change_message(self, request, form, formsets, add=False):
        # The seminar's history is read by content editors, who may not see who
        # registered: changes to registrations are named by number, never by person.
        registration_sets = [f for f in formsets if f.model is Registration]
        message = super().construct_change_message(
            request, form, [f for f in formsets if f.model is not Registration], add)
        with translation.override(None):
            name = str(Registration._meta.verbose_name)
            for formset in registration_sets:
                message += [{"added": {"name": name, "object": f"#{obj.pk}"}}
                            for obj in formset.new_objects]
                message += [{"changed": {"name": name, "object": f"#{obj.pk}", "fields": [
                    str(formset.form.base_fields[field].label) for field in fields]}}
                    for obj, fields in formset.changed_objects]
                message += [{"deleted": {"name": name, "object": f"#{obj.pk}"}}
                            for obj in formset.deleted_objects]
        return message

    def get_queryset(self, request):
        # Only what holds a place: a registration nobody confirmed in time counts for
        # nothing even before it is released.
        holding = holds_a_place(through="registrations__")
        return super().get_queryset(request).annotate(
            registered_count=Count("registrations", filter=holding),
            unconfirmed_count=Count("registrations", filter=holding & Q(
                registrations__address_confirmed_at__isnull=True)))

    @admin.display(description=_("registered"), ordering="registered_count")
    def registered_count(self, obj):
        return obj.registered_count

    @admin.display(description=_("of which not confirmed"), ordering="unconfirmed_count")
    def unconfirmed_count(self, obj):
        return obj.unconfirmed_count

    @admin.action(description=_("Give free places to the waiting list (after raising the "
                                "capacity)"), permissions=["manage_registrations"])
    def fill_free_places(self, request, queryset):
        # Through the registration rules: in order, under the seminar's lock, with a mail.
        promoted = sum(len(registrations.promote_waiting(seminar)) for seminar in queryset)
        self.message_user(request, ngettext(
            "%(count)d person moved up from the waiting list.",
            "%(count)d people moved up from the waiting list.", promoted)
            % {"count": promoted}, messages.SUCCESS)

    def has_manage_registrations_permission(self, request):
        # Moving people up changes registrations: the newsletter managers' business.
        return request.user.has_perm("newsletter.change_registration")


@admin.register(Registration)
class RegistrationAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Export gives an attendee list of the list as filtered (a seminar, a status)."""

    resource_classes = [RegistrationResource]
    list_display = ["name", "email", "organisation", "seminar", "status", confirmation,
                    "created"]
    list_filter = ["status", ConfirmedFilter, "seminar"]
    list_select_related = ["seminar"]
    search_fields = ["name", "email", "organisation"]
    autocomplete_fields = ["seminar"]
    # Staff who enter a registration vouch for it (the field's default); only the
    # registrant's link confirms one from the public form.
    readonly_fields = ["address_confirmed_at"]
    date_hierarchy = "created"
    actions = ["cancel_registrations", "mark_confirmed"]

    @admin.action(description=_("Cancel the selected registrations (the waiting list "
                                "moves up)"), permissions=["change"])
    def cancel_registrations(self, request, queryset):
        # One at a time through the registration rules, not a bulk update: each freed
        # place goes to the next on the waiting list, who gets a mail.
        cancelled = released = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                cancelled += registrations.cancel(pk).changed
            except Registration.DoesNotExist:
                released += 1
        self._report(request, ngettext(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.",
            cancelled) % {"count": cancelled}, released)

    @admin.action(description=_("Mark the selected registrations as confirmed (you vouch "
                                "for the address, e.g. the person phoned)"),
                  permissions=["change"])
    def mark_confirmed(self, request, queryset):
        # Through the registration rules, as if the registrant had followed the link:
        # a waiting person may move up, and the mails go out as then.
        with translation.override(None):
            field = str(Registration._meta.get_field("address_confirmed_at").verbose_name)
        confirmed = released = 0
        for pk in queryset.values_list("pk", flat=True):
            outcome = registrations.confirm(pk)
            if outcome.registration is None:
                released += 1
            elif outcome.changed:
                confirmed += 1
                self.log_change(request, outcome.registration,
                                [{"changed": {"fields": [field]}}])
        self._report(request, ngettext(
            "%(count)d registration marked as confirmed.",
            "%(count)d registrations marked as confirmed.", confirmed)
            % {"count": confirmed}, released)

    def _report(self, request, message, released):
        """The outcome of an action, and how many of the selected registrations the rules
        released instead: nobody confirmed them in time (the rules release all of a
        seminar's such registrations when they count its places, so one may go while
        another selected one is being done)."""
        if released:
            message += " " + ngettext(
                "%(count)d registration had not been confirmed in time by the registrant "
                "and was released.",
                "%(count)d registrations had not been confirmed in time by their "
                "registrants and were released.", released) % {"count": released}
        self.message_user(request, message, messages.SUCCESS)

"""The newsletter managers' spreadsheets (django-import-export, export only): subscribers,
seminar registrations (an attendee list) and a mailing's deliveries. Personal data: the
admin lets only those with the view permission export them."""

from import_export import fields

from common.admin_spreadsheets import SpreadsheetResource

from .models import Delivery, Registration, Subscriber


class SubscriberResource(SpreadsheetResource):
    class Meta:
        model = Subscriber
        fields = ["email", "name", "language", "created", "confirmed_at", "unsubscribed_at"]
        export_order = fields


class RegistrationResource(SpreadsheetResource):
    seminar = fields.Field(attribute="seminar__title", column_name="seminar")
    # The status in the staff member's language ("anmäld", "på väntelistan").
    status = fields.Field(attribute="get_status_display", column_name="status")

    class Meta:
        model = Registration
        # address_confirmed_at: when the registrant confirmed from the mail; empty for a
        # registration from the public form nobody has confirmed (perhaps a made-up
        # address), so that it is not taken for an attendee like the others.
        fields = ["seminar", "name", "email", "organisation", "language", "status",
                  "address_confirmed_at", "created", "cancelled_at", "promoted_at"]
        export_order = fields


class DeliveryResource(SpreadsheetResource):
    mailing = fields.Field(attribute="mailing__subject", column_name="mailing")
    subscriber = fields.Field(attribute="subscriber__email", column_name="subscriber")
    status = fields.Field(attribute="get_status_display", column_name="status")

    class Meta:
        model = Delivery
        fields = ["mailing", "subscriber", "status", "attempts", "sent_at", "error"]
        export_order = fields

"""The absolute, signed links that mails carry: manage preferences, unsubscribe (one
click, RFC 8058), confirm a subscription, cancel a seminar registration."""

from django.urls import reverse
from django.utils import translation

from . import tokens
from .emails import absolute


def _link(url_name, purpose, value, language):
    with translation.override(language):
        return absolute(reverse(url_name, kwargs={"token": tokens.make(purpose, value)}))


def confirm_url(subscriber):
    return _link("newsletter:confirm", "confirm", subscriber.pk, subscriber.language)


def manage_url(subscriber):
    return _link("newsletter:manage", "manage", subscriber.pk, subscriber.language)


def unsubscribe_url(subscriber, mailing_list=None):
    """Leaves one list, or every list when `mailing_list` is None."""
    value = [subscriber.pk, mailing_list.pk if mailing_list else None]
    return _link("newsletter:unsubscribe", "unsubscribe", value, subscriber.language)


def cancel_registration_url(registration):
    return _link("newsletter:registration-cancel", "cancel", registration.pk,
                 registration.language)


def list_unsubscribe_headers(unsubscribe_url):
    """The headers every list mail carries (RFC 2369 and RFC 8058 one-click): mail
    programs show an "Unsubscribe" button that POSTs to the link. SITE_URL must be https
    in production for mail providers to use it."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }

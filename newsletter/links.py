"""The absolute, signed links that mails carry: manage preferences, unsubscribe (one
click, RFC 8058), confirm a subscription, confirm or cancel a seminar registration; and
the same links' paths for the site's own pages."""

from django.urls import reverse
from django.utils import translation

from . import tokens
from .emails import absolute


def _path(url_name, purpose, value, language=None):
    """A signed link's path on this site, in `language` (default: the page's)."""
    with translation.override(language or translation.get_language()):
        return reverse(url_name, kwargs={"token": tokens.make(purpose, value)})


def _link(url_name, purpose, value, language):
    return absolute(_path(url_name, purpose, value, language))


def confirm_url(subscriber):
    return _link("newsletter:confirm", "confirm", subscriber.pk, subscriber.language)


def manage_path(subscriber, language=None):
    """The preference centre, as the site's own pages link to it."""
    return _path("newsletter:manage", "manage", subscriber.pk, language)


def manage_url(subscriber):
    return absolute(manage_path(subscriber, subscriber.language))


def unsubscribe_path(subscriber, mailing_list=None, language=None):
    """Leaves one list, or every list when `mailing_list` is None."""
    value = [subscriber.pk, mailing_list.pk if mailing_list else None]
    return _path("newsletter:unsubscribe", "unsubscribe", value, language)


def unsubscribe_url(subscriber, mailing_list=None):
    return absolute(unsubscribe_path(subscriber, mailing_list, subscriber.language))


def confirm_registration_url(registration):
    return _link("newsletter:registration-confirm", "confirm-registration", registration.pk,
                 registration.language)


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

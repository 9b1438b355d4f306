"""The signup form in every page's footer."""

import logging

from django import template
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils.translation import get_language

from newsletter import subscriptions
from newsletter.forms import SignupForm

logger = logging.getLogger(__name__)
register = template.Library()


def _fields():
    """The form's fields as HTML (one query: the public mailing lists); empty when there
    is no list to offer."""
    mailing_lists = subscriptions.public_lists()
    if not mailing_lists:
        return ""
    form = SignupForm(mailing_lists=mailing_lists, auto_id="footer-%s")
    return render_to_string("includes/newsletter_footer_fields.html", {"form": form})


def _fields_or_nothing():
    try:
        return _fields()
    except DatabaseError:
        # The footer must never be what breaks a page (a 404 while the database is away).
        logger.warning("footer signup form left out: the mailing lists could not be read")
        return ""


@register.inclusion_tag("includes/newsletter_footer_form.html", takes_context=True)
def newsletter_footer_form(context):
    """The compact signup form, posting to the newsletter page in the page's language;
    left out on the subscription pages themselves (they have their own form or business)
    and when there is no list to offer. The form is the same on every page in a
    language: a {% cache %} fragment keyed by the content version (a change to a
    mailing list bumps it), its fields read only when the fragment is missing; only the
    page's own address, the form's source, is filled in per request."""
    if context.get("hide_footer_signup"):
        return {"hidden": True}
    request = context.get("request")
    # No CSRF token: the signup view is csrf_exempt so that every page stays cacheable
    # (see newsletter.subscription_views.signup).
    return {
        "fields": _fields_or_nothing,
        "source": request.path if request else "",
        "content_version": context.get("content_version"),
        "fragment_seconds": context.get("fragment_seconds", 0),
        "LANGUAGE_CODE": get_language(),
    }

"""The signup form in every page's footer (one query: the public mailing lists)."""

import logging

from django import template
from django.db import DatabaseError

from newsletter import subscriptions
from newsletter.forms import SignupForm

logger = logging.getLogger(__name__)
register = template.Library()


@register.inclusion_tag("includes/newsletter_footer_form.html", takes_context=True)
def newsletter_footer_form(context):
    """The compact signup form, posting to the newsletter page in the page's language;
    left out on the subscription pages themselves (they have their own form or business)
    and when there is no list to offer."""
    request = context.get("request")
    if context.get("hide_footer_signup"):
        return {"form": None}
    try:
        mailing_lists = subscriptions.public_lists()
    except DatabaseError:
        # The footer must never be what breaks a page (a 404 while the database is away).
        logger.warning("footer signup form left out: the mailing lists could not be read")
        mailing_lists = []
    if not mailing_lists:
        return {"form": None}
    form = SignupForm(mailing_lists=mailing_lists, auto_id="footer-%s",
                      initial={"source": request.path if request else ""})
    # No CSRF token: the signup view is csrf_exempt so that every page stays cacheable
    # (see newsletter.subscription_views.signup).
    return {"form": form}

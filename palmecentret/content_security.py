"""The Content-Security-Policy header (django-csp), one strict policy for the whole site
and a single exception: the staff's admin may use inline style attributes."""

from csp.constants import HEADER, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

# Django admin's own templates are clean, but parts of it are not: its JavaScript (and
# select2's) writes style="" attributes while building widgets, django-import-export's
# templates carry a few, and the mailing preview shows the e-mail's HTML (inline styles, as
# mail needs) in a srcdoc frame, which inherits this policy. Styles only, and only there:
# script-src stays 'self' everywhere, so an injected <script> or on...= handler is refused
# in the admin as much as on the public pages.
ADMIN_POLICY_UPDATE = {"style-src": [UNSAFE_INLINE]}


def is_admin_request(request):
    """True for a page of Django admin (any admin site, either language)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.app_names


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's style exception added to the policy of
    CONTENT_SECURITY_POLICY (settings.py)."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if HEADER in response:
            response[HEADER] = in_settings_order(response[HEADER])
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.update is None and is_admin_request(request):
            parts.update = ADMIN_POLICY_UPDATE
        return parts


def in_settings_order(header):
    """The policy's directives in the order of the settings (django-csp's order depends on
    the process's hash seed), so every worker sends the same header for the same page."""
    order = list(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    parts = [part.strip() for part in header.split(";") if part.strip()]

    def position(part):
        name = part.split()[0]
        return order.index(name) if name in order else len(order)

    return "; ".join(sorted(parts, key=position))

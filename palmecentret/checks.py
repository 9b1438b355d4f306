"""System checks of our own: settings that would embarrass the portal in production."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_giving_details(app_configs, **kwargs):
    """The support page must not ask people to give to example account numbers."""
    if settings.DEBUG:
        return []
    warnings = []
    if settings.SWISH_NUMBER == settings.DEMO_SWISH_NUMBER:
        warnings.append(Warning(
            "SWISH_NUMBER is the example number; the support page would show it.",
            hint="Set SWISH_NUMBER to the solidarity fund's Swish number.",
            id="palmecentret.W001",
        ))
    if settings.BANKGIRO == settings.DEMO_BANKGIRO:
        warnings.append(Warning(
            "BANKGIRO is the example number; the support page would show it.",
            hint="Set BANKGIRO to the solidarity fund's bank giro number.",
            id="palmecentret.W002",
        ))
    return warnings


@register(deploy=True)
def check_two_factor(app_configs, **kwargs):
    """Production admin logins need the authenticator code."""
    if settings.DEBUG or settings.OTP_REQUIRED:
        return []
    return [Warning(
        "OTP_REQUIRED is off in production: staff can log in with a password alone.",
        hint="Remove OTP_REQUIRED=false from the environment.",
        id="palmecentret.W003",
    )]


@register(deploy=True)
def check_iati_identifier(app_configs, **kwargs):
    """The IATI file must not report Palmecentret's projects under a placeholder."""
    if settings.DEBUG or (settings.IATI_ORGANISATION_IDENTIFIER
                          != settings.DEMO_IATI_ORGANISATION_IDENTIFIER):
        return []
    return [Warning(
        "IATI_ORGANISATION_IDENTIFIER is the development placeholder; the IATI file "
        "(/iati/activities.xml) would report under it.",
        hint="Set IATI_ORGANISATION_IDENTIFIER to Palmecentret's identifier in the IATI "
             "Registry, e.g. SE-ON-<organisation number>.",
        id="palmecentret.W004",
    )]


@register(deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Several gunicorn workers need one cache: the page cache's invalidation and the
    signup rate limits count there."""
    if settings.DEBUG or settings.CACHES["default"]["BACKEND"] != (
            "django.core.cache.backends.locmem.LocMemCache"):
        return []
    return [Warning(
        "CACHE_URL is the local-memory cache: every worker process has its own, so a "
        "change saved in the admin through one worker leaves the other workers serving "
        "stale cached pages (for up to PAGE_CACHE_SECONDS), and rate limits count per "
        "worker.",
        hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/0.",
        id="palmecentret.W005",
    )]


def _development_address(url):
    """Plain http, or an address only this machine answers to."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return (parts.scheme != "https" or host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
            or host.endswith(".localhost") or host.startswith("127."))


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    """Absolute links that leave the site (mails, the open-data files) are built on
    SITE_URL: a development address there sends every reader to nowhere."""
    if settings.DEBUG or not _development_address(settings.SITE_URL):
        return []
    return [Warning(
        f"SITE_URL is {settings.SITE_URL}, a development address; it ends up in the IATI "
        "files' links (/iati/activities.xml, /iati/organisation.xml), the CSV and JSON "
        "exports, the feeds and the links in e-mails.",
        hint="Set SITE_URL to the portal's public https:// address, e.g. "
             "https://www.palmecenter.se.",
        id="palmecentret.W006",
    )]


@register(deploy=True)
def check_iati_contact(app_configs, **kwargs):
    """Every IATI activity names a contact: data users write to it."""
    if settings.DEBUG or settings.IATI_CONTACT["email"] != settings.DEMO_IATI_CONTACT_EMAIL:
        return []
    return [Warning(
        f"IATI_CONTACT_EMAIL is the placeholder {settings.DEMO_IATI_CONTACT_EMAIL}; every "
        "activity in the IATI file names it as the contact for questions about the data.",
        hint="Set IATI_CONTACT_EMAIL (and IATI_CONTACT_ADDRESS) to Palmecentret's own, "
             "e.g. the communications unit's address.",
        id="palmecentret.W007",
    )]

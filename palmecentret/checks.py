"""System checks of our own: settings that would embarrass the portal in production."""

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

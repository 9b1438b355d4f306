"""Login security: the security log of logins, the login time for absolute session
expiry, and the page shown to a locked-out login."""

import logging
import math

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.shortcuts import render
from django.utils import timezone

from common.client_ip import client_ip

logger = logging.getLogger("palmecentret.security")

# Seconds since the epoch at which this session logged in (palmecentret.middleware).
LOGIN_TIME_SESSION_KEY = "palmecentret_login_time"


def connect():
    """Connect the receivers; called once from PalmecentretConfig.ready()."""
    user_logged_in.connect(log_login, dispatch_uid="palmecentret.log_login")
    user_logged_in.connect(stamp_login_time, dispatch_uid="palmecentret.stamp_login_time")
    user_login_failed.connect(log_login_failure, dispatch_uid="palmecentret.log_login_failure")
    user_logged_out.connect(log_logout, dispatch_uid="palmecentret.log_logout")


def _address(request):
    return client_ip(request) if request is not None else "-"


# Usernames are logged with %r: a username is typed by whoever tries to log in, and a
# newline in it must not be able to forge a second log line.
def log_login(sender, request, user, **kwargs):
    logger.info("login succeeded: username=%r ip=%s two_factor=%s", user.get_username(),
                _address(request), "yes" if getattr(user, "otp_device", None) else "no")


def log_login_failure(sender, credentials, request=None, **kwargs):
    # Only the username: Django has already masked the password in `credentials`, but
    # nothing else from them is logged either, so no secret can leak through a new field.
    logger.warning("login failed: username=%r ip=%s reason=%s", credentials.get("username"),
                   _address(request), credentials.get("reason", "password"))


def log_logout(sender, request, user, **kwargs):
    logger.info("logout: username=%r ip=%s",
                user.get_username() if user is not None else None, _address(request))


def stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_SESSION_KEY] = int(timezone.now().timestamp())


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes answers a locked-out login with (AXES_LOCKOUT_CALLABLE): a page
    of the site in the visitor's language with status 429 and Retry-After, not bare text."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(request, "axes_lockout.html",
                      {"minutes": math.ceil(seconds / 60), "cool_off_seconds": seconds},
                      status=settings.AXES_HTTP_RESPONSE_CODE)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response

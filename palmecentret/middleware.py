"""Site-wide middleware: a branded 503 page instead of a 500 while the database is
unreachable, and the absolute expiry of logged-in sessions."""

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.db import InterfaceError, OperationalError
from django.template import loader

from django.http import HttpResponse
from django.utils import timezone

from .login_security import LOGIN_TIME_SESSION_KEY
from .login_security import logger as security_logger

logger = logging.getLogger(__name__)


# Errors that mean "the database cannot be reached or gave up" (connection refused or
# lost, a statement cancelled by DATABASE_STATEMENT_TIMEOUT), not a bug in a query.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response(request, exception):
    """The branded 503 page in the visitor's language. Rendered without a request, so no
    context processor, menu or footer form can try the database that has just failed."""
    logger.error("database unavailable while serving %s: %s", request.path, exception)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that cannot reach the database answers the 503 page.

    Failures in middleware (a logged-in visitor's session) reach handler500 instead,
    which answers the same page (palmecentret.views.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        return database_unavailable_response(request, exception)


class SessionMaxAgeMiddleware:
    """Log a user out once SESSION_MAX_AGE seconds have passed since login, however active.

    SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST is the idle timeout; this is the
    absolute one, so a stolen or forgotten session cannot be kept alive for ever by use.
    The login time is stamped by palmecentret.login_security.stamp_login_time. Placed
    after AuthenticationMiddleware and before django-otp's, which then sees the user who
    is left (anonymous after a logout).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only logged-in sessions matter; checking the session key first means a public
        # visitor without a session costs no query.
        if SESSION_KEY in request.session:
            started = request.session.get(LOGIN_TIME_SESSION_KEY)
            now = timezone.now().timestamp()
            # A session without a login time (made before this check existed) cannot
            # prove its age, so it ends too.
            if started is None or now - started > settings.SESSION_MAX_AGE:
                security_logger.info("session ended after its maximum age: username=%r",
                            request.user.get_username())
                logout(request)
        return self.get_response(request)

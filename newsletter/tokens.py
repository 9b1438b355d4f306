"""Signed links for confirming, managing, unsubscribing and cancelling: no token table,
just django.core.signing with a salt per purpose and an age limit where one makes sense."""

import datetime

from django.core import signing

# purpose -> how long a link stays valid (None: as long as the secret key is the same).
MAX_AGES = {
    # Double opt-in: the confirmation mail's link.
    "confirm": datetime.timedelta(hours=72),
    # The preference centre, from any list mail or a "send me a new link" mail.
    "manage": datetime.timedelta(days=60),
    # One-click unsubscribe (RFC 8058) from a mail's List-Unsubscribe header: a mail read
    # months later must still let its reader leave.
    "unsubscribe": None,
    # Cancelling a seminar registration, from the confirmation mail.
    "cancel": None,
    # Confirming a seminar registration from its first mail. No age of its own: a
    # registration nobody confirms is released after SEMINAR_REGISTRATION_HOLD_HOURS, and
    # the link finds nothing to confirm.
    "confirm-registration": None,
}


class BadToken(Exception):
    """The link was altered, is for another purpose, or is not a link of ours."""


class ExpiredToken(BadToken):
    """The link was ours but is too old."""


def make(purpose, value):
    if purpose not in MAX_AGES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return signing.dumps(value, salt=f"newsletter.{purpose}", compress=True)


def read(purpose, token):
    """The value signed into `token` for `purpose`; BadToken or ExpiredToken otherwise."""
    max_age = MAX_AGES[purpose]
    try:
        return signing.loads(token, salt=f"newsletter.{purpose}", max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredToken(str(error)) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken(str(error)) from error

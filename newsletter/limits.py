"""Rate limits of the public newsletter and seminar forms: django-ratelimit counters in
the cache, per visitor (common.client_ip: the real address behind the proxy, an
IPv6 visitor by their /64) or per e-mail address."""

import re

from django_ratelimit.core import is_ratelimited

from common.client_ip import client_bucket

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_key(group, request):
    return client_bucket(request)


def address_key(address):
    # The normalised address: every letter case and spacing of it is one bucket.
    return lambda group, request: address


def limited(request, group, rate, key):
    """Counts this POST against `rate` and says whether it is over it; `key` is a
    callable (group, request) -> the bucket's name."""
    return is_ratelimited(request, group=f"newsletter-{group}", key=key, rate=rate,
                          method="POST", increment=True)


def first_exceeded(request, group, rates, key):
    """Counts this POST against every rate (as stacked limits do) and returns the one
    with the longest period that it exceeds, or None."""
    exceeded = [rate for rate in rates if limited(request, f"{group}-{rate}", rate, key)]
    return max(exceeded, key=period_seconds, default=None)


def period_seconds(rate):
    """The period of a rate such as "10/m" or "50/h", in seconds: how long a visitor who
    reached the limit may have to wait."""
    number, unit = re.fullmatch(r"\d+/(\d*)([smhd])", rate).groups()
    return int(number or 1) * PERIOD_SECONDS[unit]

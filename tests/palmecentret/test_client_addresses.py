"""Rate limits behind the reverse proxy: the newsletter signup, "send me a new link" and
seminar registration count each visitor apart when they all arrive through one proxy,
and a forged X-Forwarded-For neither escapes a limit nor lands in someone else's.

(Login lockouts, the other user of common.client_ip, are tested the same ways in
test_login_security.py.)"""

import itertools

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsletter.registration_views import REGISTRATION_RATE
from tests.factories import MailingListFactory, SeminarFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratelimit_clock_stopped")]

PROXY_IP = "10.0.0.1"
ALICE_IP = "198.51.100.7"
MALLORY_IP = "203.0.113.66"
# Mallory's home network and Alice's, in IPv6: one /64 each.
MALLORY_V6 = "2001:db8:66:1::10"
MALLORY_V6_OTHER = "2001:db8:66:1:ffff:1234:5678:9abc"
ALICE_V6 = "2001:db8:7:1::10"

_unique = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The rate-limit counters live in the cache.
    cache.clear()
    yield
    cache.clear()


def url(name, **kwargs):
    with translation.override("sv"):
        return reverse(f"newsletter:{name}", kwargs=kwargs or None)


class Signup:
    """The newsletter signup: NEWSLETTER_SIGNUP_RATE_PER_IP per visitor."""

    limit = 3

    def __init__(self, settings):
        settings.NEWSLETTER_SIGNUP_RATE_PER_IP = f"{self.limit}/h"
        MailingListFactory(slug="nyhetsbrev")

    def post(self, **meta):
        # A new e-mail address each time: only the per-visitor limit is at work.
        data = {"email": f"person{next(_unique)}@example.org", "name": "Person",
                "lists": ["nyhetsbrev"]}
        return Client().post(url("signup"), data, **meta).status_code


class LinkRequest:
    """"Send me a new link": NEWSLETTER_LINK_RATE_PER_IP per visitor."""

    limit = 2

    def __init__(self, settings):
        settings.NEWSLETTER_LINK_RATE_PER_IP = f"{self.limit}/h"

    def post(self, **meta):
        return Client().post(url("manage-request"),
                             {"email": f"person{next(_unique)}@example.org"},
                             **meta).status_code


class SeminarRegistration:
    """Registering for a seminar: REGISTRATION_RATE per visitor."""

    limit = int(REGISTRATION_RATE.split("/")[0])

    def __init__(self, settings):
        self.seminar = SeminarFactory()

    def post(self, **meta):
        data = {"name": "Person", "email": f"person{next(_unique)}@example.org",
                "organisation": "", "consent": "on"}
        return Client().post(url("seminar-register", slug=self.seminar.slug), data,
                             **meta).status_code


@pytest.fixture(params=[Signup, LinkRequest, SeminarRegistration],
                ids=["signup", "link-request", "seminar-registration"])
def form(request, settings):
    return request.param(settings)


def use_up(form, **meta):
    """Mallory sends the form until the limit; the next one is refused with 429."""
    statuses = [form.post(**meta) for _ in range(form.limit + 1)]
    assert statuses == [302] * form.limit + [429]


def through_proxy(forwarded, proxy=PROXY_IP):
    """What the portal sees of a request that came through the proxy: the proxy's own
    address, and X-Forwarded-For as the proxy passed it on."""
    return {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_one_proxy_visitors_are_counted_apart(form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    use_up(form, **through_proxy(MALLORY_IP))
    # Alice comes through the same proxy: her own bucket, not the proxy's.
    assert form.post(**through_proxy(ALICE_IP)) == 302


def test_behind_one_proxy_forged_entries_neither_escape_nor_move_the_limit(form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    use_up(form, **through_proxy(MALLORY_IP))
    # Mallory sends X-Forwarded-For headers of her own; the proxy appends her address.
    for forged in (ALICE_IP, f"192.0.2.1, {ALICE_IP}", "not-an-address", "", MALLORY_V6):
        assert form.post(**through_proxy(f"{forged}, {MALLORY_IP}")) == 429, forged
    # None of those forgeries counted against Alice.
    assert form.post(**through_proxy(ALICE_IP)) == 302


def test_behind_one_proxy_forgeries_from_the_start_count_as_mallory(form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every request claims to come from Alice or someone new; all are Mallory's.
    statuses = [form.post(**through_proxy(f"192.0.2.{n}, {ALICE_IP}, {MALLORY_IP}"))
                for n in range(form.limit + 1)]
    assert statuses == [302] * form.limit + [429]
    assert form.post(**through_proxy(ALICE_IP)) == 302


def test_behind_one_proxy_an_ipv6_visitor_cannot_escape_by_changing_address(form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    use_up(form, **through_proxy(MALLORY_V6))
    # Another address from Mallory's own /64 (privacy extensions hand out new ones
    # freely) is still Mallory, however it is spelt ...
    assert form.post(**through_proxy(MALLORY_V6_OTHER)) == 429
    assert form.post(**through_proxy(f" {MALLORY_V6.upper()} ")) == 429
    # ... while Alice's network is her own.
    assert form.post(**through_proxy(ALICE_V6)) == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(form, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    # Mallory faces the portal directly and sends a different header each time.
    statuses = [form.post(REMOTE_ADDR=MALLORY_IP, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
                for n in range(form.limit + 1)]
    assert statuses == [302] * form.limit + [429]
    assert form.post(REMOTE_ADDR=MALLORY_IP, HTTP_X_FORWARDED_FOR=ALICE_IP) == 429
    # Alice is her connection's address, whatever header she (or Mallory) sends.
    assert form.post(REMOTE_ADDR=ALICE_IP, HTTP_X_FORWARDED_FOR=MALLORY_IP) == 302


def test_a_request_that_skipped_the_proxy_is_counted_by_its_connection(form, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # Two proxies are configured but the header has only one entry: it cannot be
    # trusted, so the connecting address counts, and that is Mallory's.
    use_up(form, REMOTE_ADDR=MALLORY_IP, HTTP_X_FORWARDED_FOR=ALICE_IP)
    assert form.post(REMOTE_ADDR=MALLORY_IP, HTTP_X_FORWARDED_FOR="192.0.2.1") == 429
    # Through both proxies, Alice is the second entry from the right.
    assert form.post(**through_proxy(f"{ALICE_IP}, 10.0.0.2")) == 302

"""The visitor's address, read behind a configured number of trusted reverse proxies, and
the bucket that lockouts and rate limits count it in."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address of the visitor who sent ``request``, for lockouts and rate limits.

    With TRUSTED_PROXY_COUNT = 0 the portal faces the internet: REMOTE_ADDR is the
    visitor, and X-Forwarded-For is ignored because anyone can send it.

    With N trusted proxies, each proxy appends the address it received the request from
    to X-Forwarded-For, so the N-th entry from the right was written by our outermost
    proxy and is the visitor. Entries further left came from the client and can be
    forged, so they are never read. REMOTE_ADDR alone would be the proxy's own address:
    every visitor would share one lockout bucket.

    When the header has fewer entries than there are proxies (a request that reached the
    server without passing all of them) or the entry is not an IP address, the answer
    falls back to REMOTE_ADDR: that cannot be spoofed, only be too coarse.
    """
    return visitor_address(request.META.get("REMOTE_ADDR", ""),
                           request.META.get("HTTP_X_FORWARDED_FOR"),
                           getattr(settings, "TRUSTED_PROXY_COUNT", 0))


def visitor_address(remote_addr, forwarded_for, proxy_count):
    """client_ip's rule on plain values, for code without a Django request (a log
    formatter given gunicorn's REMOTE_ADDR and X-Forwarded-For, say): the connecting
    address, the X-Forwarded-For header or None, and the number of trusted proxies."""
    if proxy_count <= 0 or forwarded_for is None:
        return _normalised(remote_addr) or remote_addr
    # Empty entries are kept, not dropped: dropping them would let a client shift which
    # entry counts as the N-th from the right.
    forwarded = [part.strip() for part in forwarded_for.split(",")]
    if len(forwarded) < proxy_count:
        return _normalised(remote_addr) or remote_addr
    return _normalised(forwarded[-proxy_count]) or _normalised(remote_addr) or remote_addr


# One IPv6 visitor holds a whole /64 (what an ISP gives a home or an office; privacy
# extensions pick new addresses from it all the time), so counting IPv6 addresses one by
# one would let a visitor escape a limit by changing address. django-ratelimit's own "ip"
# key groups by /64 for the same reason (RATELIMIT_IPV6_MASK).
IPV6_PREFIX = 64


def client_bucket(request):
    """What login lockouts and rate limits count by: the visitor's address (client_ip),
    an IPv6 address as the first address of its /64 network (still a valid address, so
    django-axes can store it). Logs name the exact address instead (client_ip)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False)
                   .network_address)
    return address


def _normalised(value):
    """The address in canonical form, or None if it is not an IP address.

    Canonical so that one visitor is one bucket: "2001:DB8::1" and "2001:db8:0::1" are the
    same address, and an IPv4 address seen through an IPv6 socket ("::ffff:192.0.2.1") is
    the IPv4 address.
    """
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)

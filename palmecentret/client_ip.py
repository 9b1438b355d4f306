"""The visitor's address, read behind a configured number of trusted reverse proxies."""

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
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return _normalised(remote_addr) or remote_addr
    # Empty entries are kept, not dropped: dropping them would let a client shift which
    # entry counts as the N-th from the right.
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if request.META.get("HTTP_X_FORWARDED_FOR") is None or len(forwarded) < count:
        return _normalised(remote_addr) or remote_addr
    return _normalised(forwarded[-count]) or _normalised(remote_addr) or remote_addr


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

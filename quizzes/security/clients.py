"""The address a request really came from, as far as this deployment can tell.

`X-Forwarded-For` is written by whoever sends the request: only the entries appended by proxies
of our own can be believed. KMODQUIZ["TRUSTED_PROXIES"] says how many there are in front of the
app (default 0: the header is ignored and the peer address is the client). With N proxies, the
client is the N-th address from the right of the header: each proxy appends the address it saw,
so whatever a client puts on the left is skipped.
"""

from __future__ import annotations

from typing import Any

from quizzes import conf


def client_address(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or the entry the trusted proxies vouch for."""
    meta = request.META
    # No peer address (only a request built in code, e.g. the test client's force_login): the
    # unspecified address, which an IP column (django-axes' on PostgreSQL) still stores.
    remote = meta.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - an address, not a bind
    trusted = int(conf.get("TRUSTED_PROXIES") or 0)
    if trusted <= 0:
        return remote
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if not forwarded:
        return remote
    # With fewer entries than proxies, the leftmost is the furthest hop we know of.
    return forwarded[-min(trusted, len(forwarded))]

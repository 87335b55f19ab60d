"""Rate limits, counted in the configured (shared) cache and read from settings at call time.

DRF checks permissions before throttles, so an anonymous caller would get its 401 without ever
being counted; ThrottleFirst (the first permission) checks the throttles earlier, and each
throttle counts a request once however often it is asked.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from quizzes.security.clients import client_address


class _CountOnce:
    scope: str

    def get_ident(self, request: Request) -> str:
        # The real client address (the trusted proxy setting), never a client-chosen header.
        return client_address(request)

    def get_rate(self) -> str | None:
        # DRF binds THROTTLE_RATES when the module is imported; read them per request instead
        # so that settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: Any) -> bool:
        marker = f"_kmodquiz_counted_{self.scope}"
        if getattr(request, marker, False):
            return True
        setattr(request, marker, True)
        return super().allow_request(request, view)  # type: ignore[misc]


class UserThrottle(_CountOnce, UserRateThrottle):
    """Per signed-in user (whatever token or session they use)."""

    scope = "user"


class AnonThrottle(_CountOnce, AnonRateThrottle):
    """Per client address for anonymous callers."""

    scope = "anon"


class TokenCreateThrottle(_CountOnce, SimpleRateThrottle):
    """Creating tokens accepts a password (HTTP Basic): a burst limit per address.

    Keyed by address alone, because asking who the user is would authenticate — and answer a
    wrong password with 401 — before the throttle had counted the attempt. Password guessing
    itself is stopped by the sign-in lockout (quizzes.security.lockout), per address and per
    account; this limit is short (per minute), so it never keeps a right password out for long.
    """

    scope = "tokens"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ThrottleFirst(BasePermission):
    """Not a permission: runs the view's throttles before the real permission checks."""

    def has_permission(self, request: Request, view: Any) -> bool:
        view.check_throttles(request)
        return True

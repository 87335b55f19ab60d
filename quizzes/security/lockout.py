"""Sign-in lockouts (django-axes), shared by the sign-in page and `POST /api/v1/tokens`.

Failed passwords are counted per client address (client_address: the trusted proxy setting) and
per account, in the database, so every app node agrees. After AXES_FAILURE_LIMIT failures from
one address, or against one account, sign-ins from that address or to that account are refused
until AXES_COOLOFF_TIME has passed since the last counted failure (attempts made during the
lockout are not counted, so an attacker cannot keep an account locked by hammering it); then the
right password gets in and clears the account's failures. An admin releases a lockout at once
(the admin's "Access attempts", or `manage.py axes_reset_username NAME`).
"""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth import get_user_model
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication

from quizzes.security.clients import client_address

LOCKED_OUT = "Too many failed sign-ins: try again in {minutes} minutes, or ask an administrator."


def axes_client_address(request: Any) -> str:
    """AXES_CLIENT_IP_CALLABLE: the same address the API throttles use."""
    return client_address(request)


class LockoutBackend(AxesStandaloneBackend):
    """axes' check before the password backends; a call without a request (a management
    command, a test) comes from no client, so there is nothing to count."""

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class LockedOut(exceptions.Throttled):
    default_code = "locked_out"

    def __init__(self, *, wait: int, detail: str) -> None:
        super().__init__(wait=wait, detail=detail)
        self.detail = exceptions.ErrorDetail(detail, self.default_code)  # no "Expected ..." tail


def cool_off_seconds() -> int:
    delta = get_cool_off()
    return int(delta.total_seconds()) if delta else 0


class LockoutBasicAuthentication(BasicAuthentication):
    """HTTP Basic (only to make tokens), counted and locked out as the sign-in page is: a locked
    address or account gets 429 with Retry-After, whatever the password."""

    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        try:
            user, auth = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                seconds = cool_off_seconds()
                raise LockedOut(
                    wait=seconds,
                    detail=LOCKED_OUT.format(minutes=max(1, math.ceil(seconds / 60))),
                ) from None
            raise
        if request is not None:
            # A right password clears the account's failures, as signing in on the page does.
            AxesProxyHandler.user_logged_in(get_user_model(), request=request, user=user)
        return user, auth

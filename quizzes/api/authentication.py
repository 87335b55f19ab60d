"""Token authentication: knox's hashed tokens, fetched with their scope in one query."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from rest_framework import exceptions

from quizzes.api import clock
from quizzes.models import ApiTokenScope

INVALID_TOKEN = _("Invalid or expired token.")


class ScopedTokenAuthentication(TokenAuthentication):
    """knox's TokenAuthentication, cheaper per request and aware of token scopes.

    knox looks up the user's every other token on each request to purge expired ones; here one
    query fetches the token, its user and its scope (and whether the scope lists banks), and
    only this token is deleted when it has expired. `request.auth` is the AuthToken.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        through = ApiTokenScope.banks.through
        candidates = (
            get_token_model()
            .objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user", "user__learner_profile", "scope")
            .annotate(
                limited_to_banks=Exists(
                    through.objects.filter(apitokenscope_id=OuterRef("scope__id"))
                )
            )
        )
        now = clock.now()
        for auth_token in candidates:
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < now:
                auth_token.delete()
                break
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID_TOKEN)


class ScopedTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ScopedTokenAuthentication."""

    target_class = ScopedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class LockoutBasicScheme(OpenApiAuthenticationExtension):
    """HTTP Basic with sign-in lockouts (only `POST /tokens`): plain basic auth in the schema."""

    target_class = "quizzes.security.lockout.LockoutBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "basic"}

"""Who may do what: token scopes, bank instructors, and the progress permission."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from quizzes.models import ApiTokenScope

TOKEN_READ_ONLY = "This token is read-only."
TOKEN_LIMITED = (
    "This token is limited to some banks: account-wide data and settings need a token that is "
    "not limited to banks (or a signed-in session)."
)
PROGRESS_PERMISSION = "quizzes.view_bank_progress"


def token_scope(request: Request) -> ApiTokenScope | None:
    """The scope of the token that authenticated the request (None: a session, or no scope)."""
    auth = request.auth
    if auth is None or not hasattr(auth, "digest"):
        return None
    try:
        return auth.scope
    except ApiTokenScope.DoesNotExist:
        return None


def token_bank_ids(request: Request) -> list[int] | None:
    """Ids of the banks the request's token is limited to; None when it is not limited."""
    cached = getattr(request, "_kmodquiz_token_bank_ids", False)
    if cached is not False:
        return cached
    scope = token_scope(request)
    ids: list[int] | None = None
    # The authentication query already told whether the scope lists banks: ask only then.
    if scope is not None and getattr(request.auth, "limited_to_banks", True):
        ids = list(scope.banks.values_list("id", flat=True)) or None
    request._kmodquiz_token_bank_ids = ids  # type: ignore[attr-defined]
    return ids


def limit_to_token_banks(request: Request, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
    """Narrow a queryset to the banks the request's token may reach (`field` names the bank)."""
    ids = token_bank_ids(request)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


class TokenScopeAllows(BasePermission):
    """A read-only token may only read."""

    message = TOKEN_READ_ONLY
    code = "token_read_only"

    def has_permission(self, request: Request, view: Any) -> bool:
        scope = token_scope(request)
        return scope is None or not scope.read_only or request.method in SAFE_METHODS


def require_unlimited_token(request: Request) -> None:
    """Refuse (403) what reaches beyond any bank: account settings, new banks, the export.

    A token limited to some banks must see and change nothing outside them."""
    if token_bank_ids(request) is not None:
        raise PermissionDenied(TOKEN_LIMITED, code="token_limited")


class CanCreateBanks(BasePermission):
    """Creating a bank needs Django's `quizzes.add_bank` permission; reading needs nothing."""

    message = "You need the permission to create banks."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method != "POST":
            return True
        require_unlimited_token(request)  # a new bank is outside the token's banks
        return bool(request.user and request.user.has_perm("quizzes.add_bank"))

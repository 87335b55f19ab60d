"""API tokens, the baseline ping, and JSON 404s for unknown API paths."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api import clock
from quizzes.api.authentication import ScopedTokenAuthentication
from quizzes.api.exceptions import error_body
from quizzes.api.permissions import token_bank_ids
from quizzes.api.serializers.me import (
    PingSerializer,
    TokenCreatedSerializer,
    TokenCreateSerializer,
    TokenSerializer,
)
from quizzes.api.throttles import TokenCreateThrottle
from quizzes.api.views.base import READ, WRITE, errors, visible_banks
from quizzes.models import ApiTokenScope, LearnerProfile
from quizzes.security.lockout import LockoutBasicAuthentication
from quizzes.services import accounts

UNKNOWN_BANKS = "Unknown banks: {slugs}."
BANKS_BEYOND_TOKEN = "A token limited to some banks can only make tokens for those banks."


def _my_tokens(request: Request) -> Any:
    """The caller's live tokens; for a token limited to some banks, only the tokens limited to
    (some of) the same banks: the ones it could have made itself."""
    now = clock.now()
    tokens = ApiTokenScope.objects.filter(token__user=request.user).exclude(token__expiry__lte=now)
    if (bank_ids := token_bank_ids(request)) is not None:
        links = ApiTokenScope.banks.through.objects.filter(apitokenscope_id=OuterRef("pk"))
        tokens = tokens.filter(Exists(links)).exclude(Exists(links.exclude(bank_id__in=bank_ids)))
    return tokens.select_related("token").prefetch_related("banks").order_by("-created_at", "-id")


@extend_schema_view(
    get=extend_schema(
        summary="Your API tokens",
        description="Their names, scopes and expiry; the tokens themselves are not stored. A "
        "token limited to some banks lists only the tokens limited to those banks.",
        responses={200: TokenSerializer(many=True), **errors(400, *READ, 404)},
    ),
    post=extend_schema(
        summary="Create an API token",
        description="Authenticate with your username and password (HTTP Basic), a session or "
        "another token. The token is in the answer, once. It can be read-only, limited to "
        "some banks, and expire.",
        request=TokenCreateSerializer,
        responses={201: TokenCreatedSerializer, **errors(*WRITE)},
    ),
)
class TokenListView(generics.ListCreateAPIView):
    serializer_class = TokenSerializer
    filter_backends: list[type] = []

    def get_authenticators(self) -> list[Any]:
        # A password (HTTP Basic) is accepted only to make a token; everything else uses one.
        classes: list[type] = [ScopedTokenAuthentication, SessionAuthentication]
        # (The schema generator asks before it has a request: it then documents every class.)
        if getattr(self.request, "method", "POST") == "POST":
            classes.append(LockoutBasicAuthentication)
        return [cls() for cls in classes]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Count password attempts before authenticating them (DRF authenticates first).
        if request.method == "POST":
            throttle = TokenCreateThrottle()
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ApiTokenScope.objects.none()
        return _my_tokens(self.request)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        slugs = list(dict.fromkeys(data["banks"]))
        banks = list(visible_banks(request).filter(slug__in=slugs))
        if missing := sorted(set(slugs) - {b.slug for b in banks}):
            raise ValidationError({"banks": [UNKNOWN_BANKS.format(slugs=", ".join(missing))]})
        if token_bank_ids(request) is not None and not banks:
            # Otherwise a limited token could mint an unlimited one.
            raise ValidationError({"banks": [BANKS_BEYOND_TOKEN]})
        scope, text = accounts.api_token_create(
            user=request.user,
            now=clock.now(),
            name=data["name"],
            read_only=data["read_only"],
            banks=banks,
            expiry=data["expires_at"],
        )
        scope = _my_tokens(request).get(pk=scope.pk)
        body = {**TokenSerializer(scope).data, "token": text}
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Revoke an API token",
    description="A token limited to some banks can revoke only tokens limited to those banks.",
    responses={204: OpenApiResponse(description="Revoked."), **errors(401, 403, 404, 429)},
)
class TokenDetailView(APIView):
    def delete(self, request: Request, pk: int) -> Response:
        scope = _my_tokens(request).filter(pk=pk).first()
        if scope is None:
            raise Http404
        accounts.api_token_revoke(scope=scope)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary="Check your credentials",
    description="Authenticates as every endpoint does and runs one indexed query: the baseline "
    "of bench/api_throughput.py.",
    responses={200: PingSerializer, **errors(*READ)},
)
class PingView(APIView):
    def get(self, request: Request) -> Response:
        # One indexed SELECT (the profile's unique user_id), to measure a minimal request.
        LearnerProfile.objects.filter(user_id=request.user.pk).values_list("pk", flat=True).first()
        return Response({"ok": True, "user": request.user.get_username(), "time": clock.now()})


NO_TRAILING_SLASH = "Not found. API paths have no trailing slash: try {path}"


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/: a JSON 404 (Django's would be HTML)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    def _answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        path = request.path
        if path.endswith("/") and len(path) > 1:
            return Response(
                error_body("not_found", NO_TRAILING_SLASH.format(path=path.rstrip("/"))),
                status=status.HTTP_404_NOT_FOUND,
            )
        raise Http404

    get = post = put = patch = delete = head = options = _answer

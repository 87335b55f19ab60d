"""What every API view shares: scoping to the caller, instructor checks, error responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from quizzes import scheduling
from quizzes.api.permissions import limit_to_token_banks
from quizzes.api.serializers.common import ErrorSerializer
from quizzes.models import Bank, BankMembership, Card, Enrollment, Rating
from quizzes.services import banks_visible_to

NOT_INSTRUCTOR = "Only this bank's instructors may do that."

_ERROR_DESCRIPTIONS = {
    400: "Invalid input: malformed JSON, bad UTF-8, wrong types or values (see `fields`).",
    401: "No valid credentials (send `Authorization: Token <token>` or a session cookie).",
    403: "Authenticated, but not allowed (e.g. not an instructor, or a read-only token).",
    404: "No such object, or one the caller may not see (or no such page or cursor of a list).",
    409: "Conflicts with the current state.",
    413: "The request body is too large.",
    429: "Too many requests: wait `Retry-After` seconds.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error responses an operation can give."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
        for code in codes
    }


READ = (401, 429)
WRITE = (400, 401, 403, 413, 429)

BANK_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The bank's slug.")


def visible_banks(request: Request) -> QuerySet[Bank]:
    """Banks the caller may see, narrowed to the ones their token reaches."""
    return limit_to_token_banks(request, banks_visible_to(user=request.user), "pk")


def bank_or_404(request: Request, slug: str, *, queryset: QuerySet[Bank] | None = None) -> Bank:
    try:
        return (queryset if queryset is not None else visible_banks(request)).get(slug=slug)
    except Bank.DoesNotExist:
        raise Http404 from None


def is_instructor(request: Request, bank: Bank) -> bool:
    """The owner, an instructor member, or a superuser (remembered for the request)."""
    cache: dict[int, bool] = request.__dict__.setdefault("_kmodquiz_instructs", {})
    if bank.pk not in cache:
        user = request.user
        cache[bank.pk] = bool(
            user.is_superuser
            or bank.owner_id == user.pk
            or BankMembership.objects.filter(
                bank=bank, user=user, role=BankMembership.Role.INSTRUCTOR
            ).exists()
        )
    return cache[bank.pk]


def require_instructor(request: Request, bank: Bank) -> None:
    if not is_instructor(request, bank):
        raise PermissionDenied(NOT_INSTRUCTOR)


def instructs_q(user: Any, field: str = "") -> Q:
    """Q on a Bank queryset (or a relation to one through `field`) for banks `user` teaches."""
    prefix = f"{field}__" if field else ""
    if user.is_superuser:
        return Q()
    teaches = BankMembership.objects.filter(
        bank=OuterRef(f"{prefix}pk"), user=user, role=BankMembership.Role.INSTRUCTOR
    )
    return Q(**{f"{prefix}owner": user}) | Q(Exists(teaches))


def enrolled_cards(request: Request) -> QuerySet[Card]:
    """Cards of the banks the caller is enrolled in (and their token reaches)."""
    enrolled = Enrollment.objects.filter(learner=request.user, bank_id=OuterRef("bank_id"))
    cards = Card.objects.filter(Exists(enrolled)).select_related("question", "bank")
    return limit_to_token_banks(request, cards, "bank_id")


def enrolled_bank_ids(request: Request) -> list[int]:
    banks = Enrollment.objects.filter(learner=request.user)
    return list(limit_to_token_banks(request, banks, "bank_id").values_list("bank_id", flat=True))


def previews(previews: dict[int, datetime], *, now: datetime) -> list[dict[str, Any]]:
    """Interval previews as the API shows them, in rating order."""
    return [
        {
            "rating": rating,
            "label": Rating(rating).label.lower(),
            "due": due,
            "interval": scheduling.format_interval(due - now),
        }
        for rating, due in sorted(previews.items())
    ]


def validated(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    """The input, checked by `serializer_class` (a 400 naming each bad field otherwise)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)

"""The learner's own data (profile, review log, progress) and a bank's cohort progress."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import stats
from quizzes.api import clock
from quizzes.api.filters import ReviewLogFilter
from quizzes.api.pagination import ReviewCursorPagination
from quizzes.api.permissions import (
    PROGRESS_PERMISSION,
    limit_to_token_banks,
    require_unlimited_token,
)
from quizzes.api.renderers import CSVRenderer
from quizzes.api.serializers.common import StrictSlugField
from quizzes.api.serializers.me import (
    CohortRowSerializer,
    ProfileSerializer,
    ProgressSerializer,
    ReviewLogSerializer,
)
from quizzes.api.views.base import (
    BANK_SLUG,
    READ,
    WRITE,
    bank_or_404,
    enrolled_bank_ids,
    errors,
    is_instructor,
)
from quizzes.models import Bank, Card, ReviewLog
from quizzes.selectors import learner_profile_get
from quizzes.services import accounts

NOT_ALLOWED_PROGRESS = "Only the bank's instructors and LMS service accounts may read this."


class _Days(serializers.Serializer):
    """Query parameters, given as a plain dict (`query_params.dict()`): from a QueryDict DRF
    would take an empty optional value (`?bank=`) as absent instead of refusing it."""

    days = serializers.IntegerField(min_value=1, max_value=stats.MAX_DAYS, default=30)
    forecast_days = serializers.IntegerField(min_value=1, max_value=stats.MAX_DAYS, default=30)
    bank = StrictSlugField(required=False)


def _day_count(name: str, description: str) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": 1, "maximum": stats.MAX_DAYS, "default": 30}
    return OpenApiParameter(name, schema, description=description)


DAYS = _day_count("days", f"How many past learner days (1–{stats.MAX_DAYS}, default 30).")
CSV_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="`csv` for CSV (or send `Accept: text/csv`)."
)


@extend_schema(
    summary="Your progress",
    description="Streak, reviews per day, retention (share of reviews of cards in review state "
    "not rated Again), mastery per topic (share of cards whose retrievability now is at least "
    "your desired retention) and the due forecast, over your enrolled banks.",
    parameters=[
        DAYS,
        _day_count("forecast_days", f"Days of forecast (1–{stats.MAX_DAYS}, default 30)."),
        OpenApiParameter(
            "bank",
            {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
            description="Only this bank (slug).",
        ),
    ],
    responses={200: ProgressSerializer, **errors(400, *READ, 404)},
)
class MyProgressView(APIView):
    def get(self, request: Request) -> Response:
        params = _Days(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        options = params.validated_data
        bank_ids = enrolled_bank_ids(request)
        if slug := options.get("bank"):
            bank = bank_or_404(request, slug)
            if bank.pk not in bank_ids:
                raise Http404
            bank_ids = [bank.pk]
        progress = stats.learner_progress(
            learner=request.user,
            now=clock.now(),
            bank_ids=bank_ids,
            days=options["days"],
            forecast_days=options["forecast_days"],
        )
        return Response(progress_json(progress))


def progress_json(progress: stats.Progress) -> dict[str, Any]:
    return {
        "today": progress.today,
        "streak": progress.streak,
        "desired_retention": progress.desired_retention,
        "reviews_per_day": [
            {"date": d.day, "reviews": d.reviews, "again": d.again}
            for d in progress.reviews_per_day
        ],
        "retention": {**asdict(progress.retention), "rate": progress.retention.rate},
        "mastery": [{**asdict(m), "share": m.share} for m in progress.mastery],
        "forecast": [{"date": d.day, "due": d.reviews} for d in progress.forecast],
    }


@extend_schema(
    summary="Your review log",
    description="Newest first, cursor-paginated (follow `next`, or the Link header for CSV). "
    "Undone reviews are left out unless `include_undone=true`.",
    parameters=[CSV_FORMAT],
    responses={
        (200, "application/json"): ReviewLogSerializer(many=True),
        (200, "text/csv"): ReviewLogSerializer(many=True),
        **errors(400, *READ, 404),
    },
)
class MyReviewListView(generics.ListAPIView):
    serializer_class = ReviewLogSerializer
    pagination_class = ReviewCursorPagination
    renderer_classes = [JSONRenderer, CSVRenderer]
    filterset_class = ReviewLogFilter
    filter_backends = generics.ListAPIView.filter_backends[:1]  # the cursor fixes the order

    def get_queryset(self) -> QuerySet[ReviewLog]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewLog.objects.none()
        logs = ReviewLog.objects.filter(learner=self.request.user)
        return limit_to_token_banks(self.request, logs, "bank_id").select_related(
            "bank", "card__question"
        )


@extend_schema_view(
    get=extend_schema(summary="Your settings", responses={200: ProfileSerializer, **errors(*READ)}),
    patch=extend_schema(
        summary="Change your settings",
        description="New daily limits also apply to the banks whose limits you have not set "
        "separately. Needs a token not limited to banks (the settings apply to all of them).",
        request=ProfileSerializer(partial=True),
        responses={200: ProfileSerializer, **errors(*WRITE)},
    ),
)
class MyProfileView(APIView):
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(learner_profile_get(learner=request.user)).data)

    def patch(self, request: Request) -> Response:
        require_unlimited_token(request)  # the settings apply to every bank
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = accounts.profile_update(learner=request.user, **serializer.validated_data)
        return Response(ProfileSerializer(profile).data)


@extend_schema(
    summary="Every enrolled learner's progress in a bank",
    description="For the bank's instructors and for LMS service accounts (users with the "
    "`quizzes.view_bank_progress` permission, typically with a read-only token limited to "
    "their banks). Page-numbered; JSON or CSV.",
    parameters=[BANK_SLUG, DAYS, CSV_FORMAT],
    responses={
        (200, "application/json"): CohortRowSerializer(many=True),
        (200, "text/csv"): CohortRowSerializer(many=True),
        **errors(400, *READ, 403, 404),
    },
)
class BankProgressView(generics.ListAPIView):
    serializer_class = CohortRowSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends: list[type] = []

    def _bank(self) -> Bank:
        request = self.request
        if request.user.has_perm(PROGRESS_PERMISSION):
            # A service account reads any bank its token reaches, private ones too.
            scope = limit_to_token_banks(request, Bank.objects.all(), "pk")
            return bank_or_404(request, self.kwargs["slug"], queryset=scope)
        bank = bank_or_404(request, self.kwargs["slug"])
        if not is_instructor(request, bank):
            raise PermissionDenied(NOT_ALLOWED_PROGRESS)
        return bank

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Bank.objects.none()
        params = _Days(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        self.bank = self._bank()
        return stats.bank_cohort_progress(
            bank=self.bank, now=clock.now(), days=params.validated_data["days"]
        ).order_by("learner__username", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        bank = getattr(self, "bank", None)
        if bank is not None:
            context["cards_total"] = Card.objects.filter(bank=bank, retired_at__isnull=True).count()
        return context

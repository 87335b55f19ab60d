"""Banks, their topics, and enrolments."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import services
from quizzes.api import clock
from quizzes.api.filters import BankFilter
from quizzes.api.permissions import CanCreateBanks, limit_to_token_banks
from quizzes.api.serializers.banks import (
    BankCreateSerializer,
    BankSerializer,
    BankUpdateSerializer,
    BulkEnrollResultSerializer,
    BulkEnrollSerializer,
    EnrollmentSerializer,
    EnrollmentUpdateSerializer,
    TopicCreateSerializer,
    TopicSerializer,
)
from quizzes.api.views.base import (
    BANK_SLUG,
    READ,
    WRITE,
    bank_or_404,
    errors,
    instructs_q,
    is_instructor,
    require_instructor,
    validated,
    visible_banks,
)
from quizzes.models import Bank, Enrollment, Question, Topic
from quizzes.services import authoring

# --- banks --------------------------------------------------------------------------------------


def annotated_banks(request: Request) -> QuerySet[Bank]:
    """Visible banks with the caller's relation to each and their size, in one query."""
    user = request.user
    active = (
        Question.objects.filter(bank=OuterRef("pk"), retired_at__isnull=True)
        .order_by()
        .values("bank")
        .annotate(n=Count("*"))
        .values("n")
    )
    teaches = Value(True) if user.is_superuser else instructs_q(user)
    return (
        visible_banks(request)
        .select_related("owner")
        .annotate(
            enrolled=Exists(Enrollment.objects.filter(bank=OuterRef("pk"), learner=user)),
            is_instructor=teaches,
            question_count=Coalesce(Subquery(active), 0),
        )
    )


@extend_schema_view(
    get=extend_schema(
        summary="List the banks you can see",
        description="Public banks, banks you are enrolled in and banks you teach.",
        responses={200: BankSerializer(many=True), **errors(400, *READ, 404)},
    ),
    post=extend_schema(
        summary="Create a bank",
        description="Needs the `quizzes.add_bank` permission and a token not limited to banks; "
        "you become its owner.",
        request=BankCreateSerializer,
        responses={201: BankSerializer, **errors(*WRITE)},
    ),
)
class BankListView(generics.ListCreateAPIView):
    permission_classes = [*generics.ListCreateAPIView.permission_classes, CanCreateBanks]
    serializer_class = BankSerializer
    filterset_class = BankFilter
    ordering_fields = ["title", "slug", "created_at", "updated_at"]
    ordering = ["title", "slug"]

    def get_queryset(self) -> QuerySet[Bank]:
        if getattr(self, "swagger_fake_view", False):
            return Bank.objects.none()
        return annotated_banks(self.request)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(BankCreateSerializer, request.data)
        bank = authoring.bank_create(user=request.user, **data)
        bank = annotated_banks(request).get(pk=bank.pk)
        return Response(BankSerializer(bank).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="A bank",
        parameters=[BANK_SLUG],
        responses={200: BankSerializer, **errors(*READ, 404)},
    ),
    patch=extend_schema(
        summary="Change a bank (instructors)",
        parameters=[BANK_SLUG],
        request=BankUpdateSerializer,
        responses={200: BankSerializer, **errors(*WRITE, 404)},
    ),
    delete=extend_schema(
        summary="Delete a bank (instructors)",
        description="A bank with reviews or checked answers is retired instead: its history "
        "is kept.",
        parameters=[BANK_SLUG],
        responses={
            204: OpenApiResponse(description="Deleted or retired."),
            **errors(401, 403, 404, 429),
        },
    ),
)
class BankDetailView(APIView):
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            BankSerializer(bank_or_404(request, slug, queryset=annotated_banks(request))).data
        )

    def patch(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        require_instructor(request, bank)
        data = validated(BankUpdateSerializer, request.data, partial=True)
        authoring.bank_update(bank=bank, **data)
        bank = annotated_banks(request).get(pk=bank.pk)
        return Response(BankSerializer(bank).data)

    def delete(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        require_instructor(request, bank)
        authoring.bank_delete(bank=bank, now=clock.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- topics -------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="A bank's topics",
        parameters=[BANK_SLUG],
        responses={200: TopicSerializer(many=True), **errors(400, *READ, 404)},
    ),
    post=extend_schema(
        summary="Add a topic (instructors)",
        description="A subtopic's slug is its parent's slug, a slash and its own part.",
        parameters=[BANK_SLUG],
        request=TopicCreateSerializer,
        responses={201: TopicSerializer, **errors(*WRITE, 404)},
    ),
)
class TopicListView(generics.ListCreateAPIView):
    serializer_class = TopicSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Topic]:
        bank = bank_or_404(self.request, self.kwargs["slug"])
        return Topic.objects.filter(bank=bank).select_related("parent").order_by("slug")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bank = bank_or_404(request, kwargs["slug"])
        require_instructor(request, bank)
        data = validated(TopicCreateSerializer, request.data)
        topic = authoring.topic_create(bank=bank, **data)
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)


# --- enrolment ----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Your enrolment in a bank",
        parameters=[BANK_SLUG],
        responses={200: EnrollmentSerializer, **errors(*READ, 404)},
    ),
    post=extend_schema(
        summary="Enrol in a bank",
        description="Idempotent: 201 when you were enrolled now, 200 when you already were. "
        "Private banks need an instructor to enrol you.",
        parameters=[BANK_SLUG],
        request=None,
        responses={
            200: EnrollmentSerializer,
            201: EnrollmentSerializer,
            **errors(401, 403, 404, 409, 429),
        },
    ),
    patch=extend_schema(
        summary="Change your daily limits in a bank",
        parameters=[BANK_SLUG],
        request=EnrollmentUpdateSerializer,
        responses={200: EnrollmentSerializer, **errors(*WRITE, 404)},
    ),
    delete=extend_schema(
        summary="Leave a bank",
        description="Your progress is kept: enrolling again resumes it.",
        parameters=[BANK_SLUG],
        responses={
            204: OpenApiResponse(description="Not enrolled (any more)."),
            **errors(401, 403, 404, 429),
        },
    ),
)
class MyEnrollmentView(APIView):
    def _mine(self, request: Request, bank: Bank) -> Enrollment:
        enrollment = (
            Enrollment.objects.select_related("bank", "learner")
            .filter(bank=bank, learner=request.user)
            .first()
        )
        if enrollment is None:
            raise Http404
        return enrollment

    def get(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        return Response(EnrollmentSerializer(self._mine(request, bank)).data)

    def post(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        existing = Enrollment.objects.filter(bank=bank, learner=request.user).first()
        if existing is not None:
            # Idempotent, even in a private bank the learner could not join by themselves.
            return Response(EnrollmentSerializer(existing).data)
        enrollment = services.enroll(
            learner=request.user, bank=bank, by_instructor=is_instructor(request, bank)
        )
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)

    def patch(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        enrollment = self._mine(request, bank)
        data = validated(EnrollmentUpdateSerializer, request.data)
        authoring.enrollment_update(enrollment=enrollment, **data)
        return Response(EnrollmentSerializer(enrollment).data)

    def delete(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        services.unenroll(learner=request.user, bank=bank)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        summary="A bank's enrolled learners (instructors)",
        parameters=[BANK_SLUG],
        responses={200: EnrollmentSerializer(many=True), **errors(400, *READ, 403, 404)},
    ),
    post=extend_schema(
        summary="Enrol users by username or e-mail (instructors)",
        description="Idempotent: users already enrolled are reported as `already`.",
        parameters=[BANK_SLUG],
        request=BulkEnrollSerializer,
        responses={200: BulkEnrollResultSerializer, **errors(*WRITE, 404)},
    ),
)
class BankEnrollmentListView(generics.ListCreateAPIView):
    serializer_class = EnrollmentSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Enrollment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        bank = bank_or_404(self.request, self.kwargs["slug"])
        require_instructor(self.request, bank)
        return (
            Enrollment.objects.filter(bank=bank)
            .select_related("bank", "learner")
            .order_by("learner__username")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bank = bank_or_404(request, kwargs["slug"])
        require_instructor(request, bank)
        data = validated(BulkEnrollSerializer, request.data)
        result = authoring.enroll_bulk(bank=bank, identifiers=data["users"])
        return Response(BulkEnrollResultSerializer(result).data)


@extend_schema(
    summary="Your enrolments",
    responses={200: EnrollmentSerializer(many=True), **errors(400, *READ, 404)},
)
class MyEnrollmentListView(generics.ListAPIView):
    serializer_class = EnrollmentSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Enrollment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        mine = Enrollment.objects.filter(learner=self.request.user)
        return (
            limit_to_token_banks(self.request, mine, "bank_id")
            .select_related("bank", "learner")
            .order_by("bank__title", "bank__slug")
        )

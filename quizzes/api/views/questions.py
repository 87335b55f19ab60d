"""Questions (read by learners without answers until answered; written by instructors) and
reports of problems with them."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api import clock, presentation
from quizzes.api.filters import QuestionFilter, ReportFilter
from quizzes.api.serializers.banks import (
    QuestionSerializer,
    QuestionUpdateSerializer,
    QuestionWriteSerializer,
    ReportCreateSerializer,
    ReportResolveSerializer,
    ReportSerializer,
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
from quizzes.models import Attempt, Bank, Card, Question, QuestionReport, ReviewLog, Topic
from quizzes.selectors import QuestionAttempts, question_attempts
from quizzes.services import authoring

CARD_NOT_IN_QUESTION = "No card with this id in this question."


# --- questions ----------------------------------------------------------------------------------


def _questions(request: Request, *, instructor: bool) -> QuerySet[Question]:
    reviewed = ReviewLog.objects.filter(
        learner=request.user, card__question=OuterRef("pk"), undone_at__isnull=True
    )
    # A checked answer showed the solution too (the first verdict sticks, see services.attempts).
    checked = Attempt.objects.filter(learner=request.user, question=OuterRef("pk"))
    questions = (
        Question.objects.select_related("bank")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("slug").only("id", "slug")),
            Prefetch(
                "cards",
                queryset=Card.objects.filter(retired_at__isnull=True).only("id", "question"),
            ),
        )
        .annotate(answered=Exists(reviewed) | Exists(checked))
    )
    return questions if instructor else questions.filter(retired_at__isnull=True)


def _question_json(
    request: Request,
    question: Question,
    *,
    instructor: bool,
    statistics: dict[int, QuestionAttempts] | None = None,
) -> dict[str, Any]:
    return presentation.question_payload(
        question,
        viewer_id=request.user.pk,
        instructor=instructor,
        answered=bool(getattr(question, "answered", False)),
        topics=[t.slug for t in question.topics.all()],
        cards=[c.pk for c in question.cards.all()],
        statistics=(statistics or {}).get(question.pk),
    )


def _statistics(questions: list[Question], *, instructor: bool) -> dict[int, QuestionAttempts]:
    """Attempts and "I was right" overrides, for instructors only (two queries per page)."""
    if not instructor:
        return {}
    return question_attempts(question_ids=[q.pk for q in questions])


@extend_schema_view(
    get=extend_schema(
        summary="A bank's questions",
        description="Learners see active questions without their answers until they have "
        "answered them; instructors see everything, retired questions too (`?retired=true`).",
        parameters=[BANK_SLUG],
        responses={200: QuestionSerializer(many=True), **errors(400, *READ, 404)},
    ),
    post=extend_schema(
        summary="Add a question (instructors)",
        description="The fields of the native bank format (docs/formats.md).",
        parameters=[BANK_SLUG],
        request=QuestionWriteSerializer,
        responses={201: QuestionSerializer, **errors(*WRITE, 404)},
    ),
)
class QuestionListView(generics.ListCreateAPIView):
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    ordering_fields = ["external_id", "created_at", "updated_at", "difficulty", "kind"]
    ordering = ["external_id"]

    def get_queryset(self) -> QuerySet[Question]:
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        bank = self.bank
        return _questions(self.request, instructor=is_instructor(self.request, bank)).filter(
            bank=bank
        )

    @property
    def bank(self) -> Bank:
        if not hasattr(self, "_bank"):
            self._bank = bank_or_404(self.request, self.kwargs["slug"])
        return self._bank

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instructor = is_instructor(request, self.bank)
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        statistics = _statistics(page, instructor=instructor)
        rows = [
            _question_json(request, q, instructor=instructor, statistics=statistics) for q in page
        ]
        return self.get_paginated_response(rows)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_instructor(request, self.bank)
        data = validated(QuestionWriteSerializer, request.data)
        question = authoring.question_create(bank=self.bank, data=data, now=clock.now())
        question = _questions(request, instructor=True).get(pk=question.pk)
        return Response(
            _question_json(request, question, instructor=True, statistics={}),
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(
        summary="A question", responses={200: QuestionSerializer, **errors(*READ, 404)}
    ),
    put=extend_schema(
        summary="Replace a question (instructors)",
        request=QuestionUpdateSerializer,
        responses={200: QuestionSerializer, **errors(*WRITE, 404)},
    ),
    patch=extend_schema(
        summary="Change some fields of a question (instructors)",
        description="Learners keep their progress on it.",
        request=QuestionUpdateSerializer(partial=True),
        responses={200: QuestionSerializer, **errors(*WRITE, 404)},
    ),
    delete=extend_schema(
        summary="Delete a question (instructors)",
        description="A question with reviews or checked answers is retired instead: its "
        "history is kept.",
        responses={
            204: OpenApiResponse(description="Deleted or retired."),
            **errors(401, 403, 404, 429),
        },
    ),
)
class QuestionDetailView(APIView):
    def _get(self, request: Request, pk: int) -> tuple[Question, bool]:
        question = (
            Question.objects.select_related("bank")
            .filter(pk=pk, bank__in=visible_banks(request))
            .first()
        )
        if question is None:
            raise Http404
        instructor = is_instructor(request, question.bank)
        if question.retired_at is not None and not instructor:
            raise Http404
        return question, instructor

    def _respond(self, request: Request, pk: int, instructor: bool) -> Response:
        question = _questions(request, instructor=instructor).get(pk=pk)
        statistics = _statistics([question], instructor=instructor)
        return Response(
            _question_json(request, question, instructor=instructor, statistics=statistics)
        )

    def get(self, request: Request, pk: int) -> Response:
        _question, instructor = self._get(request, pk)
        return self._respond(request, pk, instructor)

    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        question, _ = self._get(request, pk)
        require_instructor(request, question.bank)
        changes = validated(QuestionUpdateSerializer, request.data, partial=partial)
        authoring.question_update(question=question, changes=changes, now=clock.now())
        return self._respond(request, pk, True)

    def delete(self, request: Request, pk: int) -> Response:
        question, _ = self._get(request, pk)
        require_instructor(request, question.bank)
        authoring.question_delete(question=question, now=clock.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reports ------------------------------------------------------------------------------------


@extend_schema(
    summary="Report a problem with a question",
    request=ReportCreateSerializer,
    responses={201: ReportSerializer, **errors(*WRITE, 404)},
)
class ReportCreateView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        question = (
            Question.objects.filter(pk=pk, bank__in=visible_banks(request), retired_at__isnull=True)
            .select_related("bank")
            .first()
        )
        if question is None:
            raise Http404
        data = validated(ReportCreateSerializer, request.data)
        card = None
        if data.get("card"):
            card = Card.objects.filter(pk=data["card"], question=question).first()
            if card is None:
                raise ValidationError({"card": [CARD_NOT_IN_QUESTION]})
        report = authoring.report_create(
            reporter=request.user,
            question=question,
            text=data["text"],
            card=card,
            now=clock.now(),
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


def _reports(request: Request) -> QuerySet[QuestionReport]:
    return QuestionReport.objects.select_related(
        "question", "bank", "reporter", "resolved_by"
    ).order_by("-created_at", "-id")


@extend_schema(
    summary="Reports on a bank's questions (instructors)",
    parameters=[BANK_SLUG],
    responses={200: ReportSerializer(many=True), **errors(400, *READ, 403, 404)},
)
class BankReportListView(generics.ListAPIView):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["created_at", "status"]

    def get_queryset(self) -> QuerySet[QuestionReport]:
        if getattr(self, "swagger_fake_view", False):
            return QuestionReport.objects.none()
        bank = bank_or_404(self.request, self.kwargs["slug"])
        require_instructor(self.request, bank)
        return _reports(self.request).filter(bank=bank)


@extend_schema(
    summary="Resolve a report (the bank's instructors)",
    request=ReportResolveSerializer,
    responses={200: ReportSerializer, **errors(*WRITE, 404, 409)},
)
class ReportResolveView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        taught = visible_banks(request).filter(instructs_q(request.user))
        report = _reports(request).filter(pk=pk, bank__in=taught).first()
        if report is None:
            raise Http404
        data = validated(ReportResolveSerializer, request.data)
        report = authoring.report_resolve(
            report=report, user=request.user, now=clock.now(), resolution=data["resolution"]
        )
        return Response(ReportSerializer(report).data)

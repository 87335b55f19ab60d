"""Courses (cohorts, usually LMS courses) and the progress of their learners."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from quizzes import stats
from quizzes.api import clock
from quizzes.api.permissions import PROGRESS_PERMISSION, limit_to_token_banks, token_bank_ids
from quizzes.api.renderers import CSVRenderer
from quizzes.api.serializers.courses import CourseProgressRowSerializer, CourseSerializer
from quizzes.api.views.base import READ, errors, instructs_q
from quizzes.api.views.me import CSV_FORMAT, DAYS, _Days
from quizzes.models import Bank, Card, Course, CourseMembership, Enrollment

NOT_ALLOWED_COURSE_PROGRESS = (
    "Only the course's instructors, its banks' instructors and LMS service accounts may read this."
)
COURSE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The course's id.")


def _reads_everything(request: Request) -> bool:
    user = request.user
    return bool(user.is_superuser or user.has_perm(PROGRESS_PERMISSION))


def _teaches_q(request: Request) -> Q:
    """Courses the caller teaches: as an instructor member, or through one of their banks."""
    user = request.user
    instructs = CourseMembership.objects.filter(
        course=OuterRef("pk"),
        user=user,
        role=CourseMembership.Role.INSTRUCTOR,
        left_at__isnull=True,
    )
    banks = Bank.objects.filter(instructs_q(user), courses=OuterRef("pk"))
    return Q(Exists(instructs)) | Q(Exists(banks))


def visible_courses(request: Request) -> QuerySet[Course]:
    """Courses the caller may see: theirs (member or teacher), or all for service accounts;
    a token limited to some banks reaches the courses studying one of them."""
    courses = Course.objects.all()
    if not _reads_everything(request):
        member = CourseMembership.objects.filter(
            course=OuterRef("pk"), user=request.user, left_at__isnull=True
        )
        courses = courses.filter(Q(Exists(member)) | _teaches_q(request))
    ids = token_bank_ids(request)
    if ids is not None:
        courses = courses.filter(
            Exists(Course.banks.through.objects.filter(course_id=OuterRef("pk"), bank_id__in=ids))
        )
    return courses


def _active(role: str) -> Any:
    counted = (
        CourseMembership.objects.filter(course=OuterRef("pk"), role=role, left_at__isnull=True)
        .order_by()
        .values("course")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Subquery(counted)


@extend_schema(
    summary="The courses you can see",
    description="Courses you are a member of or teach (as a course instructor or an instructor "
    "of one of its banks); every course for LMS service accounts (users with the "
    "`quizzes.view_bank_progress` permission). An LMS course launched through LTI becomes a "
    "course here.",
    responses={200: CourseSerializer(many=True), **errors(400, *READ, 404)},
)
class CourseListView(generics.ListAPIView):
    serializer_class = CourseSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Course]:
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        role = CourseMembership.objects.filter(
            course=OuterRef("pk"), user=self.request.user, left_at__isnull=True
        ).values("role")[:1]
        return (
            visible_courses(self.request)
            .annotate(
                learners=_active(CourseMembership.Role.LEARNER),
                instructors=_active(CourseMembership.Role.INSTRUCTOR),
                role=Subquery(role),
            )
            # A token limited to some banks names only those of each course.
            .prefetch_related(
                Prefetch(
                    "banks", queryset=limit_to_token_banks(self.request, Bank.objects.all(), "pk")
                )
            )
            .order_by("title", "id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        response = super().list(request, *args, **kwargs)
        for row in response.data["results"]:
            row["learners"] = row["learners"] or 0
            row["instructors"] = row["instructors"] or 0
        return response


@extend_schema(
    summary="A course's learners and their progress, bank by bank",
    description="One row per current learner member and bank of the course, with the same "
    "figures as a bank's progress. For the course's instructors, its banks' instructors and LMS "
    "service accounts. Page-numbered; JSON or CSV.",
    parameters=[COURSE_ID, DAYS, CSV_FORMAT],
    responses={
        (200, "application/json"): CourseProgressRowSerializer(many=True),
        (200, "text/csv"): CourseProgressRowSerializer(many=True),
        **errors(400, *READ, 403, 404),
    },
)
class CourseProgressView(generics.ListAPIView):
    serializer_class = CourseProgressRowSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends: list[type] = []

    def _course(self) -> Course:
        request = self.request
        course = visible_courses(request).filter(pk=self.kwargs["pk"]).first()
        if course is None:
            raise Http404
        teaches = Course.objects.filter(_teaches_q(request), pk=course.pk).exists()
        if not (_reads_everything(request) or teaches):
            raise PermissionDenied(NOT_ALLOWED_COURSE_PROGRESS)
        return course

    def _bank_ids(self, course: Course) -> list[int]:
        ids = list(course.banks.values_list("pk", flat=True))
        limit = token_bank_ids(self.request)
        return ids if limit is None else [pk for pk in ids if pk in limit]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        params = _Days(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        course = self._course()
        self.bank_ids = self._bank_ids(course)
        learners = CourseMembership.objects.filter(
            course=course, role=CourseMembership.Role.LEARNER, left_at__isnull=True
        ).values("user_id")
        enrollments = Enrollment.objects.filter(bank_id__in=self.bank_ids, learner_id__in=learners)
        return stats.cohort_progress(
            enrollments, now=clock.now(), days=params.validated_data["days"]
        ).order_by("learner__username", "bank__slug", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        bank_ids = getattr(self, "bank_ids", None)
        if bank_ids is not None:
            context["cards_total"] = dict(
                Card.objects.filter(bank_id__in=bank_ids, retired_at__isnull=True)
                .order_by()
                .values("bank_id")
                .annotate(n=Count("*"))
                .values_list("bank_id", "n")
            )
        return context

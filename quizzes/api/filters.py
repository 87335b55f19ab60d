"""django-filter sets: questions (topic, kind, difficulty, due), banks, reports, reviews."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from quizzes.api import clock
from quizzes.models import (
    Bank,
    CardState,
    Enrollment,
    Question,
    QuestionKind,
    QuestionReport,
    ReviewLog,
)


class QuestionFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(
        method="filter_topic", label="Topic slug; its subtopics are included."
    )
    kind = django_filters.MultipleChoiceFilter(choices=QuestionKind.choices)
    difficulty = django_filters.MultipleChoiceFilter(choices=[(1, "1"), (2, "2"), (3, "3")])
    due = django_filters.BooleanFilter(
        method="filter_due", label="Only questions with a card due for you now (or not)."
    )
    retired = django_filters.BooleanFilter(
        field_name="retired_at",
        lookup_expr="isnull",
        exclude=True,
        label="Retired questions (instructors see them).",
    )

    class Meta:
        model = Question
        fields = ["topic", "kind", "difficulty", "due", "retired"]

    def filter_topic(self, queryset: QuerySet[Question], name: str, value: str) -> Any:
        # Exists rather than a join: a question under two matching topics is listed once.
        # A question's topics are in its own bank, so the slug alone identifies them.
        links = Question.topics.through.objects.filter(question_id=OuterRef("pk")).filter(
            Q(topic__slug=value) | Q(topic__slug__startswith=f"{value}/")
        )
        return queryset.filter(Exists(links))

    def filter_due(self, queryset: QuerySet[Question], name: str, value: bool) -> Any:
        now = clock.now()
        due = CardState.objects.filter(
            learner=self.request.user,
            card__question=OuterRef("pk"),
            suspended=False,
            retired=False,
            due__lte=now,
        ).exclude(buried_until__gt=now)
        return queryset.filter(Exists(due)) if value else queryset.exclude(Exists(due))


class BankFilter(django_filters.FilterSet):
    enrolled = django_filters.BooleanFilter(method="filter_enrolled", label="You are enrolled.")
    retired = django_filters.BooleanFilter(
        field_name="retired_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Bank
        fields = ["visibility", "enrolled", "retired"]

    def filter_enrolled(self, queryset: QuerySet[Bank], name: str, value: bool) -> Any:
        mine = Enrollment.objects.filter(bank=OuterRef("pk"), learner=self.request.user)
        return queryset.filter(Exists(mine)) if value else queryset.exclude(Exists(mine))


class ReportFilter(django_filters.FilterSet):
    class Meta:
        model = QuestionReport
        fields = ["status"]


class ReviewLogFilter(django_filters.FilterSet):
    """Filters of the review log; undone reviews are left out unless asked for."""

    since = django_filters.IsoDateTimeFilter(
        field_name="reviewed_at", lookup_expr="gte", label="Reviews at or after (ISO 8601)."
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="reviewed_at", lookup_expr="lt", label="Reviews before (ISO 8601)."
    )
    bank = django_filters.CharFilter(field_name="bank__slug", label="Bank slug.")
    card = django_filters.NumberFilter(field_name="card_id")
    include_undone = django_filters.BooleanFilter(
        method="filter_undone", label="Include undone reviews (default false)."
    )

    class Meta:
        model = ReviewLog
        fields: list[str] = []

    def filter_undone(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        return queryset  # applied in `qs`, which also covers the parameter being absent

    @property
    def qs(self) -> QuerySet[Any]:
        queryset = super().qs
        if not self.form.cleaned_data.get("include_undone"):
            queryset = queryset.filter(undone_at__isnull=True)
        return queryset

"""django-filter sets: questions (topic, kind, difficulty, due), banks, reports, reviews.

Query values the schema forbids are refused with a 400 naming the parameter, never ignored:
`retired=null` or `retired=` is not a boolean, `until=` is not a date-time, and a date-time
that cannot be expressed in UTC (`9999-12-31T23:59:59-01:00`) is out of range.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from quizzes.api import clock
from quizzes.api.serializers.common import MAX_ID
from quizzes.models import (
    Bank,
    CardState,
    Enrollment,
    Question,
    QuestionKind,
    QuestionReport,
    ReviewLog,
)

NOT_BOOLEAN = "Must be true or false."
EMPTY_VALUE = "Must not be empty: leave the parameter out instead."
DATETIME_OUT_OF_RANGE = "Out of range: the instant must lie between the years 1 and 9999 in UTC."


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(NOT_BOOLEAN, code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant that still exists once converted to UTC."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise ValidationError(DATETIME_OUT_OF_RANGE, code="invalid") from None
        return value


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number from 1 to 2**63 − 1. Anything else is a 400 naming the
    parameter, not a query the database cannot run (`card=-6e261` was a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given with an empty value is an error (except free text, where "" is text)."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.CharFilter) or name not in self.data:
                continue
            if "" in self.data.getlist(name) and name not in self.form.errors:
                self.form.add_error(name, ValidationError(EMPTY_VALUE, code="empty"))
                valid = False
        return valid


class QuestionFilter(StrictFilterSet):
    topic = django_filters.CharFilter(
        method="filter_topic", label="Topic slug; its subtopics are included."
    )
    kind = django_filters.MultipleChoiceFilter(choices=QuestionKind.choices)
    difficulty = django_filters.MultipleChoiceFilter(choices=[(1, "1"), (2, "2"), (3, "3")])
    due = StrictBooleanFilter(
        method="filter_due", label="Only questions with a card due for you now (or not)."
    )
    retired = StrictBooleanFilter(
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


class BankFilter(StrictFilterSet):
    enrolled = StrictBooleanFilter(method="filter_enrolled", label="You are enrolled.")
    retired = StrictBooleanFilter(field_name="retired_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Bank
        fields = ["visibility", "enrolled", "retired"]

    def filter_enrolled(self, queryset: QuerySet[Bank], name: str, value: bool) -> Any:
        mine = Enrollment.objects.filter(bank=OuterRef("pk"), learner=self.request.user)
        return queryset.filter(Exists(mine)) if value else queryset.exclude(Exists(mine))


class ReportFilter(StrictFilterSet):
    class Meta:
        model = QuestionReport
        fields = ["status"]


class ReviewLogFilter(StrictFilterSet):
    """Filters of the review log; undone reviews are left out unless asked for."""

    since = UtcDateTimeFilter(
        field_name="reviewed_at", lookup_expr="gte", label="Reviews at or after (ISO 8601)."
    )
    until = UtcDateTimeFilter(
        field_name="reviewed_at", lookup_expr="lt", label="Reviews before (ISO 8601)."
    )
    bank = django_filters.CharFilter(field_name="bank__slug", label="Bank slug.")
    card = IdFilter(field_name="card_id", label="Card id.")
    include_undone = StrictBooleanFilter(
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

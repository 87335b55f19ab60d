"""Shapes shared by every endpoint: the error body, Markdown, counts, previews."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.models import (
    Rating,
)
from quizzes.rendering import markdown_to_html

MAX_ID = 2**63 - 1  # the largest row id a bigint column holds: ids beyond it are a 400, not a 500

# --- strings that are strings -----------------------------------------------------------------
NOT_A_STRING = "Not a valid string."


class _StringOnly:
    """DRF's string fields take a JSON number for a string (0 becomes "0"), which the schema
    forbids: these take strings only."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_A_STRING, code="invalid")
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(_StringOnly, serializers.CharField):
    pass


class StrictRegexField(_StringOnly, serializers.RegexField):
    pass


class StrictSlugField(_StringOnly, serializers.SlugField):
    pass


NOT_A_BOOLEAN = "Must be true or false."


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only (DRF would take 0, 1, "yes"…, which the schema forbids)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError(NOT_A_BOOLEAN, code="invalid")
        return data


# --- shared -----------------------------------------------------------------------------------
class ProblemSerializer(serializers.Serializer):
    """One problem of a file that cannot be imported."""

    line = serializers.IntegerField(allow_null=True, required=False)
    column = serializers.IntegerField(allow_null=True, required=False)
    path = serializers.CharField(required=False, help_text="The field, e.g. `questions[3].kind`.")
    text = serializers.CharField(required=False, help_text="An excerpt of the offending value.")
    message = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per field (dotted path), the problems found; empty when not about fields.",
    )
    # Only when an import's file cannot be imported (code `invalid_file`):
    problems = ProblemSerializer(
        many=True, required=False, help_text="Every problem of the file (the first 200)."
    )
    problem_count = serializers.IntegerField(required=False, help_text="How many in all.")
    run = serializers.URLField(required=False, help_text="The failed import's URL.")


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response."""

    error = ErrorDetailSerializer()


class MarkdownSerializer(serializers.Serializer):
    markdown = serializers.CharField(help_text="As authored.")
    html = serializers.CharField(help_text="Rendered and sanitised (safe to insert).")


@extend_schema_field(MarkdownSerializer)
class MarkdownField(serializers.Field):
    """A Markdown text as {"markdown", "html"}."""

    def to_representation(self, value: str) -> dict[str, str]:
        return {"markdown": value, "html": markdown_to_html(value)}


class QueueCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    learning = serializers.IntegerField()
    review = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    label = serializers.CharField(help_text="again, hard, good or easy")
    due = serializers.DateTimeField()
    interval = serializers.CharField(help_text="Short label, e.g. `10m`, `3d`, `2.1mo`.")

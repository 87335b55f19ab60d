"""The learner's own data (profile, reviews, progress), a bank's cohort, and tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.api.serializers.banks import UserBriefSerializer
from quizzes.api.serializers.common import StrictBooleanField, StrictCharField, StrictSlugField
from quizzes.models import (
    ApiTokenScope,
    CardStatus,
    Enrollment,
    LearnerProfile,
    ReviewLog,
)
from quizzes.services import accounts
from quizzes.timezones import TIMEZONES


# --- the learner: profile, reviews, progress --------------------------------------------------
@extend_schema_field(
    {"type": "string", "enum": list(TIMEZONES), "description": "An IANA time zone name."}
)
class TimezoneField(serializers.ChoiceField):
    """An IANA time zone name (the schema lists them without a line of prose each)."""


class ProfileSerializer(serializers.ModelSerializer):
    timezone = TimezoneField(
        choices=TIMEZONES,
        error_messages={"invalid_choice": accounts.TIMEZONE_UNKNOWN},
        help_text="An IANA time zone name, e.g. Europe/Berlin.",
    )
    day_start_hour = serializers.IntegerField(min_value=0, max_value=23)
    new_per_day = serializers.IntegerField(min_value=0, max_value=9999)
    reviews_per_day = serializers.IntegerField(min_value=0, max_value=99999)
    desired_retention = serializers.FloatField(min_value=0.7, max_value=0.99)
    bury_new_siblings = StrictBooleanField(
        help_text="A cloze's other new cards wait for the next day once one was studied today."
    )
    bury_review_siblings = StrictBooleanField(
        help_text="Likewise its other cards due for review today."
    )

    class Meta:
        model = LearnerProfile
        fields = [
            "timezone",
            "day_start_hour",
            "new_per_day",
            "reviews_per_day",
            "desired_retention",
            "bury_new_siblings",
            "bury_review_siblings",
        ]


class ReviewLogSerializer(serializers.ModelSerializer):
    bank = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    question = serializers.IntegerField(source="card.question_id", read_only=True)
    external_id = StrictCharField(source="card.question.external_id", read_only=True)
    deletion = StrictCharField(source="card.deletion", read_only=True)
    status_before = serializers.SerializerMethodField()

    class Meta:
        model = ReviewLog
        fields = [
            "id",
            "reviewed_at",
            "bank",
            "card",
            "question",
            "external_id",
            "deletion",
            "rating",
            "correct",
            "score",
            "answer",
            "elapsed_ms",
            "status_before",
            "due_after",
            "interval_seconds",
            "undone_at",
            "overridden",
        ]
        read_only_fields = fields

    def get_status_before(self, log: ReviewLog) -> str:
        return CardStatus(log.status_before).label.lower()


class DayCountSerializer(serializers.Serializer):
    date = serializers.DateField()
    reviews = serializers.IntegerField()
    again = serializers.IntegerField()


class ForecastDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    due = serializers.IntegerField()


class RetentionSerializer(serializers.Serializer):
    reviews = serializers.IntegerField(help_text="Reviews of cards in review state.")
    passed = serializers.IntegerField(help_text="Those not rated Again.")
    rate = serializers.FloatField(allow_null=True)


class MasterySerializer(serializers.Serializer):
    bank = StrictCharField()
    topic = StrictCharField()
    title = StrictCharField()
    cards = serializers.IntegerField()
    mastered = serializers.IntegerField()
    share = serializers.FloatField()


class ProgressSerializer(serializers.Serializer):
    today = serializers.DateField(help_text="The learner's current day.")
    streak = serializers.IntegerField()
    desired_retention = serializers.FloatField()
    reviews_per_day = DayCountSerializer(many=True)
    retention = RetentionSerializer(help_text="Over the same days as reviews_per_day.")
    mastery = MasterySerializer(many=True)
    forecast = ForecastDaySerializer(many=True)


class CohortRowSerializer(serializers.ModelSerializer):
    """One enrolled learner's progress in a bank (a row of the LMS export)."""

    learner = UserBriefSerializer(read_only=True)
    enrolled_at = serializers.DateTimeField(source="created_at")
    reviews = serializers.IntegerField()
    reviews_recent = serializers.IntegerField(help_text="In the last `days` days (default 30).")
    accuracy = serializers.SerializerMethodField(
        help_text="Share of graded answers right, overridden ones counted apart."
    )
    overridden = serializers.IntegerField(help_text='Wrong verdicts overridden ("I was right").')
    retention = serializers.SerializerMethodField()
    cards_total = serializers.SerializerMethodField()
    cards_started = serializers.IntegerField()
    cards_learned = serializers.IntegerField(help_text="Cards in review state.")
    due_now = serializers.IntegerField()
    last_review_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Enrollment
        fields = [
            "learner",
            "enrolled_at",
            "reviews",
            "reviews_recent",
            "accuracy",
            "overridden",
            "retention",
            "cards_total",
            "cards_started",
            "cards_learned",
            "due_now",
            "last_review_at",
        ]
        read_only_fields = fields

    def get_accuracy(self, row: Any) -> float | None:
        judged = row.graded - row.overridden
        return row.correct / judged if judged else None

    def get_retention(self, row: Any) -> float | None:
        return row.review_passed / row.review_reviews if row.review_reviews else None

    def get_cards_total(self, row: Any) -> int:
        return int(self.context["cards_total"])


# --- tokens -----------------------------------------------------------------------------------
class TokenSerializer(serializers.ModelSerializer):
    key_prefix = serializers.SerializerMethodField(help_text="The token's first characters.")
    banks = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    expires_at = serializers.DateTimeField(source="token.expiry", allow_null=True)

    class Meta:
        model = ApiTokenScope
        fields = ["id", "name", "key_prefix", "read_only", "banks", "created_at", "expires_at"]
        read_only_fields = fields

    def get_key_prefix(self, scope: ApiTokenScope) -> str:
        return scope.token.token_key[:8]


class TokenCreatedSerializer(TokenSerializer):
    token = StrictCharField(help_text="Shown only now: only its digest is stored.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    read_only = StrictBooleanField(default=False)
    banks = serializers.ListField(
        child=StrictSlugField(),
        required=False,
        default=list,
        help_text="Bank slugs this token is limited to; empty: every bank you can see.",
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Null: never expires."
    )


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    user = StrictCharField()
    time = serializers.DateTimeField()

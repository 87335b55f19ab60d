"""Item analysis, the card browser and its bulk actions: the shapes of their API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from quizzes import analytics
from quizzes.analytics.moodle import Flag
from quizzes.api.filters import EMPTY_VALUE
from quizzes.api.serializers.common import MAX_ID
from quizzes.models import QuestionKind
from quizzes.services.card_batches import BULK_ACTIONS, MAX_BULK_CARDS


# --- item analysis ---------------------------------------------------------------------------
class OptionCountSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField(help_text="Markdown, as authored.")
    correct = serializers.BooleanField()
    chosen = serializers.IntegerField(help_text="First answers that chose it.")
    share = serializers.FloatField(allow_null=True, help_text="% of first answers.")


class AnswerCountSerializer(serializers.Serializer):
    answer = serializers.JSONField(help_text="The answer payload as given (docs/formats.md).")
    count = serializers.IntegerField()
    last_at = serializers.DateTimeField(required=False, help_text="Overrides only.")


class QuestionStatsSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    external_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    retired = serializers.BooleanField()
    attempts = serializers.IntegerField(help_text="Learners with a first attempt.")
    facility = serializers.FloatField(allow_null=True, help_text="Mean first-attempt score, %.")
    sd = serializers.FloatField(allow_null=True, help_text="Standard deviation, %.")
    discrimination = serializers.FloatField(
        allow_null=True, help_text="Discrimination index, % (Moodle's)."
    )
    efficiency = serializers.FloatField(
        allow_null=True, help_text="Discriminative efficiency, % (Moodle's)."
    )
    lapse_rate = serializers.FloatField(
        allow_null=True, help_text="% of reviews of its cards in review state rated Again."
    )
    reviews_in_review = serializers.IntegerField()
    lapses = serializers.IntegerField()
    mean_time_s = serializers.FloatField(allow_null=True)
    median_time_s = serializers.FloatField(allow_null=True)
    overrides = serializers.IntegerField(help_text="Answers overridden with “I was right”.")
    open_reports = serializers.IntegerField()
    flags = serializers.ListField(child=serializers.ChoiceField(choices=[f.value for f in Flag]))
    options = OptionCountSerializer(many=True, help_text="Choice kinds: wrong options first.")
    wrong_answers = AnswerCountSerializer(many=True, help_text="Other kinds: most common first.")
    override_answers = AnswerCountSerializer(many=True)


class BankAnalysisSerializer(serializers.Serializer):
    bank = serializers.SlugField()
    learners = serializers.IntegerField(help_text="Learners with a first attempt in the bank.")
    computed_at = serializers.DateTimeField()
    count = serializers.IntegerField()
    results = QuestionStatsSerializer(many=True)


def sort_choices(keys: Any) -> list[str]:
    return [prefix + key for key in keys for prefix in ("", "-")]


MAX_LAPSES = 2**31 - 1


class StrictQuerySerializer(serializers.Serializer):
    """Query parameters, validated from `query_params.dict()`: a parameter given with an empty
    value is refused (as the other list endpoints do) rather than read as absent; free-text
    fields named in `TEXT` may be empty."""

    TEXT: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Values are taken as given: str.strip() also drops \x1c–\x1f, and a value of only
        # those, schema-valid, would become "" and a 400. A blank value names nothing.
        for field in self.fields.values():
            if isinstance(field, serializers.CharField):
                field.trim_whitespace = False

    def to_internal_value(self, data: Any) -> Any:
        empty = {
            name: [EMPTY_VALUE]
            for name, value in data.items()
            if value == "" and name in self.fields and name not in self.TEXT
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class AnalysisQuerySerializer(StrictQuerySerializer):
    ordering = serializers.ChoiceField(
        choices=sort_choices(analytics.SORT_KEYS), required=False, default="external_id"
    )
    flagged = serializers.BooleanField(required=False, default=False)
    retired = serializers.BooleanField(required=False, default=False)


# --- the card browser ------------------------------------------------------------------------
class CardRowSerializer(serializers.Serializer):
    card_id = serializers.IntegerField()
    question_id = serializers.IntegerField()
    external_id = serializers.CharField()
    deletion = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    bank = serializers.SlugField()
    state = serializers.ChoiceField(choices=list(analytics.STATES))
    due = serializers.DateTimeField(allow_null=True)
    interval_days = serializers.FloatField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)
    difficulty = serializers.FloatField(allow_null=True, help_text="FSRS difficulty, 1–10.")
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    last_review = serializers.DateTimeField(allow_null=True)
    suspended = serializers.BooleanField()
    leech = serializers.BooleanField()
    buried = serializers.BooleanField()
    buried_until = serializers.DateTimeField(allow_null=True)


class CardPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CardRowSerializer(many=True)


class CardQuerySerializer(StrictQuerySerializer):
    """The card browser's search, from the query string."""

    TEXT = ("q",)

    q = serializers.CharField(required=False, default="", max_length=200, allow_blank=True)
    bank = serializers.SlugField(required=False, default="")
    topic = serializers.CharField(required=False, default="", max_length=200)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False, default="")
    state = serializers.ChoiceField(choices=list(analytics.STATES), required=False, default="")
    # Booleans: true/false (1/0, yes/no); "null" is not a value here (the schema says boolean).
    suspended = serializers.BooleanField(required=False, default=None)
    leech = serializers.BooleanField(required=False, default=None)
    buried = serializers.BooleanField(required=False, default=None)
    due_from = serializers.DateField(required=False, default=None)
    due_to = serializers.DateField(required=False, default=None)
    lapses_min = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_LAPSES, default=None
    )
    lapses_max = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_LAPSES, default=None
    )
    ordering = serializers.ChoiceField(
        choices=sort_choices(analytics.SORTS), required=False, default="due"
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=analytics.MAX_PER_PAGE, default=50
    )

    def filters(self) -> analytics.CardFilters:
        data = self.validated_data
        ordering = data["ordering"]
        return analytics.CardFilters(
            text=data["q"].strip(),
            bank=data["bank"],
            topic=data["topic"],
            kind=data["kind"],
            state=data["state"],
            suspended=data["suspended"],
            leech=data["leech"],
            buried=data["buried"],
            due_from=data["due_from"],
            due_to=data["due_to"],
            lapses_min=data["lapses_min"],
            lapses_max=data["lapses_max"],
            sort=ordering.lstrip("-"),
            descending=ordering.startswith("-"),
        )


class CardBulkSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(BULK_ACTIONS))
    cards = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_BULK_CARDS,
        help_text=f"Card ids, at most {MAX_BULK_CARDS}.",
    )


class CardBulkResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(BULK_ACTIONS))
    cards = serializers.ListField(child=serializers.IntegerField())
    changed = serializers.ListField(
        child=serializers.IntegerField(), help_text="The cards the action changed."
    )

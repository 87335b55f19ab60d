"""The study loop: the next card, checking an answer, reviews, undo, card details."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.api.presentation import ANSWER_FORMATS
from quizzes.api.serializers.banks import QuestionContentMixin
from quizzes.api.serializers.common import (
    MAX_ID,
    MarkdownSerializer,
    PreviewSerializer,
    QueueCountsSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictSlugField,
)
from quizzes.models import (
    CardStatus,
    QuestionKind,
    Rating,
    ReviewLog,
)


# --- study ------------------------------------------------------------------------------------
class CardContentSerializer(QuestionContentMixin):
    id = serializers.IntegerField()
    question = serializers.IntegerField()
    external_id = StrictCharField()
    bank = StrictCharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    deletion = StrictCharField(allow_null=True, help_text="Cloze: the deletion it asks.")
    difficulty = serializers.IntegerField()
    source = StrictCharField()
    since = StrictCharField(
        help_text="When the behaviour it relies on appeared or changed; empty when not stated."
    )
    prompt = MarkdownSerializer()
    answer_format = serializers.ChoiceField(choices=sorted(set(ANSWER_FORMATS.values())))


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "option_id, text, command_line"},
            {"type": "boolean", "description": "boolean (true/false)"},
            {"type": "array", "items": {"type": "string"}, "description": "option_ids, item_ids"},
            {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "blanks ({key: text}), pairs ({left id: right id})",
            },
        ],
        "nullable": True,
    }
)
class AnswerField(serializers.JSONField):
    """The answer payload; its shape depends on the card's kind (its `answer_format`)."""


class AnswerSerializer(serializers.Serializer):
    answer = AnswerField(
        allow_null=True,
        help_text="The answer payload of the card's kind, as its `answer_format` says "
        "(docs/formats.md); null for flashcards. Required: a card of another shape is a 400.",
    )
    serve_token = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="From study/next: the time to answer is recorded with the first attempt.",
    )


class VerdictSerializer(serializers.Serializer):
    answer = serializers.JSONField(help_text="The answer this verdict is about: the first one.")
    correct = serializers.BooleanField(allow_null=True, help_text="Null for flashcards.")
    score = serializers.FloatField()
    feedback = StrictCharField()
    expected = serializers.JSONField()
    explanation = MarkdownSerializer()
    back = MarkdownSerializer(required=False)
    attempted_at = serializers.DateTimeField(help_text="When the first answer was given.")
    repeated = serializers.BooleanField(
        help_text="True when this is an earlier answer's verdict, not the one just sent."
    )
    overridden = serializers.BooleanField(help_text='The learner said "I was right".')
    override_allowed = serializers.BooleanField(
        help_text='A wrong verdict on a typed answer: "I was right" (override) is on offer.'
    )
    ratings = PreviewSerializer(many=True, help_text="The ratings this verdict allows.")
    override_ratings = PreviewSerializer(
        many=True, help_text="With override: the ratings then allowed (empty otherwise)."
    )


class CheckResultSerializer(VerdictSerializer):
    card = serializers.IntegerField()


class StudyNextSerializer(serializers.Serializer):
    card = CardContentSerializer(allow_null=True, help_text="Null when nothing is due now.")
    queue = serializers.ChoiceField(choices=["new", "learning", "review"], allow_null=True)
    serve_token = StrictCharField(
        allow_null=True, help_text="Send it back with the review: it measures the answer time."
    )
    counts = QueueCountsSerializer(help_text="Left today.")
    previews = PreviewSerializer(many=True, help_text="When the card falls due for each rating.")
    attempt = VerdictSerializer(
        allow_null=True,
        help_text="The card was answered already (on any device) and not yet rated: show this "
        "first verdict and its ratings, not a fresh question.",
    )
    next_due = serializers.DateTimeField(
        allow_null=True, help_text="When nothing is due: when the next card is."
    )
    day_ends_at = serializers.DateTimeField(allow_null=True)


class ReviewCreateSerializer(AnswerSerializer):
    card = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional for graded kinds (wrong → Again, right → Good); required for "
        "flashcards.",
    )
    override = StrictBooleanField(
        required=False,
        default=False,
        help_text='"I was right": overrides a wrong verdict on a short-answer, shell-command or '
        "cloze card; Hard, Good or Easy are then allowed (default Good).",
    )


class ReviewResultSerializer(serializers.Serializer):
    review = serializers.IntegerField(help_text="The review log id.")
    card = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    correct = serializers.BooleanField(allow_null=True)
    score = serializers.FloatField()
    feedback = StrictCharField()
    expected = serializers.JSONField()
    explanation = MarkdownSerializer()
    due = serializers.DateTimeField()
    interval = StrictCharField()
    leech = serializers.BooleanField(help_text="This lapse made it a leech: it is suspended.")
    counts = QueueCountsSerializer()
    overridden = serializers.BooleanField(help_text='Rated after "I was right".')


class UndoSerializer(serializers.Serializer):
    bank = StrictSlugField(required=False, help_text="Only undo a review in this bank.")


class UndoResultSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    card = serializers.IntegerField()
    bank = StrictCharField()
    undone_at = serializers.DateTimeField()


class CardStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[s.label.lower() for s in CardStatus])
    step = serializers.IntegerField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)
    difficulty = serializers.FloatField(allow_null=True)
    due = serializers.DateTimeField(allow_null=True)
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    suspended = serializers.BooleanField()
    leech = serializers.BooleanField()
    buried_until = serializers.DateTimeField(allow_null=True)


class HistoryEntrySerializer(serializers.ModelSerializer):
    status_before = serializers.SerializerMethodField()

    class Meta:
        model = ReviewLog
        fields = [
            "id",
            "reviewed_at",
            "rating",
            "correct",
            "score",
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


class CardDetailSerializer(serializers.Serializer):
    card = CardContentSerializer()
    state = CardStateSerializer(allow_null=True, help_text="Null before the first review.")
    retrievability = serializers.FloatField(help_text="Predicted chance of recall now.")
    history = HistoryEntrySerializer(many=True, help_text="Newest first, at most 100.")
    history_truncated = serializers.BooleanField()

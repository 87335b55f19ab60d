"""Banks, topics, enrolment, questions and reports."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from quizzes.api.presentation import ANSWER_FORMATS
from quizzes.api.serializers.common import (
    MarkdownField,
    MarkdownSerializer,
    StrictCharField,
    StrictRegexField,
)
from quizzes.models import (
    Bank,
    Enrollment,
    QuestionKind,
    QuestionReport,
    Topic,
)


# --- banks, topics, enrolment -----------------------------------------------------------------
class BankSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    description = MarkdownField()
    enrolled = serializers.BooleanField(read_only=True, help_text="The caller is enrolled.")
    is_instructor = serializers.BooleanField(read_only=True, help_text="The caller teaches it.")
    question_count = serializers.IntegerField(read_only=True, help_text="Active questions.")

    class Meta:
        model = Bank
        fields = [
            "slug",
            "title",
            "description",
            "version",
            "visibility",
            "owner",
            "enrolled",
            "is_instructor",
            "question_count",
            "created_at",
            "updated_at",
            "retired_at",
        ]
        read_only_fields = fields


class BankCreateSerializer(serializers.Serializer):
    slug = StrictRegexField(r"^[a-z0-9][a-z0-9-]{0,79}$", max_length=80)
    title = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")
    version = StrictCharField(required=False, allow_blank=True, max_length=50, default="")
    visibility = serializers.ChoiceField(
        choices=Bank.Visibility.choices, default=Bank.Visibility.PUBLIC
    )


class BankUpdateSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200, required=False)
    description = StrictCharField(required=False, allow_blank=True)
    version = StrictCharField(required=False, allow_blank=True, max_length=50)
    visibility = serializers.ChoiceField(choices=Bank.Visibility.choices, required=False)


class TopicSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Topic
        fields = ["slug", "title", "parent"]
        read_only_fields = fields


class TopicCreateSerializer(serializers.Serializer):
    slug = StrictCharField(max_length=200)
    title = StrictCharField(max_length=200)
    parent = StrictCharField(max_length=200, required=False, allow_null=True)


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email"]
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer):
    bank = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    learner = UserBriefSerializer(read_only=True)

    class Meta:
        model = Enrollment
        fields = ["bank", "learner", "new_per_day", "reviews_per_day", "created_at"]
        read_only_fields = fields


class EnrollmentUpdateSerializer(serializers.Serializer):
    new_per_day = serializers.IntegerField(min_value=0, max_value=9999, required=False)
    reviews_per_day = serializers.IntegerField(min_value=0, max_value=99999, required=False)


class BulkEnrollSerializer(serializers.Serializer):
    users = serializers.ListField(
        # Taken as sent (not trimmed): "  " is a name that matches nobody, not a blank one.
        child=StrictCharField(max_length=254, min_length=1, trim_whitespace=False),
        allow_empty=False,
        min_length=1,
        max_length=1000,
        help_text="Usernames or e-mail addresses.",
    )


class BulkEnrollResultSerializer(serializers.Serializer):
    enrolled = serializers.ListField(child=StrictCharField())
    already = serializers.ListField(child=StrictCharField())
    not_found = serializers.ListField(child=StrictCharField())
    ambiguous = serializers.ListField(
        child=StrictCharField(), help_text="E-mail addresses shared by several users."
    )


# --- questions --------------------------------------------------------------------------------
class QuestionWriteSerializer(serializers.Serializer):
    """A question as the native format defines it (docs/formats.md); the spec is checked there."""

    external_id = StrictRegexField(r"^[A-Za-z0-9._:-]{1,100}$", max_length=100)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    prompt = StrictCharField(allow_blank=True, trim_whitespace=False)
    explanation = StrictCharField(allow_blank=True, trim_whitespace=False)
    spec = serializers.DictField(help_text="The answer spec of the kind (docs/formats.md).")
    difficulty = serializers.ChoiceField(choices=[1, 2, 3])
    source = StrictCharField(allow_blank=True, max_length=300)
    since = StrictCharField(
        allow_blank=True,
        max_length=50,
        default="",
        help_text="When the behaviour it relies on appeared or changed, e.g. `Linux 5.13`.",
    )
    tags = serializers.ListField(child=StrictCharField(max_length=50), default=list)
    topics = serializers.ListField(
        child=StrictCharField(max_length=200), min_length=1, help_text="Topic slugs."
    )


class QuestionUpdateSerializer(QuestionWriteSerializer):
    """A whole question (PUT) or some of its fields (PATCH); its external id cannot change."""

    external_id = None  # type: ignore[assignment]


class OptionSerializer(serializers.Serializer):
    id = StrictCharField()
    text = StrictCharField()
    html = StrictCharField()


class BlankSerializer(serializers.Serializer):
    key = StrictCharField(help_text="Deletion key, e.g. `c1`.")
    hint = StrictCharField(allow_null=True)


class ClozeSerializer(MarkdownSerializer):
    blanks = BlankSerializer(many=True)


class SolutionSerializer(serializers.Serializer):
    expected = serializers.JSONField(help_text="The correct answer, in the payload's shape.")
    explanation = MarkdownSerializer()
    back = MarkdownSerializer(required=False, help_text="Flashcards: the back of the card.")
    text = MarkdownSerializer(required=False, help_text="Cloze: the text with every blank filled.")


class QuestionContentMixin(serializers.Serializer):
    options = OptionSerializer(many=True, required=False, help_text="Choice questions.")
    items = OptionSerializer(many=True, required=False, help_text="Ordering: shuffled.")
    left = OptionSerializer(many=True, required=False, help_text="Matching: in order.")
    right = OptionSerializer(many=True, required=False, help_text="Matching: shuffled.")
    cloze = ClozeSerializer(required=False, help_text="Cloze: the text with the blanks hidden.")


class OverriddenAnswerSerializer(serializers.Serializer):
    answer = serializers.JSONField(help_text="The answer as given (the payload of its kind).")
    count = serializers.IntegerField(help_text="How many times it was overridden.")
    last_at = serializers.DateTimeField()


class OverridesSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text='Answers judged wrong whose learner said "I was right".'
    )
    answers = OverriddenAnswerSerializer(many=True, help_text="Most frequent first (at most 20).")


class QuestionStatisticsSerializer(serializers.Serializer):
    attempts = serializers.IntegerField(
        help_text="Answers recorded: each learner's first answer at a card in each state."
    )
    graded = serializers.IntegerField(help_text="Of those, graded (flashcards are self-graded).")
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(
        allow_null=True,
        help_text="correct / (graded - overrides): overridden answers are counted apart.",
    )
    overrides = OverridesSerializer(
        help_text='"I was right": the first place to look for a grader that misses right answers.'
    )


class QuestionSerializer(QuestionContentMixin):
    """A question as the caller may see it: learners get no answer until they have answered."""

    id = serializers.IntegerField()
    bank = StrictCharField(help_text="The bank's slug.")
    external_id = StrictCharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    difficulty = serializers.IntegerField()
    source = StrictCharField()
    since = StrictCharField(help_text="Empty when not stated.")
    tags = serializers.ListField(child=StrictCharField())
    topics = serializers.ListField(child=StrictCharField())
    prompt = MarkdownSerializer()
    answer_format = serializers.ChoiceField(choices=sorted(set(ANSWER_FORMATS.values())))
    cards = serializers.ListField(child=serializers.IntegerField(), help_text="Its card ids.")
    answered = serializers.BooleanField(help_text="The caller has reviewed one of its cards.")
    solution = SolutionSerializer(
        allow_null=True, help_text="Null for a learner who has not answered it yet."
    )
    spec = serializers.DictField(required=False, help_text="Instructors only: the full spec.")
    retired_at = serializers.DateTimeField(allow_null=True, required=False)
    updated_at = serializers.DateTimeField(required=False)
    statistics = QuestionStatisticsSerializer(
        required=False, help_text="Instructors only: its learners' answers and overrides."
    )


# --- reports ----------------------------------------------------------------------------------
class ReportCreateSerializer(serializers.Serializer):
    text = StrictCharField(max_length=2000)
    card = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ReportSerializer(serializers.ModelSerializer):
    question = serializers.PrimaryKeyRelatedField(read_only=True)
    external_id = StrictCharField(source="question.external_id", read_only=True)
    bank = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reporter = serializers.SlugRelatedField(slug_field="username", read_only=True)
    resolved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = QuestionReport
        fields = [
            "id",
            "question",
            "external_id",
            "bank",
            "card",
            "reporter",
            "text",
            "status",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]
        read_only_fields = fields


class ReportResolveSerializer(serializers.Serializer):
    resolution = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")

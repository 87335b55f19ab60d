"""Imports and exports: the upload, an import run with its diff, and an invalid file's body."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.api.serializers.common import ProblemSerializer
from quizzes.importers import FORMATS
from quizzes.models import ImportRun

AUTO = "auto"


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The question file (multipart).")
    format = serializers.ChoiceField(
        choices=[AUTO, *FORMATS],
        default=AUTO,
        help_text="The file's format; `auto` guesses it from the name and the first bytes.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only preview: nothing is written until the run is applied."
    )
    skip_unsupported = serializers.BooleanField(
        default=False,
        help_text="Leave out questions kmodquiz cannot express (listed in `notices`) instead of "
        "refusing the file.",
    )
    reset_changed = serializers.BooleanField(
        default=False, help_text="Reset learners' cards of questions whose right answer changed."
    )
    retire_missing = serializers.BooleanField(
        default=True, help_text="Retire the bank's questions that are missing from the file."
    )


class ImportApplySerializer(serializers.Serializer):
    file_hash = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        required=False,
        help_text="The SHA-256 the preview showed: the apply is refused if it differs.",
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="A dotted path, e.g. `spec.options[b].text`.")
    before = serializers.JSONField(allow_null=True, help_text="Long values are cut short.")
    after = serializers.JSONField(allow_null=True)


class CreatedSerializer(serializers.Serializer):
    id = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    prompt = serializers.CharField(help_text="Its start.")


class UpdatedSerializer(serializers.Serializer):
    id = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    answer_changed = serializers.BooleanField()
    revived = serializers.BooleanField(help_text="It was retired and comes back.")
    changes = ChangeSerializer(many=True)


class TopicChangesSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.DictField())


class DiffSerializer(serializers.Serializer):
    bank = ChangeSerializer(many=True, required=False)
    topics = TopicChangesSerializer(required=False)
    created = CreatedSerializer(many=True, required=False)
    updated = UpdatedSerializer(many=True, required=False)
    unchanged = serializers.ListField(child=serializers.CharField(), required=False)
    retired = serializers.ListField(child=serializers.CharField(), required=False)


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    retired = serializers.IntegerField()


class ImportRunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    applied_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    bank = serializers.CharField(source="bank_slug")
    counts = serializers.SerializerMethodField()
    errors = ProblemSerializer(many=True, help_text="The first 200 problems.")
    notices = ProblemSerializer(many=True)
    diff = DiffSerializer()

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "url",
            "bank",
            "user",
            "applied_by",
            "format",
            "filename",
            "file_hash",
            "file_size",
            "status",
            "stage",
            "progress",
            "dry_run",
            "skip_unsupported",
            "reset_changed",
            "retire_missing",
            "question_count",
            "counts",
            "cards_reset",
            "error_count",
            "errors",
            "notices",
            "diff",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, run: ImportRun) -> str:
        request = self.context.get("request")
        path = f"/api/v1/banks/{run.bank_slug}/imports/{run.pk}"
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(CountsSerializer)
    def get_counts(self, run: ImportRun) -> dict[str, int]:
        return run.counts()


class ImportRunSummarySerializer(ImportRunSerializer):
    """A run in a list: without its errors, notices and diff."""

    class Meta(ImportRunSerializer.Meta):
        fields = [
            f for f in ImportRunSerializer.Meta.fields if f not in ("errors", "notices", "diff")
        ]
        read_only_fields = fields

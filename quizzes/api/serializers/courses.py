"""Courses (cohorts, usually LMS courses) and their members' progress."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from quizzes.api.serializers.banks import UserBriefSerializer
from quizzes.api.serializers.common import StrictCharField
from quizzes.api.serializers.me import CohortRowSerializer
from quizzes.models import Course

__all__ = ["CourseProgressRowSerializer", "CourseSerializer"]


class CourseSerializer(serializers.ModelSerializer):
    banks = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    learners = serializers.IntegerField(read_only=True, help_text="Current learner members.")
    instructors = serializers.IntegerField(read_only=True, help_text="Current instructors.")
    role = StrictCharField(
        read_only=True, allow_null=True, help_text="The caller's role in it (null: none)."
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "label",
            "platform",
            "external_id",
            "banks",
            "learners",
            "instructors",
            "role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CourseProgressRowSerializer(CohortRowSerializer):
    """One learner member's progress in one bank of the course."""

    learner = UserBriefSerializer(read_only=True)
    bank = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(CohortRowSerializer.Meta):
        fields = ["bank", *CohortRowSerializer.Meta.fields]
        read_only_fields = fields

    def get_cards_total(self, row: Any) -> int:
        return int(self.context["cards_total"].get(row.bank_id, 0))

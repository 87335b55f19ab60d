"""The learner's scheduler parameters and the optimiser's runs."""

from __future__ import annotations

from rest_framework import serializers

from quizzes.models import ParameterFit


class ParameterFitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ParameterFit
        fields = [
            "id",
            "status",
            "requested_at",
            "finished_at",
            "reviews",
            "train_items",
            "test_items",
            "log_loss_before",
            "log_loss_after",
            "rmse_before",
            "rmse_after",
            "kept",
            "parameters",
            "message",
        ]
        read_only_fields = fields


class ParametersSerializer(serializers.Serializer):
    personal = serializers.BooleanField(help_text="False: FSRS's default parameters are used.")
    parameters = serializers.ListField(child=serializers.FloatField())
    min_reviews = serializers.IntegerField(help_text="Reviews needed before a fit can be kept.")
    fits = ParameterFitSerializer(many=True, help_text="The latest runs, newest first.")

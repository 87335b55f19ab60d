"""The learner's own account: all their data (export) and deleting the account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api import clock
from quizzes.api.permissions import require_unlimited_token
from quizzes.api.serializers.common import StrictCharField
from quizzes.api.views.base import READ, WRITE, errors, validated
from quizzes.exporters.learner import learner_data_export
from quizzes.services import privacy


class LearnerDataSerializer(serializers.Serializer):
    """docs/api.md lists the fields of each part."""

    format = StrictCharField()
    format_version = serializers.IntegerField()
    exported_at = serializers.DateTimeField()
    profile = serializers.DictField(help_text="Account and settings.")
    enrollments = serializers.ListField(child=serializers.DictField())
    bank_roles = serializers.ListField(child=serializers.DictField())
    card_states = serializers.ListField(child=serializers.DictField())
    reviews = serializers.ListField(child=serializers.DictField(), help_text="Undone ones too.")
    attempts = serializers.ListField(child=serializers.DictField())
    reports = serializers.ListField(child=serializers.DictField())
    daily_stats = serializers.ListField(
        child=serializers.DictField(), help_text="Your reviews summed per learner day and bank."
    )
    parameter_fits = serializers.ListField(
        child=serializers.DictField(), help_text="The scheduler optimiser's runs."
    )
    api_tokens = serializers.ListField(
        child=serializers.DictField(), help_text="Metadata only: never a token or its digest."
    )


class AccountDeleteSerializer(serializers.Serializer):
    password = StrictCharField(
        max_length=4096, trim_whitespace=False, help_text="Your password, to confirm."
    )


@extend_schema(
    summary="All your data",
    description="Everything kmodquiz holds about you, as JSON: profile and settings, enrolments, "
    "card states, the whole review log, first attempts, reports, bank roles and your API "
    "tokens' metadata. Needs a token not limited to banks (or a session).",
    responses={200: LearnerDataSerializer, **errors(*READ, 403)},
)
class MyExportView(APIView):
    def get(self, request: Request) -> Response:
        require_unlimited_token(request)
        return Response(learner_data_export(user=request.user, now=clock.now()))


@extend_schema(
    summary="Delete your account",
    description="Removes your personal data (name, e-mail, answers, report texts, tokens) and "
    "closes the account; your anonymous ratings stay in the instructors' statistics. Confirm "
    "with your password (a wrong one is a 403 and changes nothing). Needs a token not limited "
    "to banks (or a session); cannot be undone.",
    request=AccountDeleteSerializer,
    responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE)},
)
class MyAccountDeleteView(APIView):
    def post(self, request: Request) -> Response:
        require_unlimited_token(request)
        data = validated(AccountDeleteSerializer, request.data)
        try:
            privacy.account_password_check(user=request.user, password=data["password"])
        except ValidationError:
            # Well-formed, but it does not prove who you are: not allowed, rather than invalid.
            raise PermissionDenied(privacy.WRONG_PASSWORD, code="wrong_password") from None
        privacy.account_delete(user=request.user, now=clock.now())
        return Response(status=status.HTTP_204_NO_CONTENT)

"""A bank's item analysis (its instructors), and the learner's card browser with bulk actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from quizzes import analytics, services
from quizzes.api import clock
from quizzes.api.pagination import link_header
from quizzes.api.permissions import token_bank_ids
from quizzes.api.renderers import CSVRenderer
from quizzes.api.schema_hooks import NO_NUL
from quizzes.api.serializers.analytics import (
    MAX_LAPSES,
    AnalysisQuerySerializer,
    BankAnalysisSerializer,
    CardBulkResultSerializer,
    CardBulkSerializer,
    CardPageSerializer,
    CardQuerySerializer,
    QuestionStatsSerializer,
    sort_choices,
)
from quizzes.api.views.base import (
    BANK_SLUG,
    READ,
    WRITE,
    bank_or_404,
    errors,
    is_instructor,
    validated,
)
from quizzes.models import Card, QuestionKind
from quizzes.selectors import learner_profile_get

NOT_INSTRUCTOR_ANALYSIS = "Only this bank's instructors may read its item analysis."
CSV_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="`csv` for CSV (or send `Accept: text/csv`)."
)


@extend_schema(
    summary="A bank's item analysis (instructors)",
    description="Moodle's question statistics from each learner's first attempt at each "
    "question (facility, standard deviation, discrimination index, discriminative efficiency, "
    "flags with Moodle's thresholds), with the lapse rate of its cards in review, answer times, "
    "the options chosen or most common wrong answers, and the “I was right” overrides. "
    "Percentages are 0–100. Every question in one response (JSON), or one CSV row per question. "
    "See docs/analytics.md.",
    parameters=[
        BANK_SLUG,
        OpenApiParameter(
            "ordering",
            str,
            enum=sort_choices(analytics.SORT_KEYS),
            description="A column to sort by (`-` first: descending), e.g. `discrimination`.",
        ),
        OpenApiParameter("flagged", bool, description="Only questions with a flag."),
        OpenApiParameter("retired", bool, description="Include retired questions."),
        CSV_FORMAT,
    ],
    responses={
        (200, "application/json"): BankAnalysisSerializer,
        (200, "text/csv"): QuestionStatsSerializer(many=True),
        **errors(400, *READ, 403, 404),
    },
)
class BankAnalysisView(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    def get(self, request: Request, slug: str) -> Response:
        bank = bank_or_404(request, slug)
        if not is_instructor(request, bank):
            raise PermissionDenied(NOT_INSTRUCTOR_ANALYSIS)
        params = validated(AnalysisQuerySerializer, request.query_params.dict())
        report = analytics.bank_item_analysis(
            bank=bank, now=clock.now(), include_retired=params["retired"]
        )
        ordering = params["ordering"]
        rows = report.sorted(ordering.lstrip("-"), descending=ordering.startswith("-"))
        if params["flagged"]:
            rows = [row for row in rows if row.flags]
        results = [row.to_json() for row in rows]
        return Response(
            {
                "bank": bank.slug,
                "learners": report.learners,
                "computed_at": report.computed_at,
                "count": len(results),
                "results": results,
            }
        )


def _page_links(request: Request, page: analytics.CardPage) -> tuple[str | None, str | None]:
    url = request.build_absolute_uri()
    following = (
        replace_query_param(url, "page", page.number + 1) if page.number < page.pages else None
    )
    previous = replace_query_param(url, "page", page.number - 1) if page.number > 1 else None
    return following, previous


@extend_schema(
    summary="Your cards (the card browser)",
    description="Every card of the banks you are enrolled in, new ones too, searched and "
    "sorted as the /cards/ page does: `q` (text of the question, its answer or id), `bank`, "
    "`topic` (with its subtopics), `kind`, `state` (new, learning, review, relearning), "
    "`suspended`, `leech`, `buried`, `due_from`/`due_to` (your days, inclusive), "
    "`lapses_min`/`lapses_max` (a range that meets nothing finds nothing); `ordering` by due, "
    "interval, difficulty, lapses, reviews, "
    "last_review or question (`-` first: descending; cards without a value last). Page-numbered.",
    parameters=[
        OpenApiParameter("q", {"type": "string", "maxLength": 200, "pattern": NO_NUL}),
        OpenApiParameter("bank", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}),
        OpenApiParameter(
            "topic",
            {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NO_NUL},
            description="A topic's slug; its subtopics are included.",
        ),
        OpenApiParameter("kind", str, enum=list(QuestionKind.values)),
        OpenApiParameter("state", str, enum=list(analytics.STATES)),
        OpenApiParameter("suspended", bool),
        OpenApiParameter("leech", bool),
        OpenApiParameter("buried", bool),
        OpenApiParameter("due_from", {"type": "string", "format": "date"}),
        OpenApiParameter("due_to", {"type": "string", "format": "date"}),
        OpenApiParameter("lapses_min", {"type": "integer", "minimum": 0, "maximum": MAX_LAPSES}),
        OpenApiParameter("lapses_max", {"type": "integer", "minimum": 0, "maximum": MAX_LAPSES}),
        OpenApiParameter("ordering", str, enum=sort_choices(analytics.SORTS)),
        OpenApiParameter("page", {"type": "integer", "minimum": 1, "default": 1}),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": analytics.MAX_PER_PAGE, "default": 50},
            description=f"1–{analytics.MAX_PER_PAGE}, default 50.",
        ),
    ],
    responses={200: CardPageSerializer, **errors(400, *READ, 404)},
)
class MyCardListView(APIView):
    def get(self, request: Request) -> Response:
        query = CardQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        now = clock.now()
        page = analytics.card_browser_page(
            learner=request.user,
            filters=query.filters(),
            now=now,
            profile=learner_profile_get(learner=request.user),
            page=query.validated_data["page"],
            per_page=query.validated_data["page_size"],
            bank_ids=token_bank_ids(request),
        )
        if page.number != query.validated_data["page"]:
            raise NotFound("Invalid page: there are fewer cards than that.")
        following, previous = _page_links(request, page)
        headers: dict[str, Any] = {}
        if link := link_header(following, previous):
            headers["Link"] = link
        return Response(
            {
                "count": page.total,
                "next": following,
                "previous": previous,
                "results": [row.to_json(now=now) for row in page.rows],
            },
            headers=headers,
        )


@extend_schema(
    summary="Suspend, unsuspend, reset or bury many of your cards",
    description="All or nothing: every id must be a card of a bank you are enrolled in (else "
    "404 `not_your_cards`, naming them: a card you may not see is not found). Cards the action "
    "would not change are left alone and not listed in `changed`; burying buries cloze "
    "siblings too.",
    request=CardBulkSerializer,
    responses={200: CardBulkResultSerializer, **errors(*WRITE, 404)},
)
class MyCardBulkView(APIView):
    def post(self, request: Request) -> Response:
        data = validated(CardBulkSerializer, request.data)
        bank_ids = token_bank_ids(request)
        if bank_ids is not None:
            allowed = set(
                Card.objects.filter(pk__in=data["cards"], bank_id__in=bank_ids).values_list(
                    "pk", flat=True
                )
            )
            if outside := [i for i in data["cards"] if i not in allowed]:
                raise PermissionDenied(
                    f"Your token does not reach these cards: {', '.join(map(str, outside[:20]))}."
                )
        try:
            result = services.cards_bulk_apply(
                learner=request.user, card_ids=data["cards"], action=data["action"], now=clock.now()
            )
        except DjangoValidationError as exc:
            if exc.code == "not_your_cards":  # as every API route: what you may not see is a 404
                raise NotFound(exc.messages[0], code="not_your_cards") from None
            raise
        return Response(result.to_json())

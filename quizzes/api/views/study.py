"""The study loop: the next card, checking an answer, recording a review, undo, card actions.

Each view finds what the caller may touch, then calls the same service the study page calls.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import errors as service_errors
from quizzes import selectors, services
from quizzes.api import clock, presentation
from quizzes.api.exceptions import Conflict
from quizzes.api.permissions import token_bank_ids
from quizzes.api.serializers.study import (
    AnswerSerializer,
    CardDetailSerializer,
    CheckResultSerializer,
    HistoryEntrySerializer,
    ReviewCreateSerializer,
    ReviewResultSerializer,
    StudyNextSerializer,
    UndoResultSerializer,
    UndoSerializer,
)
from quizzes.api.views.base import (
    BANK_SLUG,
    READ,
    WRITE,
    enrolled_cards,
    errors,
    previews,
    visible_banks,
)
from quizzes.models import Bank, Card, CardState, CardStatus, Enrollment, ReviewLog

IDEMPOTENCY_KEY_REQUIRED = (
    "Send an Idempotency-Key header (1 to 200 visible ASCII characters, e.g. a UUID)."
)
CARD_NOT_FOUND = "No card with this id in a bank you are enrolled in."
HISTORY_LIMIT = 100
MAX_TOPICS = 50
TOO_MANY_TOPICS = "At most {maximum} topics."
EMPTY_TOPIC = "A topic slug is empty: leave the parameter out, or name topics separated by commas."

IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,200}$"  # 1 to 200 visible ASCII characters
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": IDEMPOTENCY_KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=True,
    description="A unique key per review (a UUID): sending it again with the same body returns "
    "the first response; with a different body, 409. 1 to 200 visible ASCII characters.",
)
CARD_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The card's id.")


def _enrollment(request: Request, slug: str) -> Enrollment:
    """The caller's enrolment in the bank; 404 if they cannot see it, 403 if not enrolled."""
    # A plain indexed get and a check in Python: this runs on every study request, and the
    # equivalent filtered queryset cost more to build than to run (bench/api_throughput.py).
    enrollment = (
        Enrollment.objects.select_related("bank")
        .filter(learner=request.user, bank__slug=slug)
        .order_by()
        .first()
    )
    token_banks = token_bank_ids(request)
    if enrollment is not None and (token_banks is None or enrollment.bank_id in token_banks):
        return enrollment
    if not visible_banks(request).filter(slug=slug).exists():
        raise Http404
    raise service_errors.NotEnrolled()


def _enrolled_bank(request: Request, slug: str) -> Bank:
    return _enrollment(request, slug).bank


def _card(request: Request, pk: int) -> Card:
    card = enrolled_cards(request).filter(pk=pk).first()
    if card is None:
        raise Http404
    return card


def _topics(request: Request) -> list[str]:
    raw = request.query_params.get("topics")
    if raw is None:  # left out: no filter
        return []
    parts = raw.split(",")
    if "" in parts:  # `topics=`, `a,,b` or `,`: the schema's list and its items are never empty
        # (form style writes both [] and [""] as `topics=`: the schema allows neither)
        raise ValidationError({"topics": [EMPTY_TOPIC]})
    # Spaces around a slug are dropped (a blank item then names no topic).
    topics = list(dict.fromkeys(t.strip() for t in parts if t.strip()))
    if len(topics) > MAX_TOPICS:
        # Each slug is a condition in one SQL statement: SQLite refuses a too large expression.
        raise ValidationError({"topics": [TOO_MANY_TOPICS.format(maximum=MAX_TOPICS)]})
    return topics


@extend_schema(
    summary="The next card to study",
    description="Learning cards due now first, then today's reviews interleaved with new cards "
    "within today's limit. When nothing is due, `card` is null and `next_due` says when the next "
    "card falls due.",
    parameters=[
        BANK_SLUG,
        OpenApiParameter(
            "topics",
            {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^,]+$"},
                "minItems": 1,
                "maxItems": MAX_TOPICS,
            },
            style="form",
            explode=False,
            description=f"Comma-separated topic slugs (with subtopics), at most {MAX_TOPICS}; "
            "leave it out for every topic (an empty `topics=` is refused).",
        ),
    ],
    responses={200: StudyNextSerializer, **errors(400, *READ, 403, 404)},
)
class StudyNextView(APIView):
    def get(self, request: Request, slug: str) -> Response:
        enrollment = _enrollment(request, slug)
        bank = enrollment.bank
        topics = _topics(request)
        now = clock.now()
        result = services.study_queue_next(
            learner=request.user,
            bank=bank,
            now=now,
            topics=topics or None,
            enrollment=enrollment,
        )
        item = result.item
        body: dict[str, Any] = {
            "card": None,
            "queue": None,
            "serve_token": None,
            "counts": result.counts.to_json(),
            "previews": [],
            "attempt": None,
            "next_due": result.next_due,
            "day_ends_at": result.day_end,
        }
        if item is not None:
            body["card"] = presentation.card_payload(
                card=item.card,
                learner_id=request.user.pk,
                reps=item.state.reps if item.state else 0,
                bank_slug=bank.slug,
            )
            body["queue"] = item.queue
            body["serve_token"] = item.serve_token
            body["previews"] = previews(item.previews, now=now)
            if item.attempt is not None:
                # Answered already (another device, a page): its first verdict, not a question.
                check = services.check_result(
                    card=item.card, attempt=item.attempt, previews=item.previews, repeated=True
                )
                body["attempt"] = verdict_json(check, now=now)
        return Response(body)


def verdict_json(check: services.CheckResult, *, now: datetime) -> dict[str, Any]:
    """A card's verdict as it stands (the first answer's), with the ratings it allows."""
    card = check.card
    verdict = check.verdict
    solution = presentation.solution_payload(card.question, deletion=card.deletion or None)
    return {
        "answer": check.answer,
        "correct": verdict.correct,
        "score": verdict.score,
        "feedback": verdict.feedback,
        "expected": verdict.expected,
        **{k: v for k, v in solution.items() if k in ("explanation", "back")},
        "attempted_at": check.attempted_at,
        "repeated": check.repeated,
        "overridden": check.overridden,
        "override_allowed": check.override_allowed,
        "ratings": previews(check.previews, now=now),
        "override_ratings": previews(check.override_previews, now=now),
    }


@extend_schema(
    summary="Check an answer (the first verdict sticks)",
    description="The verdict, the correct answer, the explanation, and the ratings the verdict "
    "allows with when each would schedule the card. The first answer checked at a card in its "
    "current state is recorded and its verdict sticks: until the card is reviewed, every later "
    "check (and review) of it — from any device or client — returns that first verdict, with "
    "`repeated: true` and the first `answer`. A wrong verdict on a short-answer, shell-command "
    "or cloze card may be overridden (`override_allowed`; `override: true` on the review), "
    "which allows the `override_ratings`.",
    parameters=[CARD_ID],
    request=AnswerSerializer,
    responses={200: CheckResultSerializer, **errors(*WRITE, 404, 409)},
)
class CardAnswerView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        card = _card(request, pk)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        now = clock.now()
        check = services.answer_check(
            learner=request.user,
            card=card,
            answer=serializer.validated_data["answer"],
            now=now,
            serve_token=serializer.validated_data.get("serve_token") or None,
        )
        return Response({"card": card.pk, **verdict_json(check, now=now)})


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        raise ValidationError(IDEMPOTENCY_KEY_REQUIRED, code="idempotency_key_required")
    return key


def review_json(result: services.ReviewResult) -> dict[str, Any]:
    """The API's answer for a recorded review; computed only from the stored result, so that a
    replayed key returns exactly the first response."""
    return {
        "review": result.log_id,
        "card": result.card_id,
        "rating": result.rating,
        "correct": result.correct,
        "score": result.score,
        "feedback": result.feedback,
        "expected": result.expected,
        "explanation": presentation.markdown(result.explanation),
        "due": result.due,
        "interval": result.interval,
        "leech": result.leech,
        "counts": result.counts,
        "overridden": result.overridden,
    }


@extend_schema(
    summary="Record a review",
    description="Grades the answer, schedules the card and records the review, once per "
    "Idempotency-Key. The verdict is the first one at the card in its current state: an earlier "
    "check's, whatever `answer` is sent now; without one, this answer's, recorded as the first "
    "attempt even when the rating is refused. `rating` is optional for graded kinds (a wrong "
    "answer is Again, a right one Good unless you choose Hard or Easy) and required for "
    'flashcards. `override: true` says "I was right" about a wrong verdict on a short-answer, '
    "shell-command or cloze card: Hard, Good or Easy are then allowed and the review is marked "
    "`overridden`. A repeated key with the same body answers as the first time (with "
    "`Idempotent-Replayed: true`).",
    parameters=[IDEMPOTENCY_KEY],
    request=ReviewCreateSerializer,
    responses={201: ReviewResultSerializer, **errors(*WRITE, 409)},
)
class ReviewCreateView(APIView):
    def post(self, request: Request) -> Response:
        key = _idempotency_key(request)
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The card alone (an indexed get); review_submit checks the enrolment, refusing cards of
        # banks the learner is not in, so the check is not paid twice on every review.
        card = selectors.card_with_question(card_id=data["card"])
        token_banks = token_bank_ids(request)
        if card is None or (token_banks is not None and card.bank_id not in token_banks):
            raise ValidationError({"card": [CARD_NOT_FOUND]})
        try:
            result = services.review_submit(
                learner=request.user,
                card=card,
                answer=data["answer"],
                rating=data["rating"],
                now=clock.now(),
                idempotency_key=key,
                serve_token=data.get("serve_token") or None,
                override=data["override"],
            )
        except service_errors.IdempotencyConflict as exc:
            raise Conflict(service_errors.IDEMPOTENCY_CONFLICT, code=exc.code) from exc
        except service_errors.NotEnrolled:
            raise ValidationError({"card": [CARD_NOT_FOUND]}) from None
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(review_json(result), status=status.HTTP_201_CREATED, headers=headers)


@extend_schema(
    summary="Undo your latest review of today",
    description="Restores the card's state from before it; the review stays in the log, marked "
    "undone. The card comes back answered, with that review's verdict and answer (its `attempt` "
    "in study/next): undo changes a rating, it is not a second try. Repeat to undo further back "
    "(within the learner's day). A token limited to some banks undoes only reviews in those "
    "banks.",
    request=UndoSerializer,
    responses={200: UndoResultSerializer, **errors(*WRITE, 404, 409)},
)
class ReviewUndoView(APIView):
    def post(self, request: Request) -> Response:
        serializer = UndoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bank = None
        if slug := serializer.validated_data.get("bank"):
            bank = _enrolled_bank(request, slug)
        result = services.review_undo(
            learner=request.user, now=clock.now(), bank=bank, bank_ids=token_bank_ids(request)
        )
        log = result.log
        return Response(
            {
                "review": log.pk,
                "card": log.card_id,
                "bank": result.card.bank.slug,
                "undone_at": log.undone_at,
            }
        )


def state_json(state: CardState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "status": CardStatus(state.status).label.lower(),
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due,
        "last_review": state.last_review,
        "reps": state.reps,
        "lapses": state.lapses,
        "suspended": state.suspended,
        "leech": state.is_leech,
        "buried_until": state.buried_until,
    }


def card_detail_json(request: Request, card: Card) -> dict[str, Any]:
    state = CardState.objects.filter(learner=request.user, card=card).first()
    logs = list(
        ReviewLog.objects.filter(learner=request.user, card=card).order_by("-reviewed_at", "-id")[
            : HISTORY_LIMIT + 1
        ]
    )
    return {
        "card": presentation.card_payload(
            card=card,
            learner_id=request.user.pk,
            reps=state.reps if state else 0,
            bank_slug=card.bank.slug,
        ),
        "state": state_json(state),
        "retrievability": services.retrievability_now(
            learner=request.user, state=state, now=clock.now()
        ),
        "history": HistoryEntrySerializer(logs[:HISTORY_LIMIT], many=True).data,
        "history_truncated": len(logs) > HISTORY_LIMIT,
    }


@extend_schema(
    summary="A card: your state, retrievability now and review history",
    parameters=[CARD_ID],
    responses={200: CardDetailSerializer, **errors(*READ, 404)},
)
class CardDetailView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(card_detail_json(request, _card(request, pk)))


class CardActionView(APIView):
    """suspend, unsuspend, bury (until your next day, with cloze siblings) or reset (new again)."""

    action_name = ""

    def post(self, request: Request, pk: int) -> Response:
        card = _card(request, pk)
        if self.action_name == "suspend":
            services.card_suspend(learner=request.user, card=card)
        elif self.action_name == "unsuspend":
            services.card_unsuspend(learner=request.user, card=card)
        elif self.action_name == "bury":
            services.card_bury(learner=request.user, card=card, now=clock.now())
        else:
            services.card_reset(learner=request.user, card=card, now=clock.now())
        return Response(card_detail_json(request, card))


def card_action(name: str, summary: str) -> type[CardActionView]:
    """A CardActionView subclass for one action, with its own documented operation."""

    @extend_schema(
        summary=summary,
        parameters=[CARD_ID],
        request=None,
        responses={200: CardDetailSerializer, **errors(401, 403, 404, 409, 429)},
        operation_id=f"cards_{name}",
    )
    def post(self: CardActionView, request: Request, pk: int) -> Response:
        return CardActionView.post(self, request, pk)

    return type(f"Card{name.title()}View", (CardActionView,), {"action_name": name, "post": post})


CardSuspendView = card_action("suspend", "Suspend a card (take it out of the queue)")
CardUnsuspendView = card_action("unsuspend", "Unsuspend a card (a leech too)")
CardBuryView = card_action("bury", "Bury a card and its cloze siblings until your next day")
CardResetView = card_action("reset", "Reset a card: it is new again (its history stays)")

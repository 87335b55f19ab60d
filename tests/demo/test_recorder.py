"""The demo's recorder writes, for each answer, the rows review_submit writes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest

from quizzes import grading, services
from quizzes.demo.answers import wrong_answer
from quizzes.demo.cohort import _config
from quizzes.demo.recorder import Verdicts, record_review
from quizzes.models import Attempt, Card, CardState, CardStatus, QuestionKind, Rating, ReviewLog
from tests.factories import KINDS, BankFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

LOG_FIELDS = (
    "card_id", "bank_id", "rating", "correct", "score", "answer", "reviewed_at", "status_before",
    "state_before", "state_after", "due_after", "interval_seconds", "request_hash", "overridden",
)  # fmt: skip
ATTEMPT_FIELDS = (
    "card_id", "bank_id", "question_id", "reps", "correct", "score", "answer", "feedback",
    "attempted_at", "closed_at", "overridden",
)  # fmt: skip
STATE_FIELDS = (
    "status", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
    "suspended", "is_leech", "buried_until",
)  # fmt: skip


def _wrong(card: Card) -> Any:
    return wrong_answer(card, random.Random(card.pk))


def _script(card: Card) -> list[tuple[Any, int | None, bool]]:
    """Answers to one card over five reviews: right, wrong, wrong (overridden where a typed kind
    allows it), right (Easy), right (Hard)."""
    question = card.question
    typed = question.kind in (
        QuestionKind.SHORT_ANSWER,
        QuestionKind.SHELL_COMMAND,
        QuestionKind.CLOZE,
    )
    if question.kind == QuestionKind.FLASHCARD:
        return [(None, Rating.GOOD, False), (None, Rating.AGAIN, False), (None, Rating.HARD, False),
                (None, Rating.EASY, False), (None, Rating.GOOD, False)]  # fmt: skip
    right = grading.expected_answer(question.kind, question.spec, deletion=card.deletion or None)
    disputed = (_wrong(card), Rating.GOOD if typed else None, typed)
    return [(right, None, False), (_wrong(card), None, False), disputed,
            (right, Rating.EASY, False), (right, Rating.HARD, False)]  # fmt: skip


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def test_recorded_rows_are_what_review_submit_writes(now: datetime) -> None:
    bank = BankFactory()
    for kind in KINDS:
        QuestionFactory(bank=bank, kind=kind)
    by_service, by_recorder = UserFactory(), UserFactory()
    services.enroll(learner=by_service, bank=bank)
    verdicts = Verdicts()
    cards = list(Card.objects.filter(bank=bank).select_related("question").order_by("id"))
    assert len(cards) >= len(KINDS)
    for card in cards:
        state = CardState(
            learner_id=by_recorder.pk, card_id=card.pk, bank_id=bank.pk, status=CardStatus.NEW
        )
        moment = now
        for step, (answer, rating, override) in enumerate(_script(card)):
            services.review_submit(
                learner=by_service, card=card, answer=answer, rating=rating, now=moment,
                override=override,
            )  # fmt: skip
            recorded = record_review(
                state=state, card=card, answer=answer, wanted=rating, override=override,
                checked_at=moment, reviewed_at=moment, elapsed_ms=0, config=_config(),
                verdicts=verdicts,
            )  # fmt: skip
            log = ReviewLog.objects.filter(learner=by_service, card=card).order_by("-id")[0]
            attempt = Attempt.objects.get(review=log)
            assert _fields(recorded.log, LOG_FIELDS) == _fields(log, LOG_FIELDS), (card, step)
            assert _fields(recorded.attempt, ATTEMPT_FIELDS) == _fields(attempt, ATTEMPT_FIELDS)
            served = CardState.objects.get(learner=by_service, card=card)
            assert _fields(state, STATE_FIELDS) == _fields(served, STATE_FIELDS), (card, step)
            moment = max(served.due or moment, moment) + timedelta(hours=1)

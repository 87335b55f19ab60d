"""A study request's SQL query count does not grow with the bank."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.models import CardState, CardStatus
from tests.factories import (
    KINDS,
    BankFactory,
    EnrollmentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    right_answer,
)

pytestmark = pytest.mark.django_db


def build(size: int, now, kind: str | None = None):
    """A bank of `size` questions with topics (mixed kinds, or all of `kind`); a learner with
    reviews and learning cards."""
    bank = BankFactory()
    topics = [TopicFactory(bank=bank, slug=f"t{i}") for i in range(3)]
    of_kind = {"kind": kind} if kind else {}
    questions = [QuestionFactory(bank=bank, topics=[topics[i % 3]], **of_kind) for i in range(size)]
    learner = UserFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    cards = [c for q in questions for c in q.cards.all()]
    for i, card in enumerate(cards[: size // 2]):
        CardState.objects.create(
            learner=learner,
            card=card,
            bank=bank,
            status=CardStatus.REVIEW if i % 2 else CardStatus.LEARNING,
            step=0 if i % 2 == 0 else None,
            stability=4.0,
            difficulty=5.0,
            due=now - timedelta(hours=1 + i),
            last_review=now - timedelta(days=4),
            reps=3,
        )
    return bank, learner


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("topics", [None, ["t1"]])
def test_study_queue_next_query_count_is_constant(now, topics):
    counts = []
    for size in (10, 1000):
        bank, learner = build(size, now)
        counts.append(
            count(
                lambda b=bank, u=learner: services.study_queue_next(
                    learner=u, bank=b, now=now, topics=topics
                )
            )
        )
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("kind", KINDS)
def test_review_submit_query_count_is_constant(now, kind):
    # One kind at a time: a kind may take a query more than another (a cloze buries its
    # siblings), and the mixed bank's first card would depend on the factories' sequence. Both
    # sizes leave more new cards than today's limit, so burying a sibling changes today's counts
    # alike (a fresh count that differs is stored with the review: one more statement).
    counts = []
    for size in (40, 400):
        bank, learner = build(size, now, kind)
        item = services.study_queue_next(learner=learner, bank=bank, now=now).item
        payload = right_answer(item.card.question, item.card.deletion)
        rating = 3 if item.card.question.kind == "flashcard" else None
        counts.append(
            count(
                lambda c=item.card, u=learner, p=payload, r=rating: services.review_submit(
                    learner=u, card=c, answer=p, rating=r, now=now, idempotency_key="k"
                )
            )
        )
    assert counts[0] == counts[1], counts

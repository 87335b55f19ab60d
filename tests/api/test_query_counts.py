"""Every list endpoint and the study endpoints cost as many queries with 500 rows as with 10."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import (
    Bank,
    CardState,
    CardStatus,
    Enrollment,
    Question,
    QuestionReport,
    Rating,
    ReviewLog,
    Topic,
)
from quizzes.services import accounts, question_sync_cards
from tests.api.conftest import token_client
from tests.factories import BankFactory, UserFactory, spec_for

pytestmark = pytest.mark.django_db

KINDS = ["single_choice", "multiple_choice", "true_false", "cloze", "ordering", "matching"]


@dataclass
class Scenario:
    bank: Bank
    learner: Any
    instructor: Any
    card_id: int
    learner_client: Any
    instructor_client: Any


def build(size: int, now: datetime) -> Scenario:
    """`size` of everything a list can hold, written in bulk."""
    users = get_user_model()
    instructor = UserFactory()
    learner = UserFactory()
    bank = BankFactory(owner=instructor)
    topics = Topic.objects.bulk_create(
        Topic(bank=bank, slug=f"t{n}", title=f"Topic {n}") for n in range(size)
    )
    questions = Question.objects.bulk_create(
        Question(
            bank=bank,
            external_id=f"q{n}",
            kind=KINDS[n % len(KINDS)],
            spec=spec_for(KINDS[n % len(KINDS)], n),
            prompt=f"Prompt {n}",
        )
        for n in range(size)
    )
    Question.topics.through.objects.bulk_create(
        Question.topics.through(question_id=q.pk, topic_id=topics[n].pk)
        for n, q in enumerate(questions)
    )
    question_sync_cards(questions=questions, now=now)
    cards = [c for q in questions for c in q.cards.order_by("id")][:size]
    Enrollment.objects.create(learner=learner, bank=bank, new_per_day=9999)
    CardState.objects.bulk_create(
        CardState(
            learner=learner,
            card=card,
            bank=bank,
            status=CardStatus.REVIEW if n % 2 else CardStatus.LEARNING,
            step=None if n % 2 else 0,
            stability=4.0,
            difficulty=5.0,
            due=now - timedelta(hours=n + 1),
            last_review=now - timedelta(days=4),
            reps=3,
        )
        for n, card in enumerate(cards[: size // 2])
    )
    ReviewLog.objects.bulk_create(
        ReviewLog(
            learner=learner,
            card=cards[n % len(cards)],
            bank=bank,
            rating=Rating.GOOD,
            correct=True,
            score=1.0,
            answer="a",
            reviewed_at=now - timedelta(minutes=n),
            status_before=CardStatus.REVIEW,
            state_before={},
            state_after={},
            due_after=now + timedelta(days=1),
        )
        for n in range(size)
    )
    others = users.objects.bulk_create(users(username=f"l{size}-{n}") for n in range(size))
    Enrollment.objects.bulk_create(Enrollment(learner=u, bank=bank) for u in others)
    extra_banks = Bank.objects.bulk_create(
        Bank(slug=f"b{size}-{n}", title=f"B{n}") for n in range(size)
    )
    Enrollment.objects.bulk_create(Enrollment(learner=learner, bank=b) for b in extra_banks)
    QuestionReport.objects.bulk_create(
        QuestionReport(question=questions[n], bank=bank, reporter=learner, text="?", created_at=now)
        for n in range(size)
    )
    for _ in range(min(size, 60)):  # tokens are hashed one by one: a page's worth is enough
        accounts.api_token_create(user=learner, now=now)
    return Scenario(
        bank=bank,
        learner=learner,
        instructor=instructor,
        card_id=cards[0].pk,
        learner_client=token_client(learner, now=now),
        instructor_client=token_client(instructor, now=now),
    )


def count(scenario: Scenario, who: str, method: str, path: str, body: Any = None) -> int:
    client = getattr(scenario, f"{who}_client")
    path = path.format(bank=scenario.bank.slug, card=scenario.card_id)
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(
            path, body, format="json", HTTP_IDEMPOTENCY_KEY=f"qc-{method}-{path}"
        )
    assert response.status_code < 300, response.content[:300]
    return len(ctx.captured_queries)


ENDPOINTS = [
    ("learner", "get", "/api/v1/banks", None),
    ("learner", "get", "/api/v1/banks/{bank}/topics", None),
    ("learner", "get", "/api/v1/banks/{bank}/questions", None),
    ("instructor", "get", "/api/v1/banks/{bank}/questions?retired=false", None),
    ("learner", "get", "/api/v1/banks/{bank}/questions?topic=t1&due=true", None),
    ("instructor", "get", "/api/v1/banks/{bank}/enrollments", None),
    ("learner", "get", "/api/v1/me/enrollments", None),
    ("instructor", "get", "/api/v1/banks/{bank}/reports", None),
    ("learner", "get", "/api/v1/me/reviews", None),
    ("learner", "get", "/api/v1/me/reviews?format=csv", None),
    ("instructor", "get", "/api/v1/banks/{bank}/progress", None),
    ("instructor", "get", "/api/v1/banks/{bank}/progress?format=csv", None),
    ("learner", "get", "/api/v1/tokens", None),
    # The card browser: sorted by due, a page of studied cards and a page that runs into the
    # new ones differ by the queries for the new ones (see analytics.card_browser_page); each
    # shape costs the same at 10 and 500 cards.
    ("learner", "get", "/api/v1/me/cards?ordering=-lapses", None),
    ("learner", "get", "/api/v1/me/cards?state=new", None),
    ("instructor", "get", "/api/v1/banks/{bank}/analysis", None),
    ("instructor", "get", "/api/v1/banks/{bank}/analysis?format=csv", None),
    ("learner", "get", "/api/v1/me/progress", None),
    ("learner", "get", "/api/v1/cards/{card}", None),
    ("learner", "get", "/api/v1/banks/{bank}/study/next", None),
    ("learner", "get", "/api/v1/banks/{bank}/study/next?topics=t1,t2", None),
    ("learner", "post", "/api/v1/cards/{card}/answer", {"answer": "a"}),
    ("learner", "post", "/api/v1/reviews", None),
]


@pytest.mark.parametrize(
    ("who", "method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for _w, m, p, _b in ENDPOINTS]
)
def test_query_count_does_not_grow_with_rows(now, who, method, path, body):
    counts = []
    for size in (10, 500):
        scenario = build(size, now)
        payload = body
        if path == "/api/v1/reviews":
            payload = {"card": scenario.card_id, "answer": "a", "rating": None}
        counts.append(count(scenario, who, method, path, payload))
    assert counts[0] == counts[1], counts

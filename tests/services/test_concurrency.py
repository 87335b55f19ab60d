"""Concurrent submissions on PostgreSQL: exactly the right log rows and reps afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from quizzes import services
from quizzes.models import CardState, ReviewLog
from tests.factories import EnrollmentFactory, QuestionFactory, UserFactory, card_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once in threads (each with its own connection); results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def setup():
    learner = UserFactory()
    question = QuestionFactory(kind="true_false")
    EnrollmentFactory(learner=learner, bank=question.bank)
    return learner, card_of(question)


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_idempotency_key_twice_at_once_records_one_review(setup, now, attempt):
    learner, card = setup

    def submit():
        return services.review_submit(
            learner=learner,
            card=card,
            answer=True,
            rating=None,
            now=now,
            idempotency_key="same-key",
        )

    a, b = race(submit, submit)
    assert isinstance(a, services.ReviewResult), a
    assert isinstance(b, services.ReviewResult), b
    assert a.log_id == b.log_id
    assert ReviewLog.objects.count() == 1
    assert CardState.objects.get().reps == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_different_reviews_of_one_card_at_once_are_both_recorded_in_turn(setup, now, attempt):
    learner, card = setup

    def submit(key: str, answer: bool):
        return lambda: services.review_submit(
            learner=learner, card=card, answer=answer, rating=None, now=now, idempotency_key=key
        )

    a, b = race(submit("k-a", True), submit("k-b", False))
    assert isinstance(a, services.ReviewResult), a
    assert isinstance(b, services.ReviewResult), b
    logs = list(ReviewLog.objects.order_by("id"))
    assert len(logs) == 2
    state = CardState.objects.get()
    assert state.reps == 2
    # Serialised by the row lock: the second review started from the first one's result.
    assert logs[1].state_before == logs[0].state_after

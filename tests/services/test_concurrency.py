"""Concurrent submissions on PostgreSQL: exactly the right log rows and reps afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from quizzes import services
from quizzes.models import Attempt, CardState, ReviewLog
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


@pytest.mark.parametrize("attempt", range(3))
def test_two_checks_of_one_card_at_once_keep_exactly_one_first_attempt(setup, now, attempt):
    learner, card = setup

    def check(answer: bool):
        return lambda: services.answer_check(learner=learner, card=card, answer=answer, now=now)

    a, b = race(check(False), check(True))
    assert isinstance(a, services.CheckResult), a
    assert isinstance(b, services.CheckResult), b
    first = Attempt.objects.get()  # one row: the partial unique constraint kept the other out
    assert first.closed_at is None
    # Both devices got the same, first verdict back; exactly one of them made it.
    assert a.verdict.correct == b.verdict.correct == first.correct
    assert sorted([a.repeated, b.repeated]) == [False, True]


@pytest.mark.parametrize("attempt", range(3))
def test_a_check_racing_a_review_leaves_no_attempt_that_could_pass_later(setup, now, attempt):
    learner, card = setup

    def check():
        return services.answer_check(learner=learner, card=card, answer=True, now=now)

    def submit():
        return services.review_submit(
            learner=learner, card=card, answer=False, rating=None, now=now, idempotency_key="k"
        )

    a, b = race(check, submit)
    assert isinstance(a, services.CheckResult), a
    assert isinstance(b, services.ReviewResult), b
    log = ReviewLog.objects.get()
    state = CardState.objects.get()
    # Whichever came first, the review consumed one first attempt at the state it reviewed; a
    # check that lost the race to it is left on that old state and is never served again.
    assert Attempt.objects.get(review=log).reps == 0 == log.state_before["reps"]
    assert Attempt.objects.filter(closed_at__isnull=True).count() <= 1
    item = services.study_queue_next(learner=learner, bank=card.bank, now=now).item
    assert item is None or item.attempt is None or item.attempt.reps == state.reps == 1


@pytest.mark.parametrize("attempt", range(3))
def test_first_reviews_of_a_day_at_once_on_two_cards_both_count_in_one_daily_row(now, attempt):
    from quizzes.models import DailyStat

    learner = UserFactory()
    questions = [QuestionFactory(kind="true_false") for _ in range(2)]
    for bank in {q.bank for q in questions}:
        EnrollmentFactory(learner=learner, bank=bank)
    # Two cards of one bank: the two reviews race for the same (learner, bank, day) row.
    second = QuestionFactory(kind="true_false", bank=questions[0].bank)
    cards = [card_of(questions[0]), card_of(second)]

    def submit(card):
        return lambda: services.review_submit(
            learner=learner, card=card, answer=True, rating=None, now=now
        )

    a, b = race(submit(cards[0]), submit(cards[1]))
    assert isinstance(a, services.ReviewResult), a
    assert isinstance(b, services.ReviewResult), b
    [row] = DailyStat.objects.filter(learner=learner)
    assert (row.reviews, row.new, row.correct) == (2, 2, 2)

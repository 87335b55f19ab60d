"""The first verdict sticks: checks, reviews, devices and undo all get the first answer's verdict;
"I was right" overrides a wrong verdict on a typed answer; reset and a new day start afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from quizzes import errors, services
from quizzes.models import Attempt, CardState, Rating, ReviewLog
from tests.factories import (
    QuestionFactory,
    card_of,
    right_answer,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def check(learner, card, now, *, right):
    q = card.question
    payload = right_answer(q, card.deletion) if right else wrong_answer(q, card.deletion)
    return services.answer_check(learner=learner, card=card, answer=payload, now=now)


def review(learner, card, now, *, right, rating=None, override=False, key=None):
    q = card.question
    payload = right_answer(q, card.deletion) if right else wrong_answer(q, card.deletion)
    return services.review_submit(
        learner=learner,
        card=card,
        answer=payload,
        rating=rating,
        now=now,
        idempotency_key=key,
        override=override,
    )


KINDS = ["single_choice", "true_false", "short_answer", "shell_command", "cloze", "matching"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_later_check_gets_the_first_verdict_back(learner, bank, now, kind):
    card = QuestionFactory(bank=bank, kind=kind).cards.order_by("id").first()
    first = check(learner, card, now, right=False)
    again = check(learner, card, now + timedelta(minutes=1), right=True)
    assert (first.verdict.correct, again.verdict.correct) == (False, False)
    assert again.repeated and not first.repeated
    assert again.answer == wrong_answer(card.question, card.deletion)
    assert again.allowed == (Rating.AGAIN,)
    attempt = Attempt.objects.get()
    assert (attempt.correct, attempt.reps, attempt.closed_at) == (False, 0, None)


@pytest.mark.parametrize("kind", KINDS)
def test_checking_wrong_then_reviewing_a_right_answer_records_the_first_verdict(
    learner, bank, now, kind
):
    """The API bypass: check (wrong), then review with another answer."""
    card = QuestionFactory(bank=bank, kind=kind).cards.order_by("id").first()
    check(learner, card, now, right=False)
    with pytest.raises(ValidationError, match=errors.WRONG_ANSWER_ONLY_AGAIN):
        review(learner, card, now, right=True, rating=Rating.GOOD)
    result = review(learner, card, now, right=True)
    assert (result.correct, result.rating) == (False, Rating.AGAIN)
    log = ReviewLog.objects.get()
    assert (log.correct, log.answer) == (False, wrong_answer(card.question, card.deletion))
    attempt = Attempt.objects.get()
    assert attempt.review == log and attempt.closed_at == now


def test_a_review_without_a_check_is_the_first_attempt_even_when_its_rating_is_refused(
    learner, bank, now
):
    card = card_of(QuestionFactory(bank=bank, kind="short_answer"))
    with pytest.raises(ValidationError, match=errors.WRONG_ANSWER_ONLY_AGAIN):
        review(learner, card, now, right=False, rating=Rating.GOOD)
    assert not ReviewLog.objects.exists()
    assert Attempt.objects.get().correct is False  # the wrong answer is on record
    result = review(learner, card, now + timedelta(seconds=5), right=True)
    assert (result.correct, result.rating) == (False, Rating.AGAIN)
    assert Attempt.objects.count() == 1


def test_a_review_without_a_check_records_a_closed_attempt(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    result = review(learner, card, now, right=True)
    attempt = Attempt.objects.get()
    assert attempt.review_id == result.log_id and attempt.closed_at == now
    assert (attempt.correct, attempt.reps, attempt.answer) == (True, 0, True)


def test_a_second_device_is_served_the_first_answer_and_cannot_pass_it(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="shell_command"))
    check(learner, card, now, right=False)  # device A
    item = services.study_queue_next(learner=learner, bank=bank, now=now).item  # device B
    assert item.card == card
    assert item.attempt is not None and item.attempt.answer == "insmod nope.ko"
    assert check(learner, card, now, right=True).verdict.correct is False
    assert review(learner, card, now, right=True).rating == Rating.AGAIN


def test_undo_brings_back_the_verdict_not_a_second_try(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="single_choice"))
    check(learner, card, now, right=False)
    review(learner, card, now, right=False)
    services.review_undo(learner=learner, now=now + timedelta(seconds=10), bank=bank)
    assert CardState.objects.get().reps == 0
    item = services.study_queue_next(learner=learner, bank=bank, now=now).item
    assert item.attempt is not None and item.attempt.correct is False
    assert check(learner, card, now, right=True).verdict.correct is False
    later = now + timedelta(seconds=20)
    with pytest.raises(ValidationError, match=errors.WRONG_ANSWER_ONLY_AGAIN):
        review(learner, card, later, right=True, rating=Rating.EASY)
    assert review(learner, card, later, right=True).rating == Rating.AGAIN
    assert Attempt.objects.count() == 1
    live = ReviewLog.objects.get(undone_at__isnull=True)
    assert Attempt.objects.get().review == live


def test_undo_of_a_right_answer_lets_the_learner_choose_another_rating(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    review(learner, card, now, right=True, rating=Rating.HARD)
    services.review_undo(learner=learner, now=now, bank=bank)
    again = check(learner, card, now, right=False)
    assert again.verdict.correct is True and again.allowed == (2, 3, 4)
    assert review(learner, card, now, right=False, rating=Rating.EASY).rating == Rating.EASY


def test_undo_of_a_review_recorded_before_attempts_keeps_that_reviews_verdict(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    review(learner, card, now, right=False)
    Attempt.objects.all().delete()  # as for a review logged before first attempts were kept
    services.review_undo(learner=learner, now=now, bank=bank)
    attempt = Attempt.objects.get()
    assert (attempt.correct, attempt.answer, attempt.closed_at) == (False, False, None)
    assert attempt.feedback  # graded again for its feedback
    assert review(learner, card, now, right=True).rating == Rating.AGAIN


def test_reset_starts_a_fresh_attempt(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    check(learner, card, now, right=False)
    services.card_reset(learner=learner, card=card, now=now)
    assert check(learner, card, now, right=True).verdict.correct is True
    assert Attempt.objects.filter(closed_at__isnull=False, review__isnull=True).count() == 1


def test_a_new_learner_day_starts_a_fresh_attempt(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    check(learner, card, now, right=False)
    tomorrow = now + timedelta(days=1)
    item = services.study_queue_next(learner=learner, bank=bank, now=tomorrow).item
    assert item.card == card and item.attempt is None
    assert check(learner, card, tomorrow, right=True).verdict.correct is True
    first, fresh = Attempt.objects.order_by("id")
    assert first.closed_at == tomorrow and first.review is None and fresh.closed_at is None


def test_each_review_of_a_card_starts_from_a_fresh_attempt(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    review(learner, card, now, right=False)  # Again: a learning step
    later = now + timedelta(minutes=2)
    assert check(learner, card, later, right=True).verdict.correct is True
    assert review(learner, card, later, right=True).rating == Rating.GOOD
    assert list(Attempt.objects.order_by("id").values_list("reps", "correct")) == [
        (0, False),
        (1, True),
    ]


def test_flashcards_record_a_self_graded_attempt_and_its_rating(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="flashcard"))
    shown = services.answer_check(learner=learner, card=card, answer=None, now=now)
    assert shown.verdict.correct is None and shown.allowed == (1, 2, 3, 4)
    result = services.review_submit(
        learner=learner, card=card, answer=None, rating=Rating.HARD, now=now
    )
    attempt = Attempt.objects.get()
    assert attempt.correct is None and attempt.review.rating == Rating.HARD
    assert attempt.review_id == result.log_id


def test_a_check_records_the_answer_time_from_the_serve_token(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    token = services.serve_token_make(learner=learner, card=card, now=now)
    services.answer_check(
        learner=learner, card=card, answer=True, now=now + timedelta(seconds=4), serve_token=token
    )
    review(learner, card, now + timedelta(seconds=9), right=True)
    assert Attempt.objects.get().elapsed_ms == 4000
    assert ReviewLog.objects.get().elapsed_ms == 4000  # the time to answer, not to rate


def test_a_retried_review_replays_and_leaves_no_attempt_behind(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="short_answer"))
    check(learner, card, now, right=False)
    first = review(learner, card, now, right=True, key="k-1")
    replay = review(learner, card, now + timedelta(seconds=3), right=True, key="k-1")
    assert replay.replayed and replay.to_json() == first.to_json()
    assert Attempt.objects.filter(closed_at__isnull=True).count() == 0
    assert Attempt.objects.count() == 1


# --- "I was right" ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["short_answer", "shell_command", "cloze"])
def test_i_was_right_allows_hard_good_or_easy_and_marks_the_review(learner, bank, now, kind):
    card = QuestionFactory(bank=bank, kind=kind).cards.order_by("id").first()
    assert check(learner, card, now, right=False).override_allowed
    overridden = services.attempt_override(learner=learner, card=card, now=now)
    assert overridden.allowed == (Rating.HARD, Rating.GOOD, Rating.EASY)
    assert overridden.overridden and not overridden.override_allowed
    assert overridden.verdict.correct is False  # the grader's verdict is kept as it was
    result = review(learner, card, now, right=False, rating=Rating.EASY)
    assert (result.rating, result.correct, result.overridden) == (Rating.EASY, False, True)
    log = ReviewLog.objects.get()
    assert log.overridden and Attempt.objects.get().overridden


def test_i_was_right_in_one_step_through_the_review(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="shell_command"))
    result = review(learner, card, now, right=False, override=True)
    assert (result.rating, result.overridden) == (Rating.GOOD, True)
    assert Attempt.objects.get().overridden and ReviewLog.objects.get().overridden


@pytest.mark.parametrize("kind", ["single_choice", "true_false", "ordering", "matching"])
def test_i_was_right_is_only_for_typed_answers(learner, bank, now, kind):
    card = card_of(QuestionFactory(bank=bank, kind=kind))
    assert not check(learner, card, now, right=False).override_allowed
    with pytest.raises(ValidationError, match=errors.OVERRIDE_NOT_ALLOWED):
        services.attempt_override(learner=learner, card=card, now=now)
    with pytest.raises(ValidationError, match=errors.OVERRIDE_NOT_ALLOWED):
        review(learner, card, now, right=False, override=True)
    assert not Attempt.objects.filter(overridden=True).exists()


def test_i_was_right_needs_a_wrong_verdict_first(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="short_answer"))
    with pytest.raises(ValidationError, match=errors.NOTHING_TO_OVERRIDE):
        services.attempt_override(learner=learner, card=card, now=now)
    check(learner, card, now, right=True)
    with pytest.raises(ValidationError, match=errors.OVERRIDE_NOT_ALLOWED):
        services.attempt_override(learner=learner, card=card, now=now)


def test_an_overridden_review_undone_comes_back_overridden(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="short_answer"))
    review(learner, card, now, right=False, override=True, rating=Rating.GOOD)
    services.review_undo(learner=learner, now=now, bank=bank)
    again = check(learner, card, now, right=False)
    assert again.overridden and again.allowed == (Rating.HARD, Rating.GOOD, Rating.EASY)
    assert review(learner, card, now, right=False, rating=Rating.EASY).overridden

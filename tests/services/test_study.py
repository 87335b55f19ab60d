"""The study loop: queue order, limits, grading rules, idempotency, undo and card actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from quizzes import errors, grading, selectors, services
from quizzes.models import Attempt, CardState, CardStatus, LearnerProfile, Rating, ReviewLog
from tests.factories import (
    EnrollmentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    card_of,
    right_answer,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def answer(learner, card, now, *, right=True, rating=None, key=None):
    q = card.question
    payload = right_answer(q, card.deletion) if right else wrong_answer(q, card.deletion)
    if q.kind == "flashcard" and rating is None:
        rating = Rating.GOOD if right else Rating.AGAIN
    return services.review_submit(
        learner=learner, card=card, answer=payload, rating=rating, now=now, idempotency_key=key
    )


def test_new_cards_come_in_authoring_order(learner, bank, now):
    q1 = QuestionFactory(bank=bank, kind="single_choice")
    QuestionFactory(bank=bank, kind="true_false")
    result = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert result.item.card == card_of(q1)
    assert result.item.queue == "new"
    assert result.counts.new == 2


def test_learning_cards_due_now_come_before_new_cards(learner, bank, now):
    q1 = QuestionFactory(bank=bank, kind="single_choice")
    QuestionFactory(bank=bank, kind="true_false")
    answer(learner, card_of(q1), now, right=False)  # Again: due in 1 minute
    later = now + timedelta(minutes=2)
    result = services.study_queue_next(learner=learner, bank=bank, now=later)
    assert result.item.card == card_of(q1)
    assert result.item.queue == "learning"


def test_learning_cards_are_shown_early_only_when_nothing_else_is_left(learner, bank, now):
    q1 = QuestionFactory(bank=bank, kind="single_choice")
    q2 = QuestionFactory(bank=bank, kind="true_false")
    answer(learner, card_of(q1), now)  # Good on a new card: next step in 10 minutes
    result = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert result.item.card == card_of(q2)  # the new card first
    answer(learner, card_of(q2), now)
    result = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert result.item.card == card_of(q1) and result.item.queue == "learning"  # learn-ahead
    assert result.item.state.due > now


def test_nothing_due_says_when_the_next_card_is_due(learner, bank, now):
    q1 = QuestionFactory(bank=bank, kind="single_choice")
    result = answer(learner, card_of(q1), now, rating=Rating.EASY)  # straight to review
    nothing = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert nothing.item is None
    assert nothing.next_due == result.due
    assert nothing.counts.total == 0


def test_reviews_due_today_are_ordered_by_due_time(learner, bank, now):
    questions = [QuestionFactory(bank=bank, kind="true_false") for _ in range(3)]
    dues = [now - timedelta(days=3), now - timedelta(days=1), now + timedelta(hours=5)]
    for q, due in zip(questions, [dues[1], dues[0], dues[2]], strict=True):
        CardState.objects.create(
            learner=learner,
            card=card_of(q),
            bank=bank,
            status=CardStatus.REVIEW,
            stability=5,
            difficulty=5,
            due=due,
            last_review=due - timedelta(days=5),
            reps=3,
        )
    seen = []
    for _ in range(3):
        item = services.study_queue_next(learner=learner, bank=bank, now=now).item
        seen.append(item.state.due)
        answer(learner, item.card, now)
    assert seen == sorted(dues)  # the one due later today (before the 4 am rollover) counts too


def test_a_review_due_after_the_day_ends_is_not_due_today(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    _start, end = selectors.learner_day(profile=learner.learner_profile, now=now)
    CardState.objects.create(
        learner=learner,
        card=card_of(q),
        bank=bank,
        status=CardStatus.REVIEW,
        stability=5,
        difficulty=5,
        due=end + timedelta(minutes=1),
        last_review=now,
        reps=3,
    )
    result = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert result.item is None and result.counts.review == 0


def test_new_card_limit_counts_todays_introductions_from_the_log(learner, bank, now):
    bank.enrollments.update(new_per_day=2)
    for _ in range(4):
        QuestionFactory(bank=bank, kind="true_false")
    for _ in range(2):
        item = services.study_queue_next(learner=learner, bank=bank, now=now).item
        answer(learner, item.card, now, rating=Rating.EASY)
    result = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert result.item is None and result.counts.new == 0
    tomorrow = now + timedelta(days=1)
    assert services.study_queue_next(learner=learner, bank=bank, now=tomorrow).counts.new == 2


def test_review_limit_caps_reviews_today(learner, bank, now):
    bank.enrollments.update(reviews_per_day=1)
    for _ in range(3):
        q = QuestionFactory(bank=bank, kind="true_false")
        CardState.objects.create(
            learner=learner,
            card=card_of(q),
            bank=bank,
            status=CardStatus.REVIEW,
            stability=5,
            difficulty=5,
            due=now - timedelta(days=1),
            last_review=now - timedelta(days=6),
        )
    first = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert first.counts.review == 1
    answer(learner, first.item.card, now)
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item is None


def test_new_cards_are_interleaved_with_reviews(learner, bank, now):
    for _ in range(4):
        q = QuestionFactory(bank=bank, kind="true_false")
        CardState.objects.create(
            learner=learner,
            card=card_of(q),
            bank=bank,
            status=CardStatus.REVIEW,
            stability=5,
            difficulty=5,
            due=now - timedelta(days=1),
            last_review=now - timedelta(days=6),
        )
    for _ in range(2):
        QuestionFactory(bank=bank, kind="true_false")
    queues = []
    for _ in range(6):
        item = services.study_queue_next(learner=learner, bank=bank, now=now).item
        queues.append(item.queue)
        answer(learner, item.card, now, rating=Rating.EASY)
    assert sorted(queues) == ["new"] * 2 + ["review"] * 4
    assert queues != ["review"] * 4 + ["new"] * 2 and queues != ["new"] * 2 + ["review"] * 4


def test_suspended_buried_and_retired_cards_never_appear(learner, bank, now):
    suspended = QuestionFactory(bank=bank, kind="true_false")
    buried = QuestionFactory(bank=bank, kind="true_false")
    retired = QuestionFactory(bank=bank, kind="true_false")
    services.card_suspend(learner=learner, card=card_of(suspended))
    services.card_bury(learner=learner, card=card_of(buried), now=now)
    services.question_retire(question=retired, now=now)
    result = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert result.item is None and result.counts.new == 0
    # The buried card comes back when the learner's next day starts; the others do not.
    tomorrow = now + timedelta(days=1)
    assert services.study_queue_next(learner=learner, bank=bank, now=tomorrow).item.card == card_of(
        buried
    )


def test_burying_a_cloze_card_buries_its_siblings(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="cloze")
    assert q.cards.count() == 2
    services.card_bury(learner=learner, card=card_of(q, "c1"), now=now)
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item is None


def test_topics_restrict_the_queue_including_subtopics(learner, bank, now):
    parent = TopicFactory(bank=bank, slug="commands")
    child = TopicFactory(bank=bank, slug="commands/modprobe", parent=parent)
    other = TopicFactory(bank=bank, slug="locking")
    QuestionFactory(bank=bank, kind="true_false", topics=[other])
    wanted = QuestionFactory(bank=bank, kind="true_false", topics=[child])
    result = services.study_queue_next(learner=learner, bank=bank, now=now, topics=["commands"])
    assert result.item.card == card_of(wanted) and result.counts.new == 1
    assert (
        services.study_queue_next(learner=learner, bank=bank, now=now, topics=["nope"]).item is None
    )


def test_a_bank_the_learner_is_not_enrolled_in_is_refused(learner, now):
    q = QuestionFactory(kind="true_false")
    with pytest.raises(errors.NotEnrolled):
        services.study_queue_next(learner=learner, bank=q.bank, now=now)
    with pytest.raises(errors.NotEnrolled):
        answer(learner, card_of(q), now)


def test_a_question_added_later_is_new_for_every_enrolled_learner(learner, bank, now):
    other = UserFactory()
    EnrollmentFactory(learner=other, bank=bank)
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item is None
    q = QuestionFactory(bank=bank, kind="single_choice")
    for user in (learner, other):
        assert services.study_queue_next(learner=user, bank=bank, now=now).item.card == card_of(q)


@pytest.mark.parametrize(
    "kind",
    [
        "single_choice",
        "multiple_choice",
        "true_false",
        "short_answer",
        "shell_command",
        "ordering",
        "matching",
    ],
)
def test_right_answers_are_good_and_wrong_answers_again(learner, bank, now, kind):
    q = QuestionFactory(bank=bank, kind=kind)
    right = answer(learner, card_of(q), now)
    assert (right.correct, right.rating) == (True, Rating.GOOD)
    wrong = answer(learner, card_of(q), now + timedelta(hours=1), right=False)
    assert (wrong.correct, wrong.rating) == (False, Rating.AGAIN)


def test_cloze_cards_are_graded_per_deletion(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="cloze")
    result = services.review_submit(
        learner=learner, card=card_of(q, "c2"), answer={"c2": "DEPMOD"}, rating=None, now=now
    )
    assert result.correct is True


def test_a_right_answer_may_be_hard_or_easy_but_not_again(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    easy = answer(learner, card_of(q), now, rating=Rating.EASY)
    assert easy.rating == Rating.EASY
    with pytest.raises(ValidationError, match=errors.RIGHT_ANSWER_NOT_AGAIN):
        answer(learner, card_of(q), now, rating=Rating.AGAIN)


def test_a_wrong_answer_only_allows_again(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    with pytest.raises(ValidationError, match=errors.WRONG_ANSWER_ONLY_AGAIN):
        answer(learner, card_of(q), now, right=False, rating=Rating.GOOD)
    assert not ReviewLog.objects.exists()


def test_flashcards_need_an_explicit_rating(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="flashcard")
    with pytest.raises(ValidationError, match="self-graded"):
        services.review_submit(learner=learner, card=card_of(q), answer=None, rating=None, now=now)
    result = services.review_submit(
        learner=learner, card=card_of(q), answer=None, rating=Rating.HARD, now=now
    )
    assert result.correct is None and result.rating == Rating.HARD


def test_an_answer_of_the_wrong_shape_records_nothing(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="single_choice")
    with pytest.raises(grading.InvalidAnswer):
        services.review_submit(learner=learner, card=card_of(q), answer=["a"], rating=None, now=now)
    assert not ReviewLog.objects.exists() and not CardState.objects.exists()


def test_answer_check_grades_and_records_only_the_first_attempt(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="single_choice")
    check = services.answer_check(learner=learner, card=card_of(q), answer="b", now=now)
    assert check.verdict.correct is False
    assert check.verdict.expected == "a"
    assert check.allowed == (Rating.AGAIN,)
    assert set(check.previews) == {Rating.AGAIN}
    assert not check.repeated
    q2 = QuestionFactory(bank=bank, kind="single_choice")
    right = services.answer_check(learner=learner, card=card_of(q2), answer="a", now=now)
    assert right.allowed == (Rating.HARD, Rating.GOOD, Rating.EASY)
    assert not ReviewLog.objects.exists() and not CardState.objects.exists()
    assert Attempt.objects.filter(closed_at__isnull=True).count() == 2


def test_submitting_a_rating_lands_exactly_on_its_preview(learner, bank, now):
    for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
        q = QuestionFactory(bank=bank, kind="true_false")
        preview = services.answer_check(
            learner=learner, card=card_of(q), answer=True, now=now
        ).previews[rating]
        assert answer(learner, card_of(q), now, rating=rating).due == preview
    q = QuestionFactory(bank=bank, kind="true_false")
    preview = services.answer_check(
        learner=learner, card=card_of(q), answer=False, now=now
    ).previews[Rating.AGAIN]
    assert answer(learner, card_of(q), now, right=False).due == preview


def test_the_same_idempotency_key_records_one_review(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    first = answer(learner, card_of(q), now, key="k-1")
    again = answer(learner, card_of(q), now + timedelta(seconds=5), key="k-1")
    assert again.replayed and not first.replayed
    assert again.to_json() == first.to_json()
    assert ReviewLog.objects.count() == 1
    assert CardState.objects.get().reps == 1


def test_the_same_key_with_a_different_body_is_a_conflict(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    answer(learner, card_of(q), now, key="k-1")
    with pytest.raises(errors.IdempotencyConflict):
        answer(learner, card_of(q), now, right=False, key="k-1")
    assert ReviewLog.objects.count() == 1


def test_answer_time_is_measured_from_serving_and_capped(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    item = services.study_queue_next(learner=learner, bank=bank, now=now).item
    result = services.review_submit(
        learner=learner,
        card=item.card,
        answer=True,
        rating=None,
        now=now + timedelta(seconds=7),
        serve_token=item.serve_token,
    )
    assert ReviewLog.objects.get(pk=result.log_id).elapsed_ms == 7000
    q2 = QuestionFactory(bank=bank, kind="true_false")
    token = services.serve_token_make(learner=learner, card=card_of(q2), now=now)
    late = services.review_submit(
        learner=learner,
        card=card_of(q2),
        answer=True,
        rating=None,
        now=now + timedelta(minutes=5),
        serve_token=token,
    )
    assert ReviewLog.objects.get(pk=late.log_id).elapsed_ms == 60000
    forged = services.review_submit(
        learner=learner,
        card=card_of(q),
        answer=True,
        rating=None,
        now=now + timedelta(days=3),
        serve_token=token + "x",
    )
    assert ReviewLog.objects.get(pk=forged.log_id).elapsed_ms == 0
    assert q.pk != q2.pk


def test_default_leech_threshold_is_eight_lapses_as_in_anki():
    from quizzes import conf

    assert conf.get("LEECH_THRESHOLD") == 8


def test_reaching_the_leech_threshold_suspends_the_card_as_a_leech(learner, bank, now, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "LEECH_THRESHOLD": 3}
    q = QuestionFactory(bank=bank, kind="true_false")
    card = card_of(q)
    t = now
    lapses = 0
    while lapses < 3:
        state = CardState.objects.filter(learner=learner, card=card).first()
        if state is None or state.status != CardStatus.REVIEW:
            result = answer(learner, card, t, rating=Rating.EASY)
        else:
            result = answer(learner, card, t, right=False)
            lapses += 1
        t = max(result.due, t) + timedelta(minutes=1)
    state = CardState.objects.get(learner=learner, card=card)
    assert state.lapses == 3 and state.is_leech and state.suspended
    assert result.leech is True


def test_undo_restores_the_previous_state_and_can_repeat(learner, bank, now):
    q1 = QuestionFactory(bank=bank, kind="true_false")
    q2 = QuestionFactory(bank=bank, kind="true_false")
    answer(learner, card_of(q1), now)
    answer(learner, card_of(q1), now + timedelta(minutes=11))
    answer(learner, card_of(q2), now + timedelta(minutes=12))
    later = now + timedelta(minutes=13)
    assert services.review_undo(learner=learner, now=later).card == card_of(q2)
    assert CardState.objects.get(card=card_of(q2)).status == CardStatus.NEW
    assert services.review_undo(learner=learner, now=later).card == card_of(q1)
    state = CardState.objects.get(card=card_of(q1))
    assert (state.status, state.reps, state.step) == (CardStatus.LEARNING, 1, 1)
    assert ReviewLog.objects.count() == 3  # undo never deletes
    assert ReviewLog.objects.filter(undone_at__isnull=False).count() == 2
    # Undone reviews do not count against today's new-card limit.
    assert services.study_queue_next(learner=learner, bank=bank, now=later).counts.new == 1


def test_undo_stops_at_the_start_of_the_day(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    answer(learner, card_of(q), now)
    with pytest.raises(ValidationError, match=errors.NOTHING_TO_UNDO):
        services.review_undo(learner=learner, now=now + timedelta(days=1))


def test_reset_makes_a_card_new_again(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    answer(learner, card_of(q), now, rating=Rating.EASY)
    services.card_reset(learner=learner, card=card_of(q), now=now)
    state = CardState.objects.get()
    assert state.status == CardStatus.NEW and state.due is None
    item = services.study_queue_next(learner=learner, bank=bank, now=now + timedelta(days=1)).item
    assert item.card == card_of(q) and item.queue == "new"


def test_suspend_and_unsuspend(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    services.card_suspend(learner=learner, card=card_of(q))
    with pytest.raises(ValidationError, match="suspended"):
        answer(learner, card_of(q), now)
    services.card_unsuspend(learner=learner, card=card_of(q))
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item.card == card_of(q)


def test_retired_cards_cannot_be_reviewed(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="true_false")
    services.question_retire(question=q, now=now)
    with pytest.raises(ValidationError, match="retired"):
        answer(learner, card_of(q), now)


def test_the_day_follows_the_learners_timezone(bank, now):
    learner = UserFactory()
    LearnerProfile.objects.create(user=learner, timezone="Pacific/Kiritimati", day_start_hour=4)
    EnrollmentFactory(learner=learner, bank=bank, new_per_day=1)
    QuestionFactory(bank=bank, kind="true_false")
    QuestionFactory(bank=bank, kind="true_false")
    # 13:59 UTC is 03:59 next day in Kiritimati (+14): still the previous learner-day.
    before = datetime(2026, 3, 2, 13, 59, tzinfo=UTC)
    item = services.study_queue_next(learner=learner, bank=bank, now=before).item
    answer(learner, item.card, before, rating=Rating.EASY)
    assert services.study_queue_next(learner=learner, bank=bank, now=before).counts.new == 0
    after = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 04:00 local: a new day, a new allowance
    assert services.study_queue_next(learner=learner, bank=bank, now=after).counts.new == 1


def fresh_counts(learner, bank, now):
    enrollment = bank.enrollments.get(learner=learner)
    return selectors.queue_context(learner=learner, enrollment=enrollment, now=now).counts.to_json()


@pytest.mark.parametrize("limits", [(20, 200), (2, 200), (20, 2), (1, 1)])
def test_counts_returned_by_a_review_equal_a_fresh_count(learner, bank, now, settings, limits):
    """review_submit applies its own card's move to counts read before its transaction: the
    result must be what counting afresh afterwards gives, whatever the card's path."""
    settings.KMODQUIZ = {**settings.KMODQUIZ, "LEECH_THRESHOLD": 2}
    bank.enrollments.update(new_per_day=limits[0], reviews_per_day=limits[1])
    for i in range(4):
        QuestionFactory(bank=bank, kind="true_false")
        q = QuestionFactory(bank=bank, kind="single_choice")
        CardState.objects.create(
            learner=learner,
            card=card_of(q),
            bank=bank,
            status=CardStatus.REVIEW,
            stability=3,
            difficulty=5,
            due=now - timedelta(hours=i),
            last_review=now - timedelta(days=3),
        )
    buried = QuestionFactory(bank=bank, kind="cloze")
    services.card_bury(learner=learner, card=card_of(buried, "c1"), now=now)
    t = now
    sibling_done = False
    for step in range(24):
        item = services.study_queue_next(learner=learner, bank=bank, now=t).item
        if item is None and sibling_done:
            break
        if item is None:
            sibling_done = True  # also review a buried sibling once
        card = item.card if item else card_of(buried, "c2")
        right = step % 3 != 1
        rating = Rating.EASY if right and step % 5 == 0 else None
        result = answer(learner, card, t, right=right, rating=rating)
        assert result.counts == fresh_counts(learner, bank, t), (step, item and item.queue)
        t += timedelta(minutes=3)

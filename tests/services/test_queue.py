"""Siblings in the queue, as Anki spaces them: the cloze deletions of one question are siblings;
a new card's siblings wait for the next day, review siblings are never shown back to back (and
wait for the next day too when the learner asks), and a given card is served as the queue would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizzes import selectors, services
from quizzes.models import CardState, CardStatus, LearnerProfile, Rating
from tests.factories import QuestionFactory, card_of

pytestmark = pytest.mark.django_db


def study(learner, card, now, rating=Rating.GOOD):
    answer = {card.deletion: "modprobe" if card.deletion == "c1" else "depmod"}
    if card.question.kind != "cloze":
        answer = True
    return services.review_submit(learner=learner, card=card, answer=answer, rating=rating, now=now)


def due_review(learner, card, due):
    CardState.objects.create(
        learner=learner,
        card=card,
        bank=card.bank,
        status=CardStatus.REVIEW,
        stability=5,
        difficulty=5,
        due=due,
        last_review=due - timedelta(days=5),
        reps=3,
    )


def fresh_counts(learner, bank, now):
    enrollment = bank.enrollments.get(learner=learner)
    return selectors.queue_context(learner=learner, enrollment=enrollment, now=now).counts


def test_a_new_cards_siblings_wait_for_the_next_day(learner, bank, now):
    cloze = QuestionFactory(bank=bank, kind="cloze")
    other = QuestionFactory(bank=bank, kind="true_false")
    first = services.study_queue_next(learner=learner, bank=bank, now=now)
    assert first.item.card == card_of(cloze, "c1") and first.counts.new == 3
    result = study(learner, card_of(cloze, "c1"), now, rating=Rating.EASY)
    assert result.counts["new"] == 1 == fresh_counts(learner, bank, now).new  # c2 is buried
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item.card == card_of(
        other
    )
    study(learner, card_of(other), now, rating=Rating.EASY)
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item is None
    tomorrow = now + timedelta(days=1)
    item = services.study_queue_next(learner=learner, bank=bank, now=tomorrow).item
    assert item.card == card_of(cloze, "c2") and item.queue == "new"


def test_undoing_the_review_that_buried_a_sibling_brings_it_back(learner, bank, now):
    cloze = QuestionFactory(bank=bank, kind="cloze")
    study(learner, card_of(cloze, "c1"), now, rating=Rating.EASY)
    assert fresh_counts(learner, bank, now).new == 0
    services.review_undo(learner=learner, now=now, bank=bank)
    assert fresh_counts(learner, bank, now).new == 2


def test_with_burying_new_siblings_off_they_come_the_same_day_but_not_back_to_back(
    learner, bank, now
):
    LearnerProfile.objects.filter(user=learner).update(bury_new_siblings=False)
    learner.refresh_from_db()
    cloze = QuestionFactory(bank=bank, kind="cloze")
    other = QuestionFactory(bank=bank, kind="true_false")
    study(learner, card_of(cloze, "c1"), now, rating=Rating.EASY)
    assert fresh_counts(learner, bank, now).new == 2
    item = services.study_queue_next(learner=learner, bank=bank, now=now).item
    assert item.card == card_of(other)  # c2 comes next by authoring order, but is held back
    study(learner, card_of(other), now, rating=Rating.EASY)
    item = services.study_queue_next(learner=learner, bank=bank, now=now).item
    assert item.card == card_of(cloze, "c2")


def test_review_siblings_are_not_shown_one_right_after_another(learner, bank, now):
    cloze = QuestionFactory(bank=bank, kind="cloze")
    other = QuestionFactory(bank=bank, kind="true_false")
    due_review(learner, card_of(cloze, "c1"), now - timedelta(hours=3))
    due_review(learner, card_of(cloze, "c2"), now - timedelta(hours=2))
    due_review(learner, card_of(other), now - timedelta(hours=1))
    seen = []
    for _ in range(3):
        item = services.study_queue_next(learner=learner, bank=bank, now=now).item
        seen.append(item.card)
        study(learner, item.card, now)
    assert seen == [card_of(cloze, "c1"), card_of(other), card_of(cloze, "c2")]


def test_a_sibling_is_shown_next_when_nothing_else_is_left(learner, bank, now):
    cloze = QuestionFactory(bank=bank, kind="cloze")
    due_review(learner, card_of(cloze, "c1"), now - timedelta(hours=3))
    due_review(learner, card_of(cloze, "c2"), now - timedelta(hours=2))
    study(learner, card_of(cloze, "c1"), now)
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item.card == card_of(
        cloze, "c2"
    )


def test_burying_review_siblings_when_asked_keeps_them_for_the_next_day(learner, bank, now):
    LearnerProfile.objects.filter(user=learner).update(bury_review_siblings=True)
    learner.refresh_from_db()
    cloze = QuestionFactory(bank=bank, kind="cloze")
    due_review(learner, card_of(cloze, "c1"), now - timedelta(hours=3))
    due_review(learner, card_of(cloze, "c2"), now - timedelta(hours=2))
    assert fresh_counts(learner, bank, now).review == 2
    result = study(learner, card_of(cloze, "c1"), now)
    assert result.counts["review"] == 0 == fresh_counts(learner, bank, now).review
    assert services.study_queue_next(learner=learner, bank=bank, now=now).item is None
    tomorrow = now + timedelta(days=1)
    item = services.study_queue_next(learner=learner, bank=bank, now=tomorrow).item
    assert item.card == card_of(cloze, "c2")


def test_a_given_card_is_served_as_the_queue_would_with_its_open_attempt(learner, bank, now):
    q = QuestionFactory(bank=bank, kind="short_answer")
    card = card_of(q)
    assert services.study_card(learner=learner, bank=bank, card_id=card.pk, now=now).attempt is None
    services.answer_check(learner=learner, card=card, answer="nope", now=now)
    item = services.study_card(learner=learner, bank=bank, card_id=card.pk, now=now)
    assert item.card == card and item.queue == "new" and item.attempt.answer == "nope"
    services.card_suspend(learner=learner, card=card)
    assert services.study_card(learner=learner, bank=bank, card_id=card.pk, now=now) is None
    elsewhere = QuestionFactory(kind="true_false")
    assert (
        services.study_card(learner=learner, bank=bank, card_id=card_of(elsewhere).pk, now=now)
        is None
    )

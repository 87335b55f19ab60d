"""The hand-written hot-path lookups build exactly the instances the ORM would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from quizzes import selectors
from quizzes.models import Attempt, Card, CardState, CardStatus, Question
from tests.factories import QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def same_fields(a, b) -> None:
    assert type(a) is type(b)
    for field in type(a)._meta.concrete_fields:
        assert getattr(a, field.attname) == getattr(b, field.attname), field.name


@pytest.fixture
def state(now):
    question = QuestionFactory(kind="cloze", tags=["scenario", "ünïcode"], difficulty=3)
    question.retired_at = now
    question.save()
    return CardState.objects.create(
        learner=UserFactory(),
        card=card_of(question, "c2"),
        bank=question.bank,
        status=CardStatus.RELEARNING,
        step=0,
        stability=1.25,
        difficulty=7.5,
        due=now + timedelta(minutes=10),
        last_review=now,
        reps=4,
        lapses=1,
        suspended=True,
        is_leech=True,
        buried_until=now + timedelta(hours=3),
        retired=True,
    )


@pytest.fixture
def attempt(state, now):
    return Attempt.objects.create(
        learner_id=state.learner_id,
        card_id=state.card_id,
        bank_id=state.bank_id,
        question_id=state.card.question_id,
        reps=4,
        correct=False,
        score=0.5,
        answer={"c2": "dépmod"},
        feedback="Not quite.",
        elapsed_ms=1234,
        attempted_at=now,
        opened_at=now,
    )


def test_state_with_card_matches_the_orm(state):
    raw, no_attempt = selectors.state_with_card(state_id=state.pk)
    assert no_attempt is None  # the missing side of the LEFT JOIN
    orm = CardState.objects.select_related("card__question").get(pk=state.pk)
    same_fields(raw, orm)
    same_fields(raw.card, orm.card)
    same_fields(raw.card.question, orm.card.question)
    assert raw.card.question.spec == orm.card.question.spec  # JSON decoded, not a string
    assert raw.due.tzinfo is not None and raw.suspended is True
    assert selectors.state_with_card(state_id=state.pk + 999) is None


def test_card_with_question_matches_the_orm(state):
    raw = selectors.card_with_question(card_id=state.card_id)
    orm = Card.objects.select_related("question").get(pk=state.card_id)
    same_fields(raw, orm)
    same_fields(raw.question, orm.question)
    assert isinstance(raw.question, Question) and raw.question.tags == ["scenario", "ünïcode"]
    assert selectors.card_with_question(card_id=10**12) is None


def test_state_locked_finds_the_learners_row_and_saves_like_an_orm_instance(state):
    with transaction.atomic():
        locked, _attempt = selectors.state_locked(
            learner_id=state.learner_id, card_id=state.card_id
        )
        same_fields(locked, CardState.objects.get(pk=state.pk))
        locked.reps = 9
        locked.save()
    assert CardState.objects.get(pk=state.pk).reps == 9
    assert CardState.objects.count() == 1  # an update, not a second row
    assert selectors.state_locked(learner_id=state.learner_id + 99, card_id=state.card_id) is None


def test_the_open_attempt_comes_with_the_state_the_card_and_the_lock(state, attempt, now):
    orm = Attempt.objects.get(pk=attempt.pk)
    _state, joined = selectors.state_with_card(state_id=state.pk)
    same_fields(joined, orm)
    assert joined.answer == {"c2": "dépmod"} and joined.attempted_at.tzinfo is not None
    card, found_state, found = selectors.card_for_learner(
        card_id=state.card_id, learner_id=state.learner_id
    )
    same_fields(found, orm)
    same_fields(found_state, CardState.objects.get(pk=state.pk))
    assert card.pk == state.card_id and found_state.card is card
    with transaction.atomic():
        _locked, locked_attempt = selectors.state_locked(
            learner_id=state.learner_id, card_id=state.card_id
        )
    same_fields(locked_attempt, orm)
    same_fields(selectors.open_attempt(learner_id=state.learner_id, card_id=state.card_id), orm)
    Attempt.objects.filter(pk=attempt.pk).update(closed_at=now)  # a closed one is not joined
    assert selectors.state_with_card(state_id=state.pk)[1] is None
    assert selectors.open_attempt(learner_id=state.learner_id, card_id=state.card_id) is None


def test_a_card_the_learner_never_touched_has_no_state_nor_attempt(state):
    other = UserFactory()
    card, found_state, found = selectors.card_for_learner(
        card_id=state.card_id, learner_id=other.pk
    )
    assert card.pk == state.card_id and found_state is None and found is None
    assert selectors.card_for_learner(card_id=10**12, learner_id=other.pk) is None

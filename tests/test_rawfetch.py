"""The hand-written hot-path lookups build exactly the instances the ORM would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from quizzes import selectors
from quizzes.models import Card, CardState, CardStatus, Question
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


def test_state_with_card_matches_the_orm(state):
    raw = selectors.state_with_card(state_id=state.pk)
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
        locked = selectors.state_locked(learner_id=state.learner_id, card_id=state.card_id)
        same_fields(locked, CardState.objects.get(pk=state.pk))
        locked.reps = 9
        locked.save()
    assert CardState.objects.get(pk=state.pk).reps == 9
    assert CardState.objects.count() == 1  # an update, not a second row
    assert selectors.state_locked(learner_id=state.learner_id + 99, card_id=state.card_id) is None

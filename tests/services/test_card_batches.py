"""Bulk card actions: through the one-card services, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quizzes import services
from quizzes.models import CardState
from quizzes.services.card_batches import (
    BULK_NO_CARDS,
    MAX_BULK_CARDS,
    cards_bulk_apply,
)
from tests.factories import BankFactory, QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(db):
    learner = UserFactory()
    bank = BankFactory()
    services.enroll(learner=learner, bank=bank)
    cards = [card_of(QuestionFactory(bank=bank, kind="true_false")) for _ in range(3)]
    return learner, cards


def test_suspend_then_unsuspend_many_cards(shelf, now):
    learner, cards = shelf
    result = cards_bulk_apply(
        learner=learner, card_ids=[c.pk for c in cards], action="suspend", now=now
    )
    assert result.changed == [c.pk for c in cards]
    assert CardState.objects.filter(learner=learner, suspended=True).count() == 3
    result = cards_bulk_apply(learner=learner, card_ids=[cards[0].pk], action="unsuspend", now=now)
    assert result.changed == [cards[0].pk]
    assert CardState.objects.filter(learner=learner, suspended=True).count() == 2


def test_a_card_the_action_would_not_change_is_left_alone(shelf, now):
    learner, cards = shelf
    result = cards_bulk_apply(learner=learner, card_ids=[cards[0].pk], action="unsuspend", now=now)
    assert (result.cards, result.changed) == ([cards[0].pk], [])
    assert not CardState.objects.exists()  # no state made for nothing


def test_bury_buries_until_the_next_day(shelf, now):
    learner, cards = shelf
    cards_bulk_apply(learner=learner, card_ids=[cards[1].pk], action="bury", now=now)
    state = CardState.objects.get(learner=learner, card=cards[1])
    assert state.buried_until > now


def test_one_card_of_another_bank_refuses_them_all(shelf, now):
    learner, cards = shelf
    foreign = card_of(QuestionFactory(kind="true_false"))
    with pytest.raises(ValidationError, match=str(foreign.pk)) as info:
        cards_bulk_apply(
            learner=learner, card_ids=[cards[0].pk, foreign.pk], action="suspend", now=now
        )
    assert info.value.code == "not_your_cards"
    assert not CardState.objects.exists()


@pytest.mark.parametrize(
    ("action", "ids", "code"),
    [
        ("delete", [1], "invalid_action"),
        ("suspend", [], "no_cards"),
        ("suspend", range(1, MAX_BULK_CARDS + 2), "too_many"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(shelf, now, action, ids, code):
    learner, _cards = shelf
    with pytest.raises(ValidationError) as info:
        cards_bulk_apply(learner=learner, card_ids=ids, action=action, now=now)
    assert info.value.code == code
    if code == "no_cards":
        assert info.value.messages == [BULK_NO_CARDS]

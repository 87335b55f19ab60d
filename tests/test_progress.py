"""Retention per week (quizzes/progress.py), with pinned time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizzes import progress, services
from quizzes.selectors import learner_profile_get
from tests.factories import BankFactory, EnrollmentFactory, QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def test_retention_per_week_counts_review_state_reviews_not_again(now):
    learner = UserFactory()
    bank = BankFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    cards = [card_of(QuestionFactory(bank=bank, kind="flashcard")) for _ in range(3)]
    start = now - timedelta(days=20)
    for card in cards:  # graduate each card to review state with Easy
        services.review_submit(learner=learner, card=card, answer=None, rating=4, now=start)
    for card, rating in zip(cards, (3, 1, 3), strict=True):
        services.review_submit(learner=learner, card=card, answer=None, rating=rating, now=now)
    weeks = progress.retention_per_week(
        learner=learner, profile=learner_profile_get(learner=learner), now=now, weeks=4
    )
    assert [w.start.weekday() for w in weeks] == [0, 0, 0, 0]
    assert weeks[-1].start == now.date()  # the pinned `now` is a Monday
    assert (weeks[-1].reviews, weeks[-1].passed) == (3, 2)
    assert weeks[-1].rate == pytest.approx(2 / 3)
    assert all(w.reviews == 0 and w.rate is None for w in weeks[:-1])  # first reviews were new

"""Figures that grow with history, read from the per-learner-day sums (quizzes/stats/history.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizzes import services, stats
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
    weeks = stats.retention_per_week(
        learner=learner, profile=learner_profile_get(learner=learner), now=now, weeks=4
    )
    assert [w.start.weekday() for w in weeks] == [0, 0, 0, 0]
    assert weeks[-1].start == now.date()  # the pinned `now` is a Monday
    assert (weeks[-1].reviews, weeks[-1].passed) == (3, 2)
    assert weeks[-1].rate == pytest.approx(2 / 3)
    assert all(w.reviews == 0 and w.rate is None for w in weeks[:-1])  # first reviews were new


def _day_row(learner, bank, day, reviews=1, **counts):
    from quizzes.models import DailyStat

    DailyStat.objects.create(learner=learner, bank=bank, day=day, reviews=reviews, **counts)


def test_streaks_per_bank_and_over_all_banks_in_one_query(now, django_assert_num_queries):
    learner = UserFactory()
    profile = learner_profile_get(learner=learner)
    a, b, idle = BankFactory(), BankFactory(), BankFactory()
    today = now.date()
    for back in (0, 1, 2, 3):
        _day_row(learner, a, today - timedelta(days=back))
    for back in (1, 2, 5, 6, 7):  # nothing today yet: the streak runs to yesterday
        _day_row(learner, b, today - timedelta(days=back))
    _day_row(learner, a, today - timedelta(days=5))
    with django_assert_num_queries(1):
        overall, per_bank = stats.streaks(
            learner=learner, profile=profile, now=now, bank_ids=[a.pk, b.pk, idle.pk]
        )
    assert per_bank == {a.pk: 4, b.pk: 2, idle.pk: 0}
    assert overall == 4  # today back to 3 days ago; 4 days ago nobody studied
    assert stats.streak(learner=learner, profile=profile, now=now) == 4
    assert stats.streak(learner=learner, profile=profile, now=now, bank_ids=[b.pk]) == 2


def test_a_streak_ended_before_yesterday_is_zero(now):
    learner = UserFactory()
    profile = learner_profile_get(learner=learner)
    bank = BankFactory()
    _day_row(learner, bank, now.date() - timedelta(days=2))
    assert stats.streak(learner=learner, profile=profile, now=now) == 0
    assert stats.streaks(learner=learner, profile=profile, now=now, bank_ids=[bank.pk]) == (
        0,
        {bank.pk: 0},
    )


def test_history_figures_read_the_daily_sums_not_the_log(now):
    learner = UserFactory()
    profile = learner_profile_get(learner=learner)
    bank = BankFactory()
    _day_row(learner, bank, now.date(), reviews=5, again=2, review=4, review_again=1)
    days = stats.reviews_per_day(learner=learner, profile=profile, now=now, days=2)
    assert [(d.reviews, d.again) for d in days] == [(0, 0), (5, 2)]
    assert stats.retention(learner=learner, since=now.date()) == stats.Retention(4, 3)

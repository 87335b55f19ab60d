"""The cohort's mastery table counts each learner's days as the scheduler and their own progress
page do: in their time zone, from their day start."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quizzes import analytics, stats
from quizzes.models import CardState, CardStatus
from quizzes.selectors import scheduler_config
from tests.factories import (
    BankFactory,
    EnrollmentFactory,
    LearnerProfileFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# 33 hours before NOW: one 24-hour period; two learner days in UTC from 04:00 (the review falls
# on the 8th's learner day), one in Kolkata (08:30 local on the 9th).
LAST_REVIEW = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)


def test_the_mastery_table_counts_each_learners_own_days_like_their_progress_page():
    bank = BankFactory()
    topic = TopicFactory(bank=bank, slug="t")
    card = QuestionFactory(bank=bank, kind="flashcard", topics=[topic]).cards.get()
    learners = {}
    for name, tz in (("utc", "UTC"), ("kolkata", "Asia/Kolkata")):
        user = UserFactory(username=name)
        LearnerProfileFactory(user=user, timezone=tz, day_start_hour=4, desired_retention=0.9)
        EnrollmentFactory(learner=user, bank=bank)
        # At desired retention 0.9 a card is mastered for `stability` days after its review.
        CardState.objects.create(
            learner=user,
            card=card,
            bank=bank,
            status=CardStatus.REVIEW,
            stability=1.0,
            difficulty=5.0,
            due=NOW,
            last_review=LAST_REVIEW,
            reps=2,
        )
        learners[name] = user

    matrix = analytics.mastery_matrix(bank=bank, now=NOW)

    cells = {row.username: row.overall.mastered for row in matrix.rows}
    assert cells == {"utc": 0, "kolkata": 1}
    for name, user in learners.items():
        own = stats.topic_mastery(
            learner=user,
            now=NOW,
            config=scheduler_config(user.learner_profile),
            bank_ids=[bank.pk],
        )
        assert [m.mastered for m in own if m.topic == "t"] == [cells[name]]

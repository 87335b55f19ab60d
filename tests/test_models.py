"""Database constraints hold what must never happen."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from quizzes.models import CardState, LearnerProfile, Question, ReviewLog
from tests.factories import BankFactory, QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def test_one_state_per_learner_and_card():
    q = QuestionFactory(kind="true_false")
    learner = UserFactory()
    CardState.objects.create(learner=learner, card=card_of(q), bank=q.bank)
    with pytest.raises(IntegrityError), transaction.atomic():
        CardState.objects.create(learner=learner, card=card_of(q), bank=q.bank)


def test_one_log_per_learner_and_idempotency_key(now):
    q = QuestionFactory(kind="true_false")
    learner = UserFactory()
    fields = dict(
        learner=learner,
        card=card_of(q),
        bank=q.bank,
        rating=3,
        reviewed_at=now,
        status_before=0,
        state_before={},
        state_after={},
        due_after=now,
    )
    ReviewLog.objects.create(idempotency_key="k", **fields)
    ReviewLog.objects.create(idempotency_key=None, **fields)
    ReviewLog.objects.create(idempotency_key=None, **fields)  # absent keys never collide
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewLog.objects.create(idempotency_key="k", **fields)
    ReviewLog.objects.create(idempotency_key="k", **{**fields, "learner": UserFactory()})


@pytest.mark.parametrize("retention", [0.69, 0.995, 1.0])
def test_desired_retention_outside_0_7_to_0_99_is_refused(retention):
    with pytest.raises(IntegrityError), transaction.atomic():
        LearnerProfile.objects.create(user=UserFactory(), desired_retention=retention)


def test_profile_defaults():
    p = LearnerProfile.objects.create(user=UserFactory())
    assert (
        p.timezone,
        p.day_start_hour,
        p.new_per_day,
        p.reviews_per_day,
        p.desired_retention,
        p.fsrs_parameters,
    ) == ("UTC", 4, 20, 200, 0.9, [])


def test_difficulty_and_kind_are_checked_by_the_database():
    bank = BankFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            bank=bank, external_id="x", kind="true_false", difficulty=4, spec={"correct": True}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(bank=bank, external_id="y", kind="essay", spec={})


def test_external_ids_are_unique_per_bank_only():
    a, b = BankFactory(), BankFactory()
    QuestionFactory(bank=a, external_id="same")
    QuestionFactory(bank=b, external_id="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(bank=a, external_id="same")

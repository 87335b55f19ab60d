"""Fixtures of the service tests: a learner (UTC, the day starting at 4) enrolled in a bank."""

from __future__ import annotations

import pytest

from quizzes.models import LearnerProfile
from tests.factories import EnrollmentFactory, UserFactory


@pytest.fixture
def learner():
    user = UserFactory()
    LearnerProfile.objects.create(user=user, timezone="UTC", day_start_hour=4)
    return user


@pytest.fixture
def bank(learner):
    enrollment = EnrollmentFactory(learner=learner)
    return enrollment.bank

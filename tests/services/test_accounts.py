"""A user's own settings: the learner profile and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from knox.crypto import hash_token
from knox.models import AuthToken

from quizzes.models import ApiTokenScope, Enrollment, LearnerProfile
from quizzes.services import accounts
from tests.factories import BankFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_new_limits_follow_into_banks_that_kept_the_old_ones():
    learner = UserFactory()
    LearnerProfile.objects.create(user=learner, new_per_day=20)
    following = EnrollmentFactory(learner=learner, new_per_day=20)
    chosen = EnrollmentFactory(learner=learner, new_per_day=7)
    accounts.profile_update(learner=learner, new_per_day=10, timezone="Asia/Tokyo")
    assert Enrollment.objects.get(pk=following.pk).new_per_day == 10
    assert Enrollment.objects.get(pk=chosen.pk).new_per_day == 7
    assert LearnerProfile.objects.get(user=learner).timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    "changes",
    [{"timezone": "Nowhere/Town"}, {"desired_retention": 1.5}, {"day_start_hour": 24}],
)
def test_profile_values_are_checked(changes):
    with pytest.raises(ValidationError) as caught:
        accounts.profile_update(learner=UserFactory(), **changes)
    assert list(caught.value.message_dict) == list(changes)


def test_a_token_is_stored_as_a_digest_with_its_scope_and_expiry(now):
    user = UserFactory()
    bank = BankFactory()
    scope, text = accounts.api_token_create(
        user=user,
        now=now,
        name="lms",
        read_only=True,
        banks=[bank],
        expiry=now + timedelta(days=30),
    )
    token = AuthToken.objects.get()
    assert token.digest == hash_token(text) and text not in token.digest
    assert token.expiry == now + timedelta(days=30)
    assert (scope.read_only, list(scope.banks.all())) == (True, [bank])
    accounts.api_token_revoke(scope=scope)
    assert not AuthToken.objects.exists() and not ApiTokenScope.objects.exists()


def test_a_token_cannot_expire_in_the_past(now):
    with pytest.raises(ValidationError):
        accounts.api_token_create(user=UserFactory(), now=now, expiry=now)
    assert not AuthToken.objects.exists()

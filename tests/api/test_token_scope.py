"""A token limited to some banks sees and changes nothing outside them (issue 13's scope hole)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest

from quizzes import services
from quizzes.api.permissions import TOKEN_LIMITED
from quizzes.models import ApiTokenScope, LearnerProfile, Rating, ReviewLog
from quizzes.services import accounts
from tests.api.conftest import token_client
from tests.factories import EnrollmentFactory, QuestionFactory, card_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_review(world):
    """The learner also studies the bank `other`: a review there, then the latest one in kmod."""
    EnrollmentFactory(learner=world.learner, bank=world.other_bank)
    card = card_of(QuestionFactory(bank=world.other_bank, kind="true_false"))
    log = services.review_submit(
        learner=world.learner,
        card=card,
        answer=True,
        rating=Rating.GOOD,
        now=world.now - timedelta(minutes=5),
        idempotency_key="o1",
    )
    return ReviewLog.objects.get(pk=log.log_id)


def limited(world, **scope):
    return token_client(world.learner, now=world.now, banks=[world.other_bank], **scope)


def test_undo_with_a_limited_token_takes_the_latest_review_in_its_banks(world, other_review):
    kmod_review = ReviewLog.objects.get(learner=world.learner, bank=world.bank)
    assert kmod_review.reviewed_at > other_review.reviewed_at  # the newer one is in kmod
    response = limited(world).post("/api/v1/reviews/undo", {}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["review"] == other_review.pk
    assert response.json()["bank"] == "other"
    kmod_review.refresh_from_db()
    assert kmod_review.undone_at is None


def test_undo_with_a_limited_token_never_names_another_bank(world):
    response = limited(world).post("/api/v1/reviews/undo", {}, format="json")
    assert response.status_code == HTTPStatus.CONFLICT
    body = response.content.decode()
    assert "kmod" not in body and str(world.card.pk) not in body
    assert ReviewLog.objects.get(learner=world.learner).undone_at is None


def test_a_limited_token_lists_and_revokes_only_tokens_of_its_banks(world):
    unlimited, _ = accounts.api_token_create(user=world.learner, now=world.now, name="all")
    kmod_only, _ = accounts.api_token_create(
        user=world.learner, now=world.now, name="kmod", banks=[world.bank]
    )
    sibling, _ = accounts.api_token_create(
        user=world.learner, now=world.now, name="sibling", banks=[world.other_bank]
    )
    client = limited(world, name="me")
    names = {t["name"] for t in client.get("/api/v1/tokens").json()["results"]}
    assert names == {"me", "sibling"}
    for scope in (unlimited, kmod_only):
        assert client.delete(f"/api/v1/tokens/{scope.pk}").status_code == HTTPStatus.NOT_FOUND
    assert ApiTokenScope.objects.filter(pk__in=[unlimited.pk, kmod_only.pk]).count() == 2
    assert client.delete(f"/api/v1/tokens/{sibling.pk}").status_code == HTTPStatus.NO_CONTENT


def test_a_limited_token_cannot_change_account_wide_settings(world):
    response = limited(world).patch("/api/v1/me/profile", {"timezone": "Asia/Tokyo"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"] == {
        "code": "token_limited",
        "message": TOKEN_LIMITED,
        "fields": {},
    }
    assert LearnerProfile.objects.get(user=world.learner).timezone == "UTC"


def test_a_limited_instructor_token_cannot_create_a_bank(world):
    client = token_client(world.instructor, now=world.now, banks=[world.bank])
    response = client.post("/api/v1/banks", {"slug": "new", "title": "New"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"]["code"] == "token_limited"

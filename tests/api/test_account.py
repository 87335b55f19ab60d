"""GET /me/export and POST /me/delete: all of one's data, and deleting the account."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from quizzes.api.permissions import TOKEN_LIMITED
from quizzes.models import ApiTokenScope, ReviewLog
from quizzes.services import accounts, privacy
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_learner_s_data_and_no_token_secret(world, client_as):
    scope, text = accounts.api_token_create(user=world.learner, now=world.now, name="phone")
    response = client_as("learner").get("/api/v1/me/export")
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["format"] == "kmodquiz-learner-data"
    assert data["profile"]["username"] == "learner"
    assert data["profile"]["settings"]["timezone"] == "UTC"
    assert [e["bank"] for e in data["enrollments"]] == ["kmod"]
    assert [(r["card"], r["answer"]) for r in data["reviews"]] == [(world.card.pk, "a")]
    assert [r["text"] for r in data["reports"]] == ["Option b is also right."]
    assert [s["card"] for s in data["card_states"]] == [world.card.pk]
    tokens = {t["name"]: t for t in data["api_tokens"]}
    assert tokens["phone"]["key_prefix"] == text[:8]
    body = response.content.decode()
    assert text not in body and scope.token.digest not in body


def test_the_export_is_only_the_caller_s(world, client_as):
    data = client_as("other_learner").get("/api/v1/me/export").json()
    assert data["reviews"] == [] and data["reports"] == []
    assert data["profile"]["username"] == "other_learner"


def test_the_export_takes_a_fixed_number_of_queries(
    world, client_as, django_assert_max_num_queries
):
    client = client_as("learner")
    with django_assert_max_num_queries(16):  # one per section
        client.get("/api/v1/me/export")


@pytest.mark.parametrize("path", ["/api/v1/me/export", "/api/v1/me/delete"])
def test_a_bank_limited_token_may_neither_export_nor_delete(world, path):
    client = token_client(world.learner, now=world.now, banks=[world.bank])
    method = client.get if path.endswith("export") else client.post
    response = method(path, {"password": "pw-for-tests"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"]["message"] == TOKEN_LIMITED
    assert get_user_model().objects.get(pk=world.learner.pk).is_active


def test_a_wrong_password_deletes_nothing(world, client_as):
    response = client_as("learner").post("/api/v1/me/delete", {"password": "x"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"] == {
        "code": "wrong_password",
        "message": privacy.WRONG_PASSWORD,
        "fields": {},
    }
    assert get_user_model().objects.get(pk=world.learner.pk).username == "learner"


def test_a_read_only_token_cannot_delete_the_account(world):
    client = token_client(world.learner, now=world.now, read_only=True)
    response = client.post("/api/v1/me/delete", {"password": "pw-for-tests"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_deleting_the_account_anonymises_it_and_ends_its_tokens(world, client_as):
    client = client_as("learner")
    response = client.post("/api/v1/me/delete", {"password": "pw-for-tests"}, format="json")
    assert response.status_code == HTTPStatus.NO_CONTENT
    user = get_user_model().objects.get(pk=world.learner.pk)
    assert privacy.is_deleted(user) and user.email == ""
    assert not ApiTokenScope.objects.filter(token__user=user).exists()
    assert client.get("/api/v1/ping").status_code == HTTPStatus.UNAUTHORIZED
    assert ReviewLog.objects.get(learner=user).answer is None
    assert APIClient().get("/api/v1/ping").status_code == HTTPStatus.UNAUTHORIZED

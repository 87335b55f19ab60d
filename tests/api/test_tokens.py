"""API tokens: created with a password or a session, stored hashed, scoped, expiring, revoked."""

from __future__ import annotations

import base64
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.sites import site
from knox.models import AuthToken
from rest_framework.test import APIClient

from quizzes.api import clock
from quizzes.models import ApiTokenScope
from quizzes.services import accounts
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def basic(username: str, password: str) -> APIClient:
    client = APIClient()
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {raw}")
    return client


def test_a_token_is_made_with_a_password_shown_once_and_stored_hashed(world):
    response = basic("learner", "pw-for-tests").post(
        "/api/v1/tokens", {"name": "phone"}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED
    text = response.json()["token"]
    stored = AuthToken.objects.get(user=world.learner, scope__name="phone")
    assert text not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    assert response.json()["key_prefix"] == text[:8]
    listed = token_client_from(text).get("/api/v1/tokens").json()["results"]
    assert "token" not in listed[0] and listed[0]["name"] == "phone"


def token_client_from(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    return client


def test_a_wrong_password_is_401_with_a_challenge(world):
    response = basic("learner", "nope").post("/api/v1/tokens", {}, format="json")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_password_guessing_is_throttled_before_authentication(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tokens": "2/hour",
        },
    }
    client = basic("learner", "nope")
    codes = [client.post("/api/v1/tokens", {}, format="json").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_basic_auth_is_only_for_making_tokens(world):
    assert basic("learner", "pw-for-tests").get("/api/v1/ping").status_code == 401


def test_an_expired_token_is_refused_and_deleted(world, now, monkeypatch):
    scope, text = accounts.api_token_create(
        user=world.learner, now=now, expiry=now + timedelta(hours=1)
    )
    client = token_client_from(text)
    assert client.get("/api/v1/ping").status_code == HTTPStatus.OK
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(hours=2))
    response = client.get("/api/v1/ping")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert not ApiTokenScope.objects.filter(pk=scope.pk).exists()


def test_tokens_are_created_with_an_expiry_in_the_future_only(world, client_as, now):
    client = client_as("learner")
    past = client.post("/api/v1/tokens", {"expires_at": "2020-01-01T00:00:00Z"}, format="json")
    assert past.status_code == HTTPStatus.BAD_REQUEST
    assert list(past.json()["error"]["fields"]) == ["expires_at"]
    ok = client.post("/api/v1/tokens", {"expires_at": "2026-04-01T00:00:00Z"}, format="json")
    assert ok.json()["expires_at"] == "2026-04-01T00:00:00Z"


def test_a_revoked_token_stops_working(world, now):
    scope, text = accounts.api_token_create(user=world.learner, now=now)
    client = token_client_from(text)
    assert client.delete(f"/api/v1/tokens/{scope.pk}").status_code == HTTPStatus.NO_CONTENT
    assert client.get("/api/v1/ping").status_code == HTTPStatus.UNAUTHORIZED


def test_a_read_only_token_can_read_but_not_write(world, client_as):
    client = client_as("learner", read_only=True)
    assert client.get("/api/v1/banks/kmod/study/next").status_code == HTTPStatus.OK
    response = client.post("/api/v1/reviews/undo", {}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"] == {
        "code": "token_read_only",
        "message": "This token is read-only.",
        "fields": {},
    }


def test_a_bank_limited_token_sees_nothing_of_other_banks(world, now):
    world.learner.enrollments.create(bank=world.other_bank)
    client = token_client(world.learner, now=now, banks=[world.other_bank])
    assert [b["slug"] for b in client.get("/api/v1/banks").json()["results"]] == ["other"]
    assert client.get("/api/v1/banks/kmod").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/api/v1/cards/{world.card.pk}").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/api/v1/me/reviews").json()["results"] == []
    assert client.get("/api/v1/banks/other/study/next").status_code == HTTPStatus.OK


def test_a_bank_limited_token_cannot_mint_a_broader_one(world, now):
    client = token_client(world.learner, now=now, banks=[world.bank])
    assert client.post("/api/v1/tokens", {}, format="json").status_code == HTTPStatus.BAD_REQUEST
    narrower = client.post("/api/v1/tokens", {"banks": ["kmod"]}, format="json")
    assert narrower.status_code == HTTPStatus.CREATED and narrower.json()["banks"] == ["kmod"]


def test_tokens_name_only_banks_the_user_can_see(world, client_as):
    response = client_as("other_learner").post("/api/v1/tokens", {"banks": ["kmod"]}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["fields"] == {"banks": ["Unknown banks: kmod."]}


def test_a_session_authenticates_too_with_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.learner)
    assert client.get("/api/v1/ping").status_code == HTTPStatus.OK
    refused = client.post("/api/v1/reviews/undo", {}, format="json")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF" in refused.json()["error"]["message"]


def test_an_inactive_user_cannot_use_their_token(world, now):
    _scope, text = accounts.api_token_create(user=world.learner, now=now)
    world.learner.is_active = False
    world.learner.save()
    assert token_client_from(text).get("/api/v1/ping").status_code == HTTPStatus.UNAUTHORIZED


def test_the_admin_makes_tokens_with_a_scope(world, client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/knox/authtoken/add/",
        {
            "user": world.learner.pk,
            "expiry_0": "",
            "expiry_1": "",
            "scope-TOTAL_FORMS": "1",
            "scope-INITIAL_FORMS": "0",
            "scope-MIN_NUM_FORMS": "0",
            "scope-MAX_NUM_FORMS": "1",
            "scope-0-name": "LMS",
            "scope-0-read_only": "on",
        },
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    scope = ApiTokenScope.objects.get(token__user=world.learner, name="LMS")
    assert scope.read_only is True
    assert AuthToken in site._registry


def test_unknown_tokens_are_401(world):
    for header in ("Token nope", "Token ", "Token a b", "Token \u00e9\u00e9"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/ping")
        assert response.status_code == HTTPStatus.UNAUTHORIZED, header
        assert response.json()["error"]["code"] == "authentication_failed"


def test_a_password_cannot_list_tokens(world):
    assert basic("learner", "pw-for-tests").get("/api/v1/tokens").status_code == 401

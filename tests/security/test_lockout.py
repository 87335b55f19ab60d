"""Sign-in lockouts: per address and per account, shared by the sign-in page and the token
endpoint, released by the right password after the cool-off or by an admin."""

from __future__ import annotations

import base64
from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from quizzes.security.lockout import LOCKED_OUT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery"
LOCKED = HTTPStatus.TOO_MANY_REQUESTS


@pytest.fixture(autouse=True)
def _three_strikes(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the token endpoint's burst limit


@pytest.fixture
def user():
    account = UserFactory(username="ada")
    account.set_password(PASSWORD)
    account.save()
    return account


def token_attempt(username: str, password: str, address: str = "192.0.2.1") -> int:
    client = APIClient(REMOTE_ADDR=address)
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {raw}")
    return client.post("/api/v1/tokens", {"name": "t"}, format="json")


def page_attempt(username: str, password: str, address: str = "192.0.2.1") -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/login/", {"username": username, "password": password})


def after_cool_off() -> None:
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )


def test_the_token_endpoint_locks_an_account_after_the_limit(user):
    codes = [token_attempt("ada", "wrong").status_code for _ in range(4)]
    assert codes == [401, 401, LOCKED, LOCKED]
    response = token_attempt("ada", PASSWORD)  # even the right password, while locked
    assert response.status_code == LOCKED
    error = response.json()["error"]
    assert error["code"] == "locked_out"
    assert error["message"] == LOCKED_OUT.format(minutes=15)
    assert int(response["Retry-After"]) == 15 * 60


def test_the_right_password_gets_in_after_the_cool_off_and_clears_the_failures(user):
    for _ in range(3):
        token_attempt("ada", "wrong")
    after_cool_off()
    assert token_attempt("ada", PASSWORD).status_code == HTTPStatus.CREATED
    assert not AccessAttempt.objects.exists()


def test_an_admin_releases_a_locked_account_at_once(user):
    for _ in range(3):
        token_attempt("ada", "wrong")
    reset(username="ada")  # what the admin's "Access attempts" delete does, or axes_reset_username
    assert token_attempt("ada", PASSWORD).status_code == HTTPStatus.CREATED


def test_the_account_is_locked_whatever_addresses_the_guesses_come_from(user):
    for n in range(3):
        token_attempt("ada", "wrong", address=f"198.51.100.{n}")
    assert token_attempt("ada", PASSWORD, address="203.0.113.9").status_code == LOCKED


def test_an_address_is_locked_whatever_accounts_it_guesses(user):
    for name in ("bob", "carol", "dave"):
        token_attempt(name, "wrong")
    assert token_attempt("ada", PASSWORD).status_code == LOCKED
    assert token_attempt("ada", PASSWORD, address="203.0.113.9").status_code == 201


def test_a_forged_forwarded_for_does_not_dodge_the_lockout(user):
    for n in range(3):
        client = APIClient(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"x:wrong").decode())
        client.post("/api/v1/tokens", {}, format="json")
    assert token_attempt("ada", PASSWORD).status_code == LOCKED


def test_the_sign_in_page_and_the_token_endpoint_share_the_count(user):
    assert page_attempt("ada", "wrong").status_code == HTTPStatus.OK  # the form, with an error
    page_attempt("ada", "wrong")
    assert token_attempt("ada", "wrong").status_code == LOCKED
    page = page_attempt("ada", PASSWORD)
    assert page.status_code == LOCKED
    assert b"Too many failed sign-ins" in page.content
    assert "sessionid" not in page.cookies  # not signed in


def test_the_sign_in_page_lets_the_right_password_in_after_the_cool_off(user):
    for _ in range(3):
        page_attempt("ada", "wrong")
    after_cool_off()
    response = page_attempt("ada", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND

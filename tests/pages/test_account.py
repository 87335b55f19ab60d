"""The settings pages for one's data: download it all, or delete the account."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from quizzes.services import privacy
from quizzes.views.account import ACCOUNT_DELETED
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    user = UserFactory(username="ada", email="ada@example.com")
    client.force_login(user)
    return user


def test_the_settings_page_links_to_the_data_and_the_deletion(client, signed_in):
    page = client.get(reverse("settings")).content.decode()
    assert reverse("my-data") in page and reverse("account-delete") in page


def test_my_data_downloads_as_json(client, signed_in):
    response = client.get(reverse("my-data"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="kmodquiz-')
    assert json.loads(response.content)["profile"]["email"] == "ada@example.com"


def test_a_wrong_password_keeps_the_account(client, signed_in):
    response = client.post(reverse("account-delete"), {"password": "nope"})
    assert response.status_code == HTTPStatus.OK
    assert privacy.WRONG_PASSWORD in response.content.decode()
    assert get_user_model().objects.get(pk=signed_in.pk).is_active


def test_the_right_password_deletes_and_signs_out(client, signed_in):
    response = client.post(reverse("account-delete"), {"password": "pw-for-tests"}, follow=True)
    assert ACCOUNT_DELETED in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert privacy.is_deleted(get_user_model().objects.get(pk=signed_in.pk))
    assert client.login(username="ada", password="pw-for-tests") is False


def test_the_pages_need_a_signed_in_user(client):
    for name in ("my-data", "account-delete"):
        assert client.get(reverse(name)).status_code == HTTPStatus.FOUND

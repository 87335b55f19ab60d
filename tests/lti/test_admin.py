"""The LTI admin pages work, and a platform added there needs a key set."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from quizzes.lti.models import Platform

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "lti:platform",
        "lti:toolkey",
        "lti:ltiuser",
        "lti:lticontext",
        "lti:resourcelink",
        "lti:scoresync",
        "quizzes:course",
    ],
)
def test_admin_changelists_work_with_search(admin_client, launcher, model):
    launcher.launch()
    app, _, name = model.rpartition(":")
    url = reverse(f"admin:{app}_{name}_changelist")
    assert admin_client.get(url).status_code == HTTPStatus.OK
    assert admin_client.get(url, {"q": "x"}).status_code == HTTPStatus.OK


def test_a_platform_without_keys_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:lti_platform_add"),
        {
            "issuer": "https://lms.example",
            "client_id": "c",
            "auth_login_url": "https://lms.example/auth",
            "auth_token_url": "https://lms.example/token",
            "key_set": "",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert b"Give the platform&#x27;s key set" in response.content
    assert not Platform.objects.exists()

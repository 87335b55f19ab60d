"""Deep linking: an instructor picks a bank and topics; the platform gets a signed
LtiResourceLink (with a line item when it offers grades), which then launches that choice."""

from __future__ import annotations

import html
import re
from http import HTTPStatus
from typing import Any

import jwt
import pytest
from django.test import Client
from jwcrypto.jwk import JWK

from quizzes.lti import claims as c
from quizzes.lti.models import ResourceLink
from tests.lti.conftest import (
    CLIENT_ID,
    DEEP_LINK_RETURN_URL,
    DEPLOYMENT_ID,
    INSTRUCTOR_ROLE,
    ISSUER,
    LAUNCH_URL,
)
from tests.lti.test_framing import framed_by

pytestmark = pytest.mark.django_db


def _decode(content: bytes, client: Client) -> dict[str, Any]:
    token = html.unescape(re.search(rb'name="JWT" value="([^"]+)"', content).group(1).decode())
    jwks = client.get("/lti/jwks/").json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    public = JWK(**key).export_to_pem()
    return jwt.decode(token, public, algorithms=["RS256"], audience=ISSUER)


def _picker(launcher: Any, **claims: Any) -> Client:
    client, response = launcher.launch(
        role=INSTRUCTOR_ROLE, message=c.DEEP_LINKING_REQUEST, **claims
    )
    assert response["Location"] == "/lti/deep-link/"
    page = client.get("/lti/deep-link/", secure=True)
    assert page.status_code == HTTPStatus.OK and b"Kernel modules" in page.content
    assert framed_by(page) == f"'self' {ISSUER}"
    return client


def test_deep_linking_returns_a_signed_resource_link_with_a_line_item(launcher, bank):
    client = _picker(launcher)
    modprobe = bank.topics.get(slug="commands/modprobe")
    response = client.post(
        "/lti/deep-link/",
        {"bank": "kmod", "topics": [modprobe.pk], "title": "modprobe drill"},
        secure=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert f'action="{DEEP_LINK_RETURN_URL}"'.encode() in response.content
    message = _decode(response.content, client)
    assert message["iss"] == CLIENT_ID and message["aud"] == [ISSUER]
    assert message[c.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert message[c.DEPLOYMENT_ID] == DEPLOYMENT_ID
    assert message["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item == {
        "type": "ltiResourceLink",
        "title": "modprobe drill",
        "url": LAUNCH_URL,
        "custom": {c.CUSTOM_BANK: "kmod", c.CUSTOM_TOPICS: "commands/modprobe"},
        "lineItem": {
            "scoreMaximum": 100,
            "label": "modprobe drill",
            "resourceId": "kmod:commands/modprobe",
            "tag": "kmodquiz-mastery",
        },
    }
    # The request is answered once.
    assert client.get("/lti/deep-link/", secure=True).status_code == HTTPStatus.BAD_REQUEST


def test_without_grade_services_the_link_has_no_line_item(launcher):
    client = _picker(launcher, ags=False)
    response = client.post("/lti/deep-link/", {"bank": "kmod"}, secure=True)
    [item] = _decode(response.content, client)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    ]
    assert "lineItem" not in item and item["title"] == "Kernel modules"
    assert item["custom"] == {c.CUSTOM_BANK: "kmod"}


def test_a_topic_of_another_bank_is_refused(launcher, bank):
    from tests.factories import BankFactory, TopicFactory

    other = TopicFactory(bank=BankFactory(slug="other"), slug="x", title="X")
    client = _picker(launcher)
    response = client.post("/lti/deep-link/", {"bank": "kmod", "topics": [other.pk]}, secure=True)
    assert response.status_code == HTTPStatus.OK
    assert b"Choose topics of the chosen bank" in response.content
    assert b'name="JWT"' not in response.content


def test_the_link_made_by_deep_linking_launches_its_bank_and_topics(launcher, bank):
    _client, response = launcher.launch(
        link_id="made-by-deep-linking",
        custom={c.CUSTOM_BANK: "kmod", c.CUSTOM_TOPICS: "locking"},
    )
    assert response["Location"] == "/study/kmod/?topic=locking"
    link = ResourceLink.objects.get(resource_link_id="made-by-deep-linking")
    assert [t.slug for t in link.topics.all()] == ["locking"]


def test_a_link_naming_an_unknown_bank_is_refused(launcher):
    _client, response = launcher.launch(custom={c.CUSTOM_BANK: "gone"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ResourceLink.objects.exists()


def test_the_deep_link_page_needs_a_deep_linking_launch(launcher, admin_client):
    response = admin_client.get("/lti/deep-link/", secure=True)
    assert response.status_code == HTTPStatus.BAD_REQUEST

"""The client address: X-Forwarded-For only as far as our own proxies vouch for it."""

from __future__ import annotations

import ipaddress
from http import HTTPStatus

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from quizzes.security.clients import client_address

FORWARDED = "6.6.6.6, 203.0.113.7, 10.0.0.2"


def request(forwarded: str | None = FORWARDED):
    extra = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, FORWARDED, "10.0.0.1"),  # the default: the header is ignored
        (1, FORWARDED, "10.0.0.2"),  # one proxy: what it appended
        (2, FORWARDED, "203.0.113.7"),  # two: the client's own claim (6.6.6.6) is skipped
        (5, FORWARDED, "6.6.6.6"),  # fewer entries than proxies: the furthest one known
        (1, None, "10.0.0.1"),  # no header
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, trusted, forwarded, expected):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "TRUSTED_PROXIES": trusted}
    assert client_address(request(forwarded)) == expected


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_api_throttle(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = APIClient()
    codes = [
        client.get("/api/v1/ping", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert codes == [HTTPStatus.UNAUTHORIZED, HTTPStatus.UNAUTHORIZED, 429]


def test_a_request_without_a_peer_address_gets_a_storable_one(settings):
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert ipaddress.ip_address(client_address(request)).is_unspecified

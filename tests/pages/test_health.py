"""GET /healthz: 200 while the database and the cache answer, 503 naming the one that does not."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.test import Client

from quizzes.views import health

pytestmark = pytest.mark.django_db


def test_a_healthy_node_answers_200_without_sign_in_in_one_query(
    client: Client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_an_unreachable_cache_makes_the_node_unavailable(client: Client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(health.cache, "set", refuse)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
    assert "the cache is unreachable" in caplog.text


def test_an_unreachable_database_makes_the_node_unavailable(client: Client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "unavailable"
    assert response.json()["cache"] == "ok"
    assert "the database is unreachable" in caplog.text


def test_only_get_is_answered(client: Client):
    assert client.post("/healthz").status_code == HTTPStatus.METHOD_NOT_ALLOWED

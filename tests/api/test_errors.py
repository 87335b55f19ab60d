"""One error body for every 4xx, whatever went wrong: bad bodies, sizes, paths, methods, rates."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from quizzes.api.exceptions import BODY_TOO_LARGE
from quizzes.models import ReviewLog

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def post_raw(client: APIClient, path: str, body: bytes, **extra: str):
    return client.generic(
        "POST", path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k", **extra
    )


def test_malformed_json_is_a_json_400(world, client_as):
    response = post_raw(client_as("learner"), "/api/v1/reviews", b'{"card": 1,')
    assert_error(response, HTTPStatus.BAD_REQUEST, "parse_error")


def test_bad_utf8_is_a_json_400(world, client_as):
    body = b'{"card": %d, "answer": "\xff\xfe"}' % world.card.pk
    response = post_raw(client_as("learner"), "/api/v1/reviews", body)
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "parse_error")
    assert "utf-8" in error["message"]
    assert ReviewLog.objects.count() == 1  # only the world's own review


def test_an_oversized_body_is_a_json_413_before_it_is_read(world, client_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"card": world.card.pk, "answer": "x" * 2000}).encode()
    response = post_raw(client_as("learner"), "/api/v1/reviews", body)
    error = assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
    assert error["message"] == BODY_TOO_LARGE.format(limit=1000)
    small = post_raw(client_as("learner"), "/api/v1/reviews", b"{}")
    assert small.status_code == HTTPStatus.BAD_REQUEST  # under the limit: parsed as usual


def test_a_form_body_past_the_field_limit_is_a_json_400(world, client_as, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"f{n}=1" for n in range(10))
    response = client_as("learner").generic(
        "POST", "/api/v1/reviews/undo", body, content_type="application/x-www-form-urlencoded"
    )
    # Only JSON is parsed: a form body is refused by media type, in the same error shape.
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")


def test_a_non_object_json_body_names_the_problem(world, client_as):
    response = post_raw(client_as("learner"), "/api/v1/reviews", b"[1, 2]")
    assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")


def test_unknown_paths_and_trailing_slashes_are_json_404(world, client_as):
    client = client_as("learner")
    assert_error(client.get("/api/v1/nothing-here"), HTTPStatus.NOT_FOUND, "not_found")
    slash = assert_error(client.get("/api/v1/banks/"), HTTPStatus.NOT_FOUND, "not_found")
    assert slash["message"].endswith("try /api/v1/banks")
    assert_error(APIClient().post("/api/v2/x", {}), HTTPStatus.NOT_FOUND)


def test_a_wrong_method_is_a_json_405(world, client_as):
    response = client_as("learner").delete("/api/v1/me/progress")
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")


def test_an_unknown_format_is_a_json_404_and_an_unacceptable_one_406(world, client_as):
    client = client_as("learner")
    assert_error(client.get("/api/v1/ping?format=csv"), HTTPStatus.NOT_FOUND)
    assert_error(client.get("/api/v1/ping", HTTP_ACCEPT="text/html"), HTTPStatus.NOT_ACCEPTABLE)


def test_anonymous_callers_get_401_with_a_challenge(world):
    response = APIClient().get("/api/v1/banks")
    assert_error(response, HTTPStatus.UNAUTHORIZED, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("scope", "rate", "role"), [("user", "3/min", "learner"), ("anon", "2/min", "anonymous")]
)
def test_throttling_answers_429_with_retry_after(world, client_as, settings, scope, rate, role):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = client_as(role)
    allowed = int(rate.split("/")[0])
    codes = [client.get("/api/v1/ping").status_code for _ in range(allowed + 1)]
    assert (
        codes[-1] == HTTPStatus.TOO_MANY_REQUESTS and HTTPStatus.TOO_MANY_REQUESTS not in codes[:-1]
    )
    response = client.get("/api/v1/ping")
    assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_throttles_count_per_user_not_per_token(world, client_as, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    first, second, other = client_as("learner"), client_as("learner"), client_as("other_learner")
    assert first.get("/api/v1/ping").status_code == second.get("/api/v1/ping").status_code == 200
    assert second.get("/api/v1/ping").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert other.get("/api/v1/ping").status_code == HTTPStatus.OK


def test_a_page_past_the_end_is_a_json_404(world, client_as):
    assert_error(client_as("learner").get("/api/v1/banks?page=9"), HTTPStatus.NOT_FOUND)

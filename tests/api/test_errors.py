"""One error body for every 4xx, whatever went wrong: bad bodies, sizes, paths, methods, rates."""

from __future__ import annotations

import io
import json
from http import HTTPStatus

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIClient

from quizzes.api.exceptions import BODY_TOO_LARGE
from quizzes.api.filters import DATETIME_OUT_OF_RANGE, EMPTY_VALUE, NOT_BOOLEAN
from quizzes.api.pagination import PAGE_SIZE_INVALID
from quizzes.api.parsers import LONE_SURROGATE, MAX_DEPTH, TOO_DEEP
from quizzes.api.views.study import MAX_TOPICS, TOO_MANY_TOPICS
from quizzes.middleware import ApiRequestBodyMiddleware
from quizzes.models import Bank, ReviewLog
from quizzes.services import authoring
from tests.factories import BankFactory

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


@pytest.mark.parametrize("page", ["", "0", "-1", "x", "1.5", "\u0661", "last"])
def test_a_page_that_is_no_whole_number_from_1_is_a_json_400(world, client_as, page):
    response = client_as("learner").get("/api/v1/me/enrollments", {"page": page})
    error = assert_error(response, HTTPStatus.BAD_REQUEST)
    assert list(error["fields"]) == ["page"]


def test_page_numbers_still_page(world, client_as):
    client = client_as("learner")
    pages = [client.get("/api/v1/banks", {"page": n, "page_size": 1}).json() for n in (1, 2)]
    assert [len(p["results"]) for p in pages] == [1, 1]
    assert pages[0]["results"] != pages[1]["results"]


# --- issue 13: what used to be a 500, or an HTML page ------------------------------------------


def test_json_nested_a_thousand_deep_is_a_json_400(world, client_as):
    body = b'{"card": 1, "answer": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = post_raw(client_as("learner"), "/api/v1/reviews", body)
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "parse_error")
    assert error["message"] == TOO_DEEP.format(depth=MAX_DEPTH)


def test_json_nested_within_the_limit_is_parsed(world, client_as):
    answer = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    body = b'{"card": %d, "answer": %s}' % (world.card.pk, answer.encode())
    response = post_raw(client_as("learner"), "/api/v1/reviews", body)
    assert_error(response, HTTPStatus.BAD_REQUEST, "invalid_answer")  # parsed, then graded


def test_a_lone_surrogate_in_an_answer_is_a_json_400_and_records_nothing(world, client_as):
    body = b'{"card": %d, "answer": "\\ud800"}' % world.card.pk
    response = post_raw(client_as("learner"), "/api/v1/reviews", body)
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "parse_error")
    assert error["message"] == LONE_SURROGATE
    assert ReviewLog.objects.count() == 1  # only the world's own review


def test_a_paired_surrogate_escape_is_ordinary_text(world, client_as):
    body = b'{"card": %d, "answer": "\\ud83d\\ude00"}' % world.card.pk
    response = post_raw(client_as("learner"), "/api/v1/reviews", body)
    assert_error(response, HTTPStatus.BAD_REQUEST, "invalid_answer")  # an emoji, not an option


def test_too_many_topics_are_a_json_400_naming_the_parameter(world, client_as):
    topics = ",".join(f"t{n}" for n in range(499))
    response = client_as("learner").get(f"/api/v1/banks/kmod/study/next?topics={topics}")
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert error["fields"] == {"topics": [TOO_MANY_TOPICS.format(maximum=MAX_TOPICS)]}
    at_limit = ",".join(f"t{n}" for n in range(MAX_TOPICS))
    response = client_as("learner").get(f"/api/v1/banks/kmod/study/next?topics={at_limit}")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_an_instant_outside_the_utc_range_is_a_json_400(world, client_as, value):
    response = client_as("learner").get("/api/v1/me/reviews", {"since": value})
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert error["fields"] == {"since": [DATETIME_OUT_OF_RANGE]}


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/banks?page_size=null", "page_size", PAGE_SIZE_INVALID.format(maximum=500)),
        ("/api/v1/banks?page_size=0", "page_size", PAGE_SIZE_INVALID.format(maximum=500)),
        ("/api/v1/banks?page_size=501", "page_size", PAGE_SIZE_INVALID.format(maximum=500)),
        ("/api/v1/me/reviews?page_size=x", "page_size", PAGE_SIZE_INVALID.format(maximum=1000)),
        ("/api/v1/banks?retired=null", "retired", NOT_BOOLEAN),
        ("/api/v1/banks?retired=", "retired", EMPTY_VALUE),
        ("/api/v1/banks/kmod/questions?due=maybe", "due", NOT_BOOLEAN),
        ("/api/v1/me/reviews?until=", "until", EMPTY_VALUE),
        ("/api/v1/me/reviews?include_undone=null", "include_undone", NOT_BOOLEAN),
    ],
)
def test_query_values_the_schema_forbids_are_refused(world, client_as, path, field, message):
    error = assert_error(client_as("learner").get(path), HTTPStatus.BAD_REQUEST)
    assert error["fields"] == {field: [message]}


def test_valid_query_values_still_filter(world, client_as):
    client = client_as("learner")
    assert client.get("/api/v1/banks?retired=false&page_size=1").json()["count"] == 2
    assert client.get("/api/v1/banks?enrolled=1").json()["count"] == 1


def test_an_encoded_newline_in_the_path_is_a_json_404(world, client_as):
    response = client_as("learner").get("/api/v1/banks/a%0Ab")
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_a_bad_host_is_a_json_400(world, client_as):
    response = client_as("learner").get("/api/v1/ping", HTTP_HOST="evil.example")
    assert_error(response, HTTPStatus.BAD_REQUEST, "bad_request")


def test_a_bad_host_outside_the_api_keeps_django_s_page(world, client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not response["Content-Type"].startswith("application/json")


def test_an_uncaught_error_under_the_api_is_a_json_500(world, client_as, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("quizzes.api.views.me.learner_profile_get", broken)
    client = client_as("learner")
    client.raise_request_exception = False
    response = client.get("/api/v1/me/profile")
    assert_error(response, HTTPStatus.INTERNAL_SERVER_ERROR, "server_error")


def _chunked_request(body: bytes, *, terminated: bool) -> WSGIRequest:
    request = RequestFactory().generic(
        "POST", "/api/v1/reviews/undo", body, content_type="application/json"
    )
    request.META.pop("CONTENT_LENGTH")
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["wsgi.input_terminated"] = terminated
    return request


def test_a_chunked_body_is_read_when_the_server_decoded_it(settings):
    seen: list[bytes] = []
    middleware = ApiRequestBodyMiddleware(lambda r: seen.append(r.body) or HttpResponse())
    assert middleware(_chunked_request(b'{"bank": "kmod"}', terminated=True)).status_code == 200
    assert seen == [b'{"bank": "kmod"}']
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4
    too_large = middleware(_chunked_request(b'{"bank": "kmod"}', terminated=True))
    assert too_large.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_a_chunked_body_the_server_cannot_read_is_a_json_411():
    middleware = ApiRequestBodyMiddleware(lambda r: HttpResponse())
    response = middleware(_chunked_request(b"{}", terminated=False))
    assert response.status_code == HTTPStatus.LENGTH_REQUIRED
    assert json.loads(response.content)["error"]["code"] == "length_required"


def test_an_object_deleted_by_another_request_meanwhile_is_a_json_404(
    world, client_as, monkeypatch
):
    # What the fuzzer found with two workers: PATCH re-reads a bank that a DELETE just removed.
    def vanish(*, bank, **fields):
        raise Bank.DoesNotExist

    monkeypatch.setattr("quizzes.api.views.banks.authoring.bank_update", vanish)
    response = client_as("instructor").patch("/api/v1/banks/kmod", {"title": "T"}, format="json")
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_bank_update_of_a_deleted_bank_raises_does_not_exist(world):
    bank = BankFactory(slug="empty")
    Bank.objects.filter(pk=bank.pk).delete()
    with pytest.raises(Bank.DoesNotExist):
        authoring.bank_update(bank=bank, title="Gone")


def test_a_number_where_the_schema_says_string_is_refused(world, client_as):
    # DRF would take 0 for "0"; the fuzzer found it (schema-violating data accepted).
    response = client_as("instructor").post(
        "/api/v1/banks", {"slug": 0, "title": "Zero"}, format="json"
    )
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert error["fields"] == {"slug": ["Not a valid string."]}


def test_an_empty_optional_query_value_is_refused_too(world, client_as):
    error = assert_error(client_as("learner").get("/api/v1/me/progress?bank="), 400, "invalid")
    assert list(error["fields"]) == ["bank"]


def test_an_empty_format_is_refused(world, client_as):
    error = assert_error(client_as("learner").get("/api/v1/me/reviews?format="), 400, "invalid")
    assert list(error["fields"]) == ["format"]


def test_the_format_parameter_still_chooses_csv(world, client_as):
    response = client_as("learner").get("/api/v1/me/reviews?format=csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_boolean_setting_takes_only_true_or_false(world, client_as, value):
    response = client_as("learner").patch(
        "/api/v1/me/profile", {"bury_review_siblings": value}, format="json"
    )
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert list(error["fields"]) == ["bury_review_siblings"]


@pytest.mark.parametrize("topics", ["commands,,locking", ",", "commands,", ""])
def test_an_empty_topic_slug_is_refused(world, client_as, topics):
    # `topics=` too: form style writes both [] and [""] so, and the schema allows neither.
    response = client_as("learner").get("/api/v1/banks/kmod/study/next", {"topics": topics})
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert list(error["fields"]) == ["topics"]


def test_request_text_in_the_schema_refuses_nul(world):
    from tests.api.test_schema import schema

    title = schema()["components"]["schemas"]["PatchedBankUpdateRequest"]["properties"]["title"]
    assert title["pattern"] == "^[^\\x00]*$"
    response_title = schema()["components"]["schemas"]["Bank"]["properties"]["title"]
    assert "pattern" not in response_title


def test_the_schema_says_a_topic_list_is_never_empty(world):
    from tests.api.test_schema import schema

    (parameter,) = [
        p
        for p in schema()["paths"]["/api/v1/banks/{slug}/study/next"]["get"]["parameters"]
        if p["name"] == "topics"
    ]
    assert parameter["schema"]["minItems"] == 1
    assert parameter["schema"]["items"]["minLength"] == 1


def test_a_blank_topic_item_names_no_topic(world, client_as):
    response = client_as("learner").get("/api/v1/banks/kmod/study/next", {"topics": " "})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("card", ["-6.444965222566749e+261", "0", str(2**63), "1.5", "x"])
def test_a_review_log_card_filter_is_a_row_id(world, client_as, card):
    # Found by schemathesis: a huge number reached the database as a 500.
    response = client_as("learner").get("/api/v1/me/reviews", {"card": card})
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert list(error["fields"]) == ["card"]


def test_the_review_log_filters_by_card(world, client_as):
    from quizzes import services
    from tests.factories import card_of

    services.review_submit(
        learner=world.learner, card=card_of(world.flashcard), answer=None, rating=3, now=world.now
    )
    client = client_as("learner")
    assert len(client.get("/api/v1/me/reviews").json()["results"]) == 2
    filtered = client.get("/api/v1/me/reviews", {"card": world.card.pk}).json()["results"]
    assert [review["card"] for review in filtered] == [world.card.pk]
    assert client.get("/api/v1/me/reviews", {"card": 2**63 - 1}).json()["results"] == []

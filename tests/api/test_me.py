"""The learner's own data over HTTP: progress, the review log (JSON and CSV), settings; and a
bank's cohort progress for instructors and LMS service accounts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission

from quizzes import services
from quizzes.api import clock
from quizzes.models import Enrollment, LearnerProfile, Rating
from tests.api.conftest import token_client
from tests.factories import QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def submit(learner, card, answer, when, key, rating=None):
    return services.review_submit(
        learner=learner, card=card, answer=answer, rating=rating, now=when, idempotency_key=key
    )


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- progress -----------------------------------------------------------------------------------


def test_progress_counts_streak_reviews_per_day_retention_and_forecast(world, client_as, now):
    learner = world.learner
    extra = card_of(QuestionFactory(bank=world.bank, kind="true_false"))
    # Reviews on each of the three previous learner days: with today's, a four-day streak.
    for days in (3, 2, 1):
        submit(learner, extra, True, now - timedelta(days=days), f"d{days}", Rating.EASY)
    body = client_as("learner").get("/api/v1/me/progress?days=7&forecast_days=5").json()
    assert body["streak"] == 4 and body["today"] == "2026-03-02"
    assert [d["reviews"] for d in body["reviews_per_day"]] == [0, 0, 0, 1, 1, 1, 1]
    assert body["reviews_per_day"][-1]["date"] == "2026-03-02"
    # Only the reviews of the card already in review state count for retention: two, both passed.
    assert body["retention"] == {"reviews": 2, "passed": 2, "rate": 1.0}
    assert len(body["forecast"]) == 5 and body["forecast"][0]["due"] == 1  # the learning card
    assert sum(d["due"] for d in body["forecast"]) == 1  # the easy card is due weeks later
    year = client_as("learner").get("/api/v1/me/progress?forecast_days=365").json()
    assert sum(d["due"] for d in year["forecast"]) == 2


def test_streak_may_end_yesterday_but_not_before(world, client_as, monkeypatch, now):
    learner_client = client_as("learner")
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=1))
    assert learner_client.get("/api/v1/me/progress").json()["streak"] == 1
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=2))
    assert learner_client.get("/api/v1/me/progress").json()["streak"] == 0


def test_mastery_is_the_share_of_cards_recalled_at_desired_retention(world, client_as, now):
    easy = card_of(QuestionFactory(bank=world.bank, kind="true_false"))
    submit(world.learner, easy, True, now - timedelta(days=1), "easy", Rating.EASY)
    mastery = client_as("learner").get("/api/v1/me/progress").json()["mastery"]
    commands = next(m for m in mastery if m["topic"] == "commands")
    # Four active cards on the topic: the learning card reviewed just now counts (R = 1),
    # the untouched flashcard and cloze cards do not.
    assert (commands["cards"], commands["mastered"]) == (4, 1)
    assert commands["share"] == 0.25 and commands["bank"] == "kmod"


def test_progress_can_be_narrowed_to_one_enrolled_bank(world, client_as):
    learner = client_as("learner")
    assert learner.get("/api/v1/me/progress?bank=kmod").json()["streak"] == 1
    assert learner.get("/api/v1/me/progress?bank=other").status_code == HTTPStatus.NOT_FOUND
    bad = learner.get("/api/v1/me/progress?days=0")
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "days" in bad.json()["error"]["fields"]


# --- the review log -----------------------------------------------------------------------------


def test_review_log_is_cursor_paginated_newest_first(world, client_as, now):
    for n in range(5):
        submit(world.learner, world.card, "a", now + timedelta(minutes=n + 1), f"p{n}")
    client = client_as("learner")
    first = client.get("/api/v1/me/reviews?page_size=4").json()
    times = [r["reviewed_at"] for r in first["results"]]
    assert len(times) == 4 and times == sorted(times, reverse=True)
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert "count" not in first  # a cursor never counts the whole log


def test_review_log_since_until_and_undone(world, client_as, now):
    submit(world.learner, world.card, "b", now + timedelta(hours=1), "later")
    services.review_undo(learner=world.learner, now=now + timedelta(hours=1))
    client = client_as("learner")
    since = (now + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    assert client.get(f"/api/v1/me/reviews?since={since}").json()["results"] == []
    undone = client.get(f"/api/v1/me/reviews?since={since}&include_undone=true").json()
    assert [r["undone_at"] is not None for r in undone["results"]] == [True]
    until = client.get(f"/api/v1/me/reviews?until={since}").json()["results"]
    assert len(until) == 1
    bad = client.get("/api/v1/me/reviews?since=yesterday")
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "since" in bad.json()["error"]["fields"]


def test_review_log_as_csv(world, client_as):
    client = client_as("learner")
    for response in (
        client.get("/api/v1/me/reviews?format=csv"),
        client.get("/api/v1/me/reviews", HTTP_ACCEPT="text/csv"),
    ):
        rows = csv_rows(response)
        assert len(rows) == 1
        assert rows[0]["answer"] == '"a"' and rows[0]["correct"] == "true"
        assert rows[0]["bank"] == "kmod" and rows[0]["status_before"] == "new"


def test_a_csv_request_that_fails_gets_the_json_error_body(world, client_as):
    response = client_as("learner").get("/api/v1/me/reviews?format=csv&since=never")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "invalid"


def test_csv_cells_never_start_a_formula(world, client_as):
    shady = UserFactory(username="=cmd|calc")
    Enrollment.objects.create(learner=shady, bank=world.bank)
    rows = csv_rows(client_as("instructor").get("/api/v1/banks/kmod/progress?format=csv"))
    assert "'=cmd|calc" in [r["learner.username"] for r in rows]


# --- settings -----------------------------------------------------------------------------------


def test_profile_changes_apply_to_banks_with_default_limits(world, client_as):
    Enrollment.objects.filter(learner=world.learner, bank=world.bank).update(new_per_day=20)
    client = client_as("learner")
    body = client.patch(
        "/api/v1/me/profile",
        {"timezone": "Europe/Berlin", "new_per_day": 5, "desired_retention": 0.85},
        format="json",
    ).json()
    assert body == {
        "timezone": "Europe/Berlin",
        "day_start_hour": 4,
        "new_per_day": 5,
        "reviews_per_day": 200,
        "desired_retention": 0.85,
        "bury_new_siblings": True,
        "bury_review_siblings": False,
    }
    assert Enrollment.objects.get(learner=world.learner, bank=world.bank).new_per_day == 5
    assert LearnerProfile.objects.get(user=world.learner).timezone == "Europe/Berlin"


def test_burying_siblings_is_a_setting_of_the_profile(world, client_as):
    client = client_as("learner")
    body = client.patch(
        "/api/v1/me/profile",
        {"bury_new_siblings": False, "bury_review_siblings": True},
        format="json",
    ).json()
    assert (body["bury_new_siblings"], body["bury_review_siblings"]) == (False, True)
    profile = LearnerProfile.objects.get(user=world.learner)
    assert (profile.bury_new_siblings, profile.bury_review_siblings) == (False, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"day_start_hour": 24}, "day_start_hour"),
        ({"day_start_hour": "four"}, "day_start_hour"),
        ({"desired_retention": 0.5}, "desired_retention"),
        ({"new_per_day": -1}, "new_per_day"),
    ],
)
def test_profile_rejects_bad_values(world, client_as, body, field):
    response = client_as("learner").patch("/api/v1/me/profile", body, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["error"]["fields"]) == [field]


# --- a bank's cohort ----------------------------------------------------------------------------


def test_bank_progress_lists_every_enrolled_learner(world, client_as, now):
    newcomer = UserFactory(username="newcomer")
    Enrollment.objects.create(learner=newcomer, bank=world.bank)
    submit(world.learner, card_of(world.flashcard), None, now, "f1", Rating.AGAIN)
    rows = client_as("instructor").get("/api/v1/banks/kmod/progress").json()["results"]
    assert [r["learner"]["username"] for r in rows] == ["learner", "newcomer"]
    learner, fresh = rows
    assert (learner["reviews"], learner["accuracy"], learner["cards_started"]) == (2, 1.0, 2)
    assert learner["cards_total"] == 4 and learner["last_review_at"] == "2026-03-02T12:00:00Z"
    assert (fresh["reviews"], fresh["accuracy"], fresh["last_review_at"]) == (0, None, None)


def test_an_lms_service_account_reads_progress_with_a_read_only_token(world, now):
    service = UserFactory(username="lms")
    service.user_permissions.add(Permission.objects.get(codename="view_bank_progress"))
    client = token_client(service, now=now, read_only=True, banks=[world.bank])
    response = client.get("/api/v1/banks/kmod/progress?format=csv")
    assert response.status_code == HTTPStatus.OK
    assert [r["learner.username"] for r in csv_rows(response)] == ["learner"]
    # The token reaches only its banks, and cannot write.
    assert client.get("/api/v1/banks/other/progress").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/api/v1/banks", {"slug": "x", "title": "x"}).status_code == 403

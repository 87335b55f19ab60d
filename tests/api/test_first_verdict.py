"""The first verdict sticks over the API: check then review with another answer, two clients of
one learner, undo; study/next says when a card is already answered; "override": true; the
reported cloze XSS in a question written through the API."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest

from quizzes import errors
from quizzes.api import clock
from quizzes.models import Attempt, ReviewLog
from tests.api.conftest import token_client
from tests.factories import BankFactory, EnrollmentFactory, QuestionFactory, UserFactory, card_of
from tests.test_cloze_html import Elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db):
    return UserFactory(username="solo")


@pytest.fixture
def bank(learner):
    return EnrollmentFactory(learner=learner, bank=BankFactory(slug="study")).bank


@pytest.fixture
def client(learner, now):
    return token_client(learner, now=now)


def check(client, card, answer, **extra):
    return client.post(
        f"/api/v1/cards/{card.pk}/answer", {"answer": answer, **extra}, format="json"
    ).json()


def review(client, card, answer, *, key, **extra):
    body = {"card": card.pk, "answer": answer, **extra}
    return client.post("/api/v1/reviews", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_checking_wrong_then_reviewing_another_answer_records_the_wrong_one(client, bank):
    """The API bypass: check (wrong), then review with the right answer."""
    card = card_of(QuestionFactory(bank=bank, kind="shell_command"))
    assert check(client, card, "insmod nope.ko")["correct"] is False
    again = check(client, card, card.question.spec["accepted"][0])
    assert again["correct"] is False and again["repeated"] is True
    assert again["answer"] == "insmod nope.ko"
    refused = review(client, card, card.question.spec["accepted"][0], key="k1", rating=3)
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["error"]["message"] == errors.WRONG_ANSWER_ONLY_AGAIN
    body = review(client, card, card.question.spec["accepted"][0], key="k2").json()
    assert (body["correct"], body["rating"], body["overridden"]) == (False, 1, False)
    assert ReviewLog.objects.get().answer == "insmod nope.ko"


def test_a_second_client_of_the_same_learner_gets_the_first_verdict(client, learner, bank, now):
    """Two devices: one checks, the other is served the card answered."""
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    check(client, card, False)
    phone = token_client(learner, now=now)
    body = phone.get("/api/v1/banks/study/study/next").json()
    assert body["card"]["id"] == card.pk
    attempt = body["attempt"]
    assert attempt["answer"] is False and attempt["correct"] is False
    assert [r["label"] for r in attempt["ratings"]] == ["again"]
    assert attempt["attempted_at"] == now.isoformat().replace("+00:00", "Z")
    assert review(phone, card, True, key="p1").json()["rating"] == 1


def test_study_next_has_no_attempt_for_a_fresh_card(client, bank):
    QuestionFactory(bank=bank, kind="true_false")
    assert client.get("/api/v1/banks/study/study/next").json()["attempt"] is None


def test_undo_over_the_api_is_not_a_second_try(client, bank, monkeypatch, now):
    card = card_of(QuestionFactory(bank=bank, kind="single_choice"))
    review(client, card, "b", key="r1")
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(seconds=30))
    assert client.post("/api/v1/reviews/undo", {}, format="json").status_code == HTTPStatus.OK
    served = client.get("/api/v1/banks/study/study/next").json()
    assert served["card"]["id"] == card.pk and served["attempt"]["answer"] == "b"
    body = review(client, card, "a", key="r2").json()
    assert (body["correct"], body["rating"]) == (False, 1)


def test_the_check_records_the_time_to_answer_from_the_serve_token(client, bank, monkeypatch, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    token = client.get("/api/v1/banks/study/study/next").json()["serve_token"]
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(seconds=6))
    check(client, card, True, serve_token=token)
    assert Attempt.objects.get().elapsed_ms == 6000


def test_override_true_allows_good_on_a_wrong_typed_answer_and_marks_it(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="short_answer"))
    checked = check(client, card, "close, but not the grader's spelling")
    assert checked["override_allowed"] is True
    assert [r["label"] for r in checked["override_ratings"]] == ["hard", "good", "easy"]
    body = review(client, card, "whatever", key="o1", override=True, rating=4).json()
    assert (body["rating"], body["correct"], body["overridden"]) == (4, False, True)
    assert ReviewLog.objects.get().overridden and Attempt.objects.get().overridden


def test_override_is_refused_where_it_does_not_apply(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    response = review(client, card, False, key="o2", override=True)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "override_not_allowed"
    assert not ReviewLog.objects.exists()


ISSUE_TEXT = (
    'See [the docs](https://example.com "{{c1::x\\" autofocus '
    'onfocus=\\"alert(document.domain)//}}").'
)


def test_a_cloze_written_through_the_api_renders_without_the_reported_handler(now):
    teacher = UserFactory(username="teacher")
    bank = BankFactory(slug="xss", owner=teacher)
    learner = UserFactory(username="victim")
    EnrollmentFactory(learner=learner, bank=bank)
    instructor = token_client(teacher, now=now)
    instructor.post("/api/v1/banks/xss/topics", {"slug": "t", "title": "T"}, format="json")
    created = instructor.post(
        "/api/v1/banks/xss/questions",
        {
            "external_id": "x1",
            "kind": "cloze",
            "prompt": "Fill in",
            "explanation": "E",
            "spec": {"text": ISSUE_TEXT},
            "difficulty": 1,
            "source": "",
            "topics": ["t"],
        },
        format="json",
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    client = token_client(learner, now=now)
    served = client.get("/api/v1/banks/xss/study/next").json()
    card = served["card"]
    answered = client.post(
        f"/api/v1/cards/{card['id']}/answer", {"answer": {"c1": "x"}}, format="json"
    ).json()
    question = client.get(f"/api/v1/questions/{card['question']}").json()
    shown = [card["cloze"]["html"], question["cloze"]["html"], question["solution"]["text"]["html"]]
    for html in shown:
        for tag, attrs in Elements(html).found:
            assert not any(name.startswith("on") or name == "autofocus" for name in attrs), (
                tag,
                attrs,
            )
    assert answered["expected"]["c1"].startswith("x")  # the answer is text in the JSON only


def test_instructors_see_overrides_in_the_questions_statistics(now):
    from tests.api.conftest import token_client as client_of

    teacher = UserFactory(username="teacher")
    bank = BankFactory(slug="stats", owner=teacher)
    learner = UserFactory(username="learner")
    EnrollmentFactory(learner=learner, bank=bank)
    question = QuestionFactory(bank=bank, kind="short_answer")
    card = card_of(question)
    as_learner = client_of(learner, now=now)
    review(as_learner, card, "the grader's gap", key="g1", override=True)
    body = client_of(teacher, now=now).get(f"/api/v1/questions/{question.pk}").json()
    statistics = body["statistics"]
    assert statistics["overrides"]["count"] == 1
    assert statistics["overrides"]["answers"][0]["answer"] == "the grader's gap"
    assert (statistics["attempts"], statistics["graded"], statistics["correct"]) == (1, 1, 0)
    assert statistics["accuracy"] is None  # the only answer was overridden: counted apart
    listed = client_of(teacher, now=now).get("/api/v1/banks/stats/questions").json()
    assert listed["results"][0]["statistics"]["overrides"]["count"] == 1
    learners_view = as_learner.get(f"/api/v1/questions/{question.pk}").json()
    assert "statistics" not in learners_view

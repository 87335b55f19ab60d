"""The study loop over HTTP: next card, checking, recording (idempotently), undo, card actions."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest

from quizzes import errors, services
from quizzes.api import clock
from quizzes.models import Card, CardState, CardStatus, Rating, ReviewLog
from tests.api.conftest import token_client
from tests.factories import (
    BankFactory,
    EnrollmentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    card_of,
    right_answer,
    wrong_answer,
)

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


def review(client, card, answer, *, key="k-1", rating=None, **extra):
    body = {"card": card.pk, "answer": answer, **({"rating": rating} if rating else {}), **extra}
    return client.post("/api/v1/reviews", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_next_card_shows_the_prompt_options_counts_and_previews(client, bank):
    question = QuestionFactory(bank=bank, kind="single_choice", prompt="Which **tool**?")
    body = client.get("/api/v1/banks/study/study/next").json()
    card = body["card"]
    assert card["id"] == card_of(question).pk and body["queue"] == "new"
    assert card["prompt"] == {
        "markdown": "Which **tool**?",
        "html": "<p>Which <strong>tool</strong>?</p>\n",
    }
    assert sorted(o["id"] for o in card["options"]) == ["a", "b", "c", "d"]
    assert card["answer_format"] == "option_id"
    assert "correct" not in str(card) and "solution" not in card
    assert body["counts"] == {"new": 1, "learning": 0, "review": 0}
    assert [p["label"] for p in body["previews"]] == ["again", "hard", "good", "easy"]
    assert body["previews"][0]["interval"] == "<1m"
    assert body["serve_token"]


def test_the_card_and_the_question_state_their_source_and_since(client, bank):
    QuestionFactory(bank=bank, kind="true_false", source="depmod(8)", since="kmod 29")
    card = client.get("/api/v1/banks/study/study/next").json()["card"]
    assert (card["source"], card["since"]) == ("depmod(8)", "kmod 29")
    question = client.get(f"/api/v1/questions/{card['question']}").json()
    assert question["since"] == "kmod 29"


def test_options_are_shuffled_per_learner_but_stable_until_reviewed(bank, now, learner):
    question = QuestionFactory(
        bank=bank,
        kind="single_choice",
        spec={"options": [{"id": c, "text": c} for c in "abcdefgh"], "correct": "a"},
    )
    orders = set()
    for n in range(4):
        user = learner if n == 0 else UserFactory()
        EnrollmentFactory(learner=user, bank=bank)
        c = token_client(user, now=now)
        first = [o["id"] for o in c.get("/api/v1/banks/study/study/next").json()["card"]["options"]]
        again = [o["id"] for o in c.get("/api/v1/banks/study/study/next").json()["card"]["options"]]
        assert first == again
        orders.add(tuple(first))
    assert len(orders) > 1  # 8! orders: four learners all alike would mean no shuffling
    assert card_of(question)


def test_options_keep_their_order_when_the_spec_says_so(client, bank):
    QuestionFactory(
        bank=bank,
        kind="single_choice",
        spec={
            "options": [{"id": c, "text": c} for c in "abcdefgh"],
            "correct": "a",
            "shuffle": False,
        },
    )
    card = client.get("/api/v1/banks/study/study/next").json()["card"]
    assert [o["id"] for o in card["options"]] == list("abcdefgh")


def test_a_cloze_card_hides_only_its_own_deletion(client, bank):
    QuestionFactory(
        bank=bank,
        kind="cloze",
        spec={"text": "{{c1::modprobe}} reads {{c2::modules.dep::a file}}."},
    )
    card = client.get("/api/v1/banks/study/study/next").json()["card"]
    assert card["deletion"] == "c1"
    assert card["cloze"]["markdown"] == "[...] reads modules.dep."
    assert card["cloze"]["blanks"] == [{"key": "c1", "hint": None}]
    assert "modprobe" not in card["cloze"]["html"] + card["prompt"]["markdown"]


def test_ordering_items_and_matching_right_column_are_shuffled_without_the_answer(client, bank):
    QuestionFactory(bank=bank, kind="matching")
    card = client.get("/api/v1/banks/study/study/next").json()["card"]
    assert [item["id"] for item in card["left"]] == ["l0", "l1", "l2"]
    assert sorted(item["id"] for item in card["right"]) == ["r0", "r1", "r2"]
    assert not {"pairs", "spec", "solution"} & set(card)


def test_topics_narrow_the_queue(client, bank):
    parent = TopicFactory(bank=bank, slug="commands")
    child = TopicFactory(bank=bank, slug="commands/modprobe", parent=parent)
    QuestionFactory(bank=bank, kind="true_false", topics=[TopicFactory(bank=bank, slug="locks")])
    wanted = QuestionFactory(bank=bank, kind="true_false", topics=[child])
    body = client.get("/api/v1/banks/study/study/next?topics=commands").json()
    assert body["card"]["id"] == card_of(wanted).pk and body["counts"]["new"] == 1
    assert client.get("/api/v1/banks/study/study/next?topics=nope").json()["card"] is None


def test_nothing_due_says_when_the_next_card_is(client, bank):
    question = QuestionFactory(bank=bank, kind="true_false")
    result = review(client, card_of(question), True, rating=Rating.EASY).json()
    body = client.get("/api/v1/banks/study/study/next").json()
    assert body["card"] is None and body["previews"] == []
    assert body["next_due"] == result["due"]
    assert body["counts"] == {"new": 0, "learning": 0, "review": 0}


def test_answer_check_grades_and_records_the_first_attempt_only(client, bank):
    question = QuestionFactory(bank=bank, kind="single_choice")
    card = card_of(question)
    wrong = client.post(f"/api/v1/cards/{card.pk}/answer", {"answer": "b"}, format="json").json()
    assert wrong["correct"] is False and wrong["expected"] == "a" and wrong["answer"] == "b"
    assert [r["label"] for r in wrong["ratings"]] == ["again"]
    assert wrong["explanation"]["html"].startswith("<p>Because")
    assert wrong["repeated"] is False and wrong["override_allowed"] is False
    other = card_of(QuestionFactory(bank=bank, kind="single_choice"))
    right = client.post(f"/api/v1/cards/{other.pk}/answer", {"answer": "a"}, format="json").json()
    assert [r["rating"] for r in right["ratings"]] == [2, 3, 4]
    assert not ReviewLog.objects.exists() and not CardState.objects.exists()


def test_a_flashcard_check_shows_the_back_and_allows_every_rating(client, bank):
    question = QuestionFactory(bank=bank, kind="flashcard")
    body = client.post(
        f"/api/v1/cards/{card_of(question).pk}/answer", {"answer": None}, format="json"
    ).json()
    assert body["correct"] is None and body["back"]["markdown"] == question.spec["back"]
    assert len(body["ratings"]) == 4


@pytest.mark.parametrize(
    "kind",
    [
        "single_choice",
        "multiple_choice",
        "true_false",
        "short_answer",
        "shell_command",
        "ordering",
        "matching",
        "cloze",
    ],
)
def test_reviews_without_a_rating_are_good_when_right_and_again_when_wrong(client, bank, kind):
    question = QuestionFactory(bank=bank, kind=kind)
    card = card_of(question, "c1" if kind == "cloze" else "")
    right = review(client, card, right_answer(question, card.deletion), key="r")
    assert right.status_code == HTTPStatus.CREATED
    assert (right.json()["correct"], right.json()["rating"]) == (True, Rating.GOOD)
    wrong = review(client, card, wrong_answer(question, card.deletion), key="w").json()
    assert (wrong["correct"], wrong["rating"]) == (False, Rating.AGAIN)


def test_a_review_answers_with_verdict_due_time_and_updated_counts(client, bank, now):
    question = QuestionFactory(bank=bank, kind="true_false")
    QuestionFactory(bank=bank, kind="true_false")
    body = review(client, card_of(question), True).json()
    assert body["due"] == (now + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    assert body["interval"] == "<10m" and body["explanation"]["markdown"]
    assert body["counts"] == {"new": 1, "learning": 1, "review": 0}
    assert body["review"] == ReviewLog.objects.get().pk


def test_a_flashcard_review_needs_a_rating(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="flashcard"))
    missing = review(client, card, None)
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert missing.json()["error"] == {
        "code": "rating_required",
        "message": errors.RATING_REQUIRED,
        "fields": {},
    }
    assert review(client, card, None, rating=Rating.HARD, key="k-2").json()["rating"] == 2


def test_a_wrong_answer_cannot_be_rated_good(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    response = review(client, card, False, rating=Rating.GOOD)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["message"] == errors.WRONG_ANSWER_ONLY_AGAIN
    assert not ReviewLog.objects.exists()


def test_the_same_key_and_body_replays_the_first_response(client, bank, monkeypatch, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    first = review(client, card, True)
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(minutes=30))
    again = review(client, card, True)
    assert again.status_code == first.status_code == HTTPStatus.CREATED
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert ReviewLog.objects.count() == 1 and CardState.objects.get().reps == 1


def test_the_same_key_with_another_body_is_a_conflict(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    review(client, card, True)
    response = review(client, card, False)
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert ReviewLog.objects.count() == 1


@pytest.mark.parametrize("key", [None, "", "x" * 201, "tab\tkey"])
def test_a_review_needs_a_usable_idempotency_key(client, bank, key):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = client.post(
        "/api/v1/reviews", {"card": card.pk, "answer": True}, format="json", **headers
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert not ReviewLog.objects.exists()


def test_keys_belong_to_one_learner(client, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    other = UserFactory()
    EnrollmentFactory(learner=other, bank=bank)
    review(client, card, True, key="shared")
    second = review(token_client(other, now=now), card, False, key="shared")
    assert second.status_code == HTTPStatus.CREATED and second.json()["correct"] is False


def test_the_serve_token_measures_the_answer_time(client, bank, monkeypatch, now):
    QuestionFactory(bank=bank, kind="true_false")
    served = client.get("/api/v1/banks/study/study/next").json()
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(seconds=9))
    card = Card.objects.get(pk=served["card"]["id"])
    review(client, card, True, serve_token=served["serve_token"])
    assert ReviewLog.objects.get().elapsed_ms == 9000


def test_undo_restores_the_card_and_keeps_the_log(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    logged = review(client, card, True).json()
    body = client.post("/api/v1/reviews/undo", {}, format="json").json()
    assert (body["review"], body["card"], body["bank"]) == (logged["review"], card.pk, "study")
    assert CardState.objects.get().status == CardStatus.NEW
    assert ReviewLog.objects.get().undone_at is not None
    nothing = client.post("/api/v1/reviews/undo", {}, format="json")
    assert nothing.status_code == HTTPStatus.CONFLICT
    assert nothing.json()["error"] == {
        "code": "nothing_to_undo",
        "message": errors.NOTHING_TO_UNDO,
        "fields": {},
    }


def test_undo_can_be_limited_to_one_bank(client, bank, learner):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    other = EnrollmentFactory(learner=learner, bank=BankFactory(slug="elsewhere")).bank
    review(client, card, True)
    response = client.post("/api/v1/reviews/undo", {"bank": other.slug}, format="json")
    assert response.status_code == HTTPStatus.CONFLICT
    assert ReviewLog.objects.get().undone_at is None


def test_card_detail_has_state_retrievability_and_history(client, bank, monkeypatch, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    assert client.get(f"/api/v1/cards/{card.pk}").json()["state"] is None
    review(client, card, True, rating=Rating.EASY)
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=3))
    body = client.get(f"/api/v1/cards/{card.pk}").json()
    assert body["state"]["status"] == "review" and body["state"]["reps"] == 1
    assert 0.5 < body["retrievability"] < 1.0
    assert [h["rating"] for h in body["history"]] == [Rating.EASY]
    assert body["history"][0]["status_before"] == "new" and body["history_truncated"] is False


def test_suspend_unsuspend_bury_and_reset(client, bank):
    question = QuestionFactory(bank=bank, kind="cloze")
    c1, c2 = card_of(question, "c1"), card_of(question, "c2")
    body = client.post(f"/api/v1/cards/{c1.pk}/suspend").json()
    assert body["state"]["suspended"] is True
    assert client.get("/api/v1/banks/study/study/next").json()["card"]["id"] == c2.pk
    assert client.post(f"/api/v1/cards/{c1.pk}/unsuspend").json()["state"]["suspended"] is False
    buried = client.post(f"/api/v1/cards/{c1.pk}/bury").json()
    assert buried["state"]["buried_until"] is not None
    assert client.get("/api/v1/banks/study/study/next").json()["card"] is None  # c2 too
    review(client, c1, {"c1": "modprobe"}, rating=Rating.EASY)
    reset = client.post(f"/api/v1/cards/{c1.pk}/reset").json()
    assert reset["state"]["status"] == "new" and reset["state"]["due"] is None


def test_a_suspended_card_cannot_be_reviewed(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    client.post(f"/api/v1/cards/{card.pk}/suspend")
    response = review(client, card, True)
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "suspended"


def test_a_retired_card_answers_conflict(client, bank, now):
    question = QuestionFactory(bank=bank, kind="true_false")
    services.question_retire(question=question, now=now)
    response = client.post(
        f"/api/v1/cards/{card_of(question).pk}/answer", {"answer": True}, format="json"
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "retired"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single_choice", ["a"]),
        ("single_choice", "zz"),
        ("multiple_choice", "a"),
        ("true_false", "yes"),
        ("short_answer", 42),
        ("shell_command", ["modprobe"]),
        ("cloze", {"c9": "x"}),
        ("ordering", ["a", "b"]),
        ("matching", ["l0"]),
        ("flashcard", "an answer"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_a_400_naming_the_field(client, bank, kind, answer):
    question = QuestionFactory(bank=bank, kind=kind)
    card = card_of(question, "c1" if kind == "cloze" else "")
    for response in (
        client.post(f"/api/v1/cards/{card.pk}/answer", {"answer": answer}, format="json"),
        review(client, card, answer, rating=Rating.GOOD if kind == "flashcard" else None),
    ):
        assert response.status_code == HTTPStatus.BAD_REQUEST
        error = response.json()["error"]
        assert error["code"] == "invalid_answer" and error["fields"]["answer"]
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"card": "one", "answer": True}, "card"),
        ({"answer": True}, "card"),
        ({"card": 1, "answer": True, "rating": 7}, "rating"),
        ({"card": 1, "answer": True, "rating": "good"}, "rating"),
        ({"card": 10**9, "answer": True}, "card"),
        ({"card": 10**20, "answer": True}, "card"),  # beyond a 64-bit id: refused, not a 500
    ],
)
def test_wrong_types_and_unknown_ids_name_the_field(client, bank, body, field):
    QuestionFactory(bank=bank, kind="true_false")
    response = client.post("/api/v1/reviews", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["error"]["fields"]) == [field]


def test_unknown_card_and_bank_ids_are_404(client, bank):
    assert client.get("/api/v1/cards/999999").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/api/v1/cards/999999/answer", {}, format="json").status_code == 404
    assert client.get("/api/v1/banks/nope/study/next").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/api/v1/cards/999999/bury").json()["error"]["code"] == "not_found"


def test_the_answer_is_required_null_for_a_flashcard(client, bank):
    card = card_of(QuestionFactory(bank=bank, kind="flashcard"))
    missing = client.post(
        "/api/v1/reviews", {"card": card.pk, "rating": 3}, format="json", HTTP_IDEMPOTENCY_KEY="a-1"
    )
    assert missing.status_code == 400
    assert list(missing.json()["error"]["fields"]) == ["answer"]
    assert review(client, card, None, rating=Rating.GOOD, key="a-2").status_code == 201


@pytest.mark.parametrize("key", ["", "a b", "é", "x" * 201])
def test_an_idempotency_key_outside_the_documented_pattern_is_refused(client, bank, key):
    card = card_of(QuestionFactory(bank=bank, kind="flashcard"))
    response = review(client, card, None, rating=Rating.GOOD, key=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"

"""GET /api/v1/banks/{slug}/analysis, GET /api/v1/me/cards and POST /api/v1/me/cards/bulk."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from quizzes.models import CardState, CardStatus
from tests.api.conftest import token_client
from tests.factories import AttemptFactory, QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(world, now):
    """Twelve learners answered the world's single-choice question and three true/false ones:
    the strong half gets tf-2, tf-3 and the choice right, tf-1 (a wrong key) wrong."""
    statement = QuestionFactory(bank=world.bank, kind="true_false", external_id="tf-1")
    anchors = [
        QuestionFactory(bank=world.bank, kind="true_false", external_id=f"tf-{n}") for n in (2, 3)
    ]
    for index in range(12):
        learner = UserFactory(username=f"api-learner{index}")
        strong = index < 6
        AttemptFactory(
            learner=learner,
            card=world.card,
            answer="a" if strong else "b",
            score=float(strong),
            attempted_at=now,
        )
        AttemptFactory(
            learner=learner,
            card=card_of(statement),
            answer=not strong,
            score=float(not strong),
            attempted_at=now,
        )
        for anchor in anchors:
            AttemptFactory(
                learner=learner,
                card=card_of(anchor),
                answer=strong,
                score=float(strong),
                attempted_at=now,
            )
    return world


def test_the_analysis_lists_every_question_with_its_figures(analysed, client_as):
    body = client_as("instructor").get("/api/v1/banks/kmod/analysis").json()
    # The world's learner answered the choice right too (through review_submit): 13 learners,
    # the only one without a rest of the bank to correlate with.
    assert body["bank"] == "kmod" and body["learners"] == 13
    rows = {row["external_id"]: row for row in body["results"]}
    assert body["count"] == len(rows) == 6
    chooser = rows[analysed.question.external_id]
    assert chooser["attempts"] == 13
    assert chooser["facility"] == pytest.approx(100 * 7 / 13, abs=0.01)
    assert chooser["discrimination"] == 100.0
    assert [o["id"] for o in chooser["options"]][:1] == ["b"]
    assert rows["tf-1"]["flags"] == ["very_likely_needs_checking", "dubious"]


def test_the_analysis_sorts_filters_and_refuses_unknown_columns(analysed, client_as):
    client = client_as("instructor")
    ordered = client.get("/api/v1/banks/kmod/analysis?ordering=-discrimination").json()
    values = [r["discrimination"] for r in ordered["results"]]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True) and values[len(known) :] == [None] * (
        len(values) - len(known)
    )
    assert known[-1] == -100.0 and ordered["results"][len(known) - 1]["external_id"] == "tf-1"
    flagged = client.get("/api/v1/banks/kmod/analysis?flagged=true").json()
    assert [r["external_id"] for r in flagged["results"]] == ["tf-1"]
    bad = client.get("/api/v1/banks/kmod/analysis?ordering=ease")
    assert bad.status_code == 400
    assert "ordering" in bad.json()["error"]["fields"]


def test_the_analysis_as_csv_has_a_row_per_question(analysed, client_as):
    response = client_as("instructor").get("/api/v1/banks/kmod/analysis?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 6
    assert {"external_id", "facility", "discrimination", "efficiency", "flags"} <= set(rows[0])


def test_a_read_only_token_of_an_instructor_may_read_the_analysis(analysed, now):
    client = token_client(analysed.instructor, now=now, read_only=True)
    assert client.get("/api/v1/banks/kmod/analysis").status_code == 200


def test_my_cards_lists_new_cards_and_pages_with_links(world, client_as, now):
    client = client_as("learner")
    body = client.get("/api/v1/me/cards?page_size=2").json()
    # The world's bank: single choice (reviewed), flashcard, cloze c1 and c2.
    assert body["count"] == 4
    assert [r["card_id"] for r in body["results"]][:1] == [world.card.pk]
    assert body["results"][0]["state"] in {"learning", "review"}
    assert body["results"][1]["state"] == "new" and body["results"][1]["due"] is None
    assert "page=2" in body["next"] and body["previous"] is None
    response = client.get("/api/v1/me/cards?page_size=2&page=2")
    assert 'rel="prev"' in response["Link"]
    assert response.json()["next"] is None
    past = client.get("/api/v1/me/cards?page_size=2&page=3")
    assert past.status_code == 404
    assert past.json()["error"]["code"] == "not_found"


def test_my_cards_filters_and_validates_the_search(world, client_as):
    client = client_as("learner")
    cloze = client.get("/api/v1/me/cards?kind=cloze&ordering=-lapses").json()
    assert {r["deletion"] for r in cloze["results"]} == {"c1", "c2"}
    bad = client.get("/api/v1/me/cards?state=frozen&suspended=null&lapses_min=-1")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"state", "suspended", "lapses_min"}
    # A range that meets nothing finds nothing; the calendar's ends leave it open.
    assert client.get("/api/v1/me/cards?due_from=2026-03-05&due_to=2026-03-01").json()["count"] == 0
    assert client.get("/api/v1/me/cards?lapses_min=5&lapses_max=2").json()["count"] == 0
    everything = client.get("/api/v1/me/cards").json()["count"]
    wide = client.get("/api/v1/me/cards?due_from=0001-01-01&due_to=9999-12-31").json()
    assert (
        wide["count"]
        == client.get("/api/v1/me/cards?state=review").json()["count"]
        + client.get("/api/v1/me/cards?state=learning").json()["count"]
        + client.get("/api/v1/me/cards?state=relearning").json()["count"]
    )
    assert everything >= wide["count"]


def test_a_bank_limited_token_sees_only_that_banks_cards(world, now):
    client = token_client(world.learner, now=now, banks=[world.other_bank])
    assert client.get("/api/v1/me/cards").json()["count"] == 0
    response = client.post(
        "/api/v1/me/cards/bulk", {"action": "suspend", "cards": [world.card.pk]}, format="json"
    )
    assert response.status_code == 403
    assert not CardState.objects.filter(suspended=True).exists()


def test_bulk_suspends_and_says_what_changed(world, client_as):
    client = client_as("learner")
    flashcard = card_of(world.flashcard)
    response = client.post(
        "/api/v1/me/cards/bulk",
        {"action": "suspend", "cards": [world.card.pk, flashcard.pk]},
        format="json",
    )
    assert response.json() == {
        "action": "suspend",
        "cards": [world.card.pk, flashcard.pk],
        "changed": [world.card.pk, flashcard.pk],
    }
    states = CardState.objects.filter(learner=world.learner, suspended=True)
    assert states.count() == 2


def test_bulk_refuses_cards_outside_the_learners_banks(world, client_as):
    foreign = card_of(QuestionFactory(bank=world.other_bank, kind="true_false"))
    response = client_as("learner").post(
        "/api/v1/me/cards/bulk",
        {"action": "bury", "cards": [world.card.pk, foreign.pk]},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_your_cards"
    assert str(foreign.pk) in response.json()["error"]["message"]
    assert not CardState.objects.filter(buried_until__isnull=False).exists()


def test_my_cards_sorted_by_due_puts_the_due_soonest_first(world, client_as, now):
    flashcard = card_of(world.flashcard)
    CardState.objects.create(
        learner=world.learner,
        card=flashcard,
        bank=world.bank,
        status=CardStatus.REVIEW,
        due=now - timedelta(days=1),
        last_review=now - timedelta(days=4),
    )
    rows = client_as("learner").get("/api/v1/me/cards?ordering=due").json()["results"]
    assert [r["card_id"] for r in rows][:2] == [flashcard.pk, world.card.pk]
    assert rows[0]["interval_days"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    "query",
    [
        "state=",
        "kind=",
        "bank=",
        "suspended=",
        "due_from=",
        "ordering=",
        "page=",
        "page=0",
        "q=a%00b",  # the schema's pattern: no NUL in text (PostgreSQL cannot hold it)
    ],
)
def test_my_cards_refuses_an_empty_or_out_of_range_parameter(world, client_as, query):
    response = client_as("learner").get(f"/api/v1/me/cards?{query}")
    name = query.split("=")[0]
    assert response.status_code == 400
    assert name in response.json()["error"]["fields"]


def test_my_cards_takes_an_empty_text_search_as_no_search(world, client_as):
    client = client_as("learner")
    assert client.get("/api/v1/me/cards?q=").json() == client.get("/api/v1/me/cards").json()


@pytest.mark.parametrize("topic", [" ", "\x1c\x1c"])
def test_my_cards_takes_a_blank_topic_as_naming_no_topic(world, client_as, topic):
    # Found by schemathesis: str.strip() also drops \x1c–\x1f, and the stripped "" was a 400
    # for a value the schema allows.
    client = client_as("learner")
    assert client.get("/api/v1/me/cards").json()["count"] > 0
    response = client.get("/api/v1/me/cards", {"topic": topic})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_analysis_refuses_an_empty_parameter(analysed, client_as):
    response = client_as("instructor").get("/api/v1/banks/kmod/analysis?flagged=")
    assert response.status_code == 400
    assert "flagged" in response.json()["error"]["fields"]


def test_bulk_refuses_a_card_id_beyond_the_database_integer(world, client_as):
    response = client_as("learner").post(
        "/api/v1/me/cards/bulk",
        {"action": "suspend", "cards": [world.card.pk, 70499052723618488320]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cards.1"]
    assert not CardState.objects.filter(suspended=True).exists()

"""The card browser page: the learner's own cards, searched, paged, and acted on in bulk."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import CardState
from quizzes.services.card_batches import BULK_NOT_YOURS
from tests.factories import BankFactory, QuestionFactory, card_of

pytestmark = pytest.mark.django_db

CARDS = "/cards/"


def test_the_browser_needs_a_signed_in_learner(world):
    assert Client().get(CARDS).status_code == HTTPStatus.FOUND
    assert Client().post(reverse("cards-bulk")).status_code == HTTPStatus.FOUND


def test_every_card_of_the_learners_banks_is_listed_new_ones_too(world, learner_client):
    html = learner_client.get(CARDS).content.decode()
    assert "10 cards" in html  # nine questions, the cloze with two deletions
    for question in world.questions.values():
        assert question.external_id in html
    assert "other-tf" not in html  # another bank
    card = card_of(world.questions["true_false"])
    assert reverse("card-info", args=["kmods", card.pk]) in html


def test_a_search_narrows_the_list_and_keeps_its_fields(world, learner_client):
    html = learner_client.get(CARDS + "?kind=cloze&sort=lapses&dir=desc").content.decode()
    assert "2 cards" in html
    assert 'value="cloze" selected' in html
    assert "q-true_false" not in html


def test_an_invalid_search_says_what_is_wrong(world, learner_client):
    response = learner_client.get(CARDS + "?lapses_min=-1&due_from=2026-03-05&due_to=2026-03-01")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "The search is not valid" in html
    assert "The end of the due range is before its start." in html
    assert "greater than or equal to 0" in html


def test_prompts_are_shown_as_text_never_as_markup(world, learner_client):
    question = world.questions["true_false"]
    question.prompt = "Is <script>alert(1)</script> **bold**?"
    question.save()
    html = learner_client.get(CARDS).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Is  bold?" in html or "Is bold?" in html


def test_ticked_cards_are_suspended_and_reported(world, learner_client):
    cards = [card_of(world.questions[k]) for k in ("true_false", "single_choice")]
    response = learner_client.post(
        reverse("cards-bulk"),
        {"action": "suspend", "card": [c.pk for c in cards], "search": "kind=true_false"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == CARDS + "?kind=true_false"
    assert "2 cards suspended." in response.content.decode()
    suspended = CardState.objects.filter(learner=world.learner, suspended=True)
    assert {s.card_id for s in suspended} == {c.pk for c in cards}
    again = learner_client.post(
        reverse("cards-bulk"), {"action": "suspend", "card": [cards[0].pk]}, follow=True
    )
    assert "Nothing to change" in again.content.decode()


def test_every_card_of_a_search_can_be_buried_at_once(world, learner_client):
    response = learner_client.post(
        reverse("cards-bulk"), {"action": "bury", "scope": "all", "search": "kind=cloze"}
    )
    assert response.status_code == HTTPStatus.FOUND
    buried = CardState.objects.filter(learner=world.learner, buried_until__gt=timezone.now())
    assert {s.card.question.kind for s in buried} == {"cloze"}
    assert buried.count() == 2


def test_cards_of_another_learners_bank_are_refused_and_nothing_changes(world, learner_client):
    mine = card_of(world.questions["true_false"])
    theirs = card_of(world.other_bank.questions.get())
    response = learner_client.post(
        reverse("cards-bulk"), {"action": "suspend", "card": [mine.pk, theirs.pk]}, follow=True
    )
    assert BULK_NOT_YOURS.format(ids=theirs.pk) in response.content.decode()
    assert not CardState.objects.filter(suspended=True).exists()


def test_reset_and_unsuspend_act_only_on_cards_that_need_it(world, learner_client):
    card = card_of(world.questions["single_choice"])
    services.review_submit(
        learner=world.learner, card=card, answer="a", rating=None, now=timezone.now()
    )
    services.card_suspend(learner=world.learner, card=card)
    fresh = card_of(world.questions["true_false"])
    response = learner_client.post(
        reverse("cards-bulk"), {"action": "reset", "card": [card.pk, fresh.pk]}, follow=True
    )
    assert "1 card reset" in response.content.decode()
    state = CardState.objects.get(learner=world.learner, card=card)
    assert state.status == 0 and not state.suspended
    assert not CardState.objects.filter(learner=world.learner, card=fresh).exists()


def test_an_unknown_action_or_no_card_is_an_error(world, learner_client):
    card = card_of(world.questions["true_false"])
    for data, message in (
        ({"action": "delete", "card": [card.pk]}, "Unknown action"),
        ({"action": "suspend"}, "Choose at least one card."),
    ):
        html = learner_client.post(reverse("cards-bulk"), data, follow=True).content.decode()
        assert message in html
    assert not CardState.objects.exists()


def first_page_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(CARDS).status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


def add_cards(learner, count: int, *, studied: bool) -> None:
    bank = BankFactory()
    services.enroll(learner=learner, bank=bank)
    now = timezone.now()
    for index in range(count):
        card = card_of(QuestionFactory(bank=bank, kind="true_false"))
        if studied:
            CardState.objects.create(
                learner=learner, card=card, bank=bank, status=2, due=now + timedelta(hours=index)
            )


def test_a_page_of_new_cards_takes_the_same_queries_at_10_and_500_cards(world, learner_client):
    small = first_page_queries(learner_client)  # the world's ten cards, all new
    add_cards(world.learner, 490, studied=False)
    assert first_page_queries(learner_client) == small


def test_a_page_of_studied_cards_takes_the_same_queries_at_60_and_500_cards(world, learner_client):
    add_cards(world.learner, 60, studied=True)
    small = first_page_queries(learner_client)
    add_cards(world.learner, 440, studied=True)
    assert first_page_queries(learner_client) == small


def test_a_rows_card_info_charts_its_stability(world, learner_client):
    card = card_of(world.questions["single_choice"])
    moment = timezone.now() - timedelta(days=5)
    for answer in ("a", "b", "a"):
        services.review_submit(
            learner=world.learner, card=card, answer=answer, rating=None, now=moment
        )
        moment += timedelta(days=2)
    browser = learner_client.get(CARDS).content.decode()
    info_url = reverse("card-info", args=["kmods", card.pk])
    assert info_url in browser
    html = learner_client.get(info_url).content.decode()
    assert 'class="chart stability"' in html
    assert html.count("<circle") == 3 and 'class="dot again"' in html

"""The study page keeps the first verdict: POST/redirect/GET after answering and rating, the
card served again answered, on a second device and after undo; "I was right"; Undo only when
there is something to undo; titles said once; the reported cloze XSS through an import."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.importers import native
from quizzes.models import Attempt, ReviewLog
from tests.factories import UserFactory, card_of
from tests.pages.test_study import answer_form, rate_form, ratings, study_url, unescape
from tests.test_cloze_html import Elements

pytestmark = pytest.mark.django_db


def check(client: Client, world: Any, card: Any, fields: dict[str, Any]) -> Any:
    return client.post(reverse("study-answer", args=[world.bank.slug]), {"card": card.pk, **fields})


def rate(client: Client, world: Any, page: str, rating: str) -> Any:
    fields = {k: unescape(v) for k, v in rate_form(page).items()}
    url = reverse("study-review", args=[world.bank.slug])
    return client.post(url, {**fields, "rating": rating})


def test_answering_redirects_to_the_study_page_which_shows_the_card_answered(world, learner_client):
    question = world.questions["short_answer"]
    card = card_of(question)
    response = check(learner_client, world, card, answer_form(question, right=False))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == study_url(world, card)
    page = learner_client.get(response["Location"]).content.decode()
    assert "Not quite" in page and 'id="rate-form"' in page
    assert "You answered this card at" not in page  # just now, on this page
    reloaded = learner_client.get(response["Location"]).content.decode()  # a reload sends nothing
    assert "Not quite" in reloaded and Attempt.objects.count() == 1
    rated = rate(learner_client, world, page, "1")
    assert rated.status_code == HTTPStatus.FOUND and rated["Location"] == study_url(world)


def test_coming_back_to_a_card_answered_wrong_shows_that_answer_not_a_fresh_question(
    world, learner_client
):
    """The page bypass: answer wrong, go to the dashboard, Study now, answer right."""
    question = world.questions["shell_command"]
    card = card_of(question)
    for other in world.questions.values():  # the shell command is the next card of the queue
        for other_card in other.cards.exclude(pk=card.pk):
            services.card_suspend(learner=world.learner, card=other_card)
    check(learner_client, world, card, {"text": "insmod nope.ko"})
    learner_client.get(reverse("home"))
    page = learner_client.get(study_url(world)).content.decode()  # "Study now"
    assert f'data-card="{card.pk}"' in page and 'id="answer-form"' not in page
    assert "insmod nope.ko" in page and "Not quite" in page
    assert [label for label, _ in ratings(page)] == ["Again"]
    check(learner_client, world, card, {"text": question.spec["accepted"][0]})
    again = learner_client.get(study_url(world, card)).content.decode()
    assert "Not quite" in again and [label for label, _ in ratings(again)] == ["Again"]
    refused = rate(learner_client, world, again, "3")
    assert refused["Location"] == study_url(world, card)
    rate(learner_client, world, again, "1")
    log = ReviewLog.objects.get()
    assert (log.rating, log.correct, log.answer) == (1, False, "insmod nope.ko")


def test_a_second_device_is_shown_the_first_answer(world, learner_client):
    question = world.questions["cloze"]
    card = card_of(question, "c1")
    check(learner_client, world, card, {"blank": "nope"})
    other_device = Client()
    other_device.force_login(world.learner)
    page = other_device.get(study_url(world, card)).content.decode()
    assert "Not quite" in page and "You answered this card at" in page
    assert [label for label, _ in ratings(page)] == ["Again"]


def test_undo_brings_the_card_back_answered_with_its_verdict(world, learner_client):
    question = world.questions["true_false"]
    card = card_of(question)
    check(learner_client, world, card, {"choice": "false"})
    page = learner_client.get(study_url(world, card)).content.decode()
    rate(learner_client, world, page, "1")
    undone = learner_client.post(reverse("study-undo", args=[world.bank.slug]))
    assert undone["Location"] == study_url(world, card)
    page = learner_client.get(undone["Location"]).content.decode()
    assert "Review undone." in page and "Not quite" in page
    assert [label for label, _ in ratings(page)] == ["Again"]
    assert 'id="answer-form"' not in page


def test_i_was_right_turns_again_into_hard_good_easy_and_marks_the_review(world, learner_client):
    question = world.questions["short_answer"]
    card = card_of(question)
    check(learner_client, world, card, {"text": "a right answer the grader missed"})
    page = learner_client.get(study_url(world, card)).content.decode()
    assert 'id="override-form"' in page and "<kbd>o</kbd>" in page
    response = learner_client.post(
        reverse("study-override", args=[world.bank.slug]), {"card": card.pk}
    )
    assert response["Location"] == study_url(world, card)
    page = learner_client.get(response["Location"]).content.decode()
    assert "You said you were right" in page and 'id="override-form"' not in page
    assert [label for label, _ in ratings(page)] == ["Hard", "Good", "Easy"]
    rate(learner_client, world, page, "3")
    log = ReviewLog.objects.get()
    assert (log.rating, log.correct, log.overridden) == (3, False, True)


def test_i_was_right_is_not_offered_for_choices_nor_for_right_answers(world, learner_client):
    choice = world.questions["single_choice"]
    check(learner_client, world, card_of(choice), {"choice": "b"})
    page = learner_client.get(study_url(world, card_of(choice))).content.decode()
    assert "Not quite" in page and 'id="override-form"' not in page
    typed = world.questions["short_answer"]
    check(learner_client, world, card_of(typed), answer_form(typed))
    page = learner_client.get(study_url(world, card_of(typed))).content.decode()
    assert "Correct" in page and 'id="override-form"' not in page
    refused = learner_client.post(
        reverse("study-override", args=[world.bank.slug]), {"card": card_of(choice).pk}, follow=True
    )
    assert "Only a wrong verdict on a short-answer" in refused.content.decode()


def test_undo_is_offered_only_when_there_is_a_review_to_undo(world, learner_client):
    page = learner_client.get(study_url(world)).content.decode()
    assert 'id="undo-form"' not in page and "<kbd>u</kbd>" not in page
    card = card_of(world.questions["flashcard"])
    services.review_submit(
        learner=world.learner, card=card, answer=None, rating=3, now=timezone.now()
    )
    page = learner_client.get(study_url(world)).content.decode()
    assert 'id="undo-form"' in page and "<kbd>u</kbd>" in page


def test_page_titles_name_the_site_once(world, learner_client):
    card = card_of(world.questions["true_false"])
    urls = [reverse("home"), study_url(world, card), reverse("settings"), reverse("progress")]
    titles = [
        re.search(r"<title>(.*?)</title>", learner_client.get(u).content.decode()).group(1)
        for u in urls
    ]
    titles.append(re.search(r"<title>(.*?)</title>", Client().get("/").content.decode()).group(1))
    for title in titles:
        assert title.count("kmodquiz") == 1, title
        parts = [p.strip() for p in title.split("·")]
        assert len(parts) == len(set(parts)), title


# The issue's text, as an author would import it (the Markdown's \" are escaped quotes).
ISSUE_TEXT = (
    'See [the docs](https://example.com "{{c1::x\\" autofocus '
    'onfocus=\\"alert(document.domain)//}}").'
)
ISSUE_CLOZE = json.dumps(
    {
        "format": "kmodquiz-bank",
        "format_version": 1,
        "bank": {"slug": "xss", "title": "XSS"},
        "topics": [{"slug": "t", "title": "T"}],
        "questions": [
            {
                "id": "c1",
                "kind": "cloze",
                "topics": ["t"],
                "difficulty": 1,
                "source": "s",
                "prompt": "Fill in",
                "explanation": "E",
                "spec": {"text": ISSUE_TEXT},
            }
        ],
    }
)


def test_the_reported_cloze_xss_does_not_reach_the_study_page(world, now):
    parsed = native.parse(ISSUE_CLOZE)
    assert parsed.questions[0].spec["text"] == ISSUE_TEXT
    services.bank_import(parsed=parsed, user=None, now=now)
    learner = UserFactory()
    bank = services.banks_visible_to(user=learner).get(slug="xss")
    services.enroll(learner=learner, bank=bank)
    client = Client()
    client.force_login(learner)
    card = bank.cards.get()
    question_page = client.get(reverse("study", args=["xss"])).content.decode()
    answered = client.post(
        reverse("study-answer", args=["xss"]), {"card": card.pk, "blank": "x"}, follow=True
    ).content.decode()
    for page in (question_page, answered):
        main = page[page.index("<main") :]
        for tag, attrs in Elements(main).found:
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            assert "autofocus" not in attrs or tag in ("input", "button"), (tag, attrs)
    assert question_page.count('name="blank"') == 1  # the blank is still asked

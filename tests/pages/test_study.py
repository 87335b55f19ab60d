"""The study page: each kind's controls, the verdict and rating buttons, recording, undo, card
actions, scoping, CSRF, sanitising and a query count that does not grow with the bank."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.importers import native
from quizzes.models import Card, CardState, QuestionReport, ReviewLog
from tests.factories import (
    KINDS,
    BankFactory,
    EnrollmentFactory,
    QuestionFactory,
    UserFactory,
    card_of,
)

pytestmark = pytest.mark.django_db


def answer_form(question: Any, *, right: bool = True) -> dict[str, Any]:
    """The study form's fields for a factory-made question, answered right or wrong."""
    kind = question.kind
    spec = question.spec
    if kind == "flashcard":
        return {}
    if kind == "single_choice":
        return {"choice": "a" if right else "b"}
    if kind == "multiple_choice":
        return {"choice": ["a", "c"] if right else ["b"]}
    if kind == "true_false":
        return {"choice": "true" if right else "false"}
    if kind in ("short_answer", "shell_command"):
        return {"text": spec["accepted"][0] if right else "insmod nope.ko"}
    if kind == "cloze":
        return {"blank": "modprobe" if right else "nope"}
    if kind == "ordering":
        order = ["a", "b", "c"] if right else ["c", "b", "a"]
        return {"item": ["c", "a", "b"], **{f"pos-{i}": str(n + 1) for n, i in enumerate(order)}}
    if kind == "matching":
        rights = ["r0", "r1", "r2"] if right else ["r1", "r0", "r2"]
        return {f"match-l{i}": r for i, r in enumerate(rights)}
    raise AssertionError(kind)


def study_url(world: Any, card: Card | None = None) -> str:
    url = reverse("study", args=[world.bank.slug])
    return f"{url}?card={card.pk}" if card else url


def post_answer(client: Client, world: Any, card: Card, fields: dict[str, Any]) -> Any:
    """Check an answer and follow the redirect to the study page, which shows it answered."""
    data = {"card": card.pk, "token": "", **fields}
    return client.post(reverse("study-answer", args=[world.bank.slug]), data, follow=True)


def rate_form(page: str) -> dict[str, str]:
    """The hidden fields of the rating form on an answered page."""
    form = page[page.index('id="rate-form"') :]
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }


def ratings(page: str) -> list[tuple[str, str]]:
    """The rating buttons of an answered page: (label, interval), each shown once."""
    found = re.findall(
        r'<span class="label">(\w+)</span> <span class="interval">([^<]*)</span>', page
    )
    return [(label, html.unescape(interval)) for label, interval in found]


def unescape(value: str) -> str:
    return value.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")


# --- controls of each kind ----------------------------------------------------------------------

CONTROLS = {
    "flashcard": ["Show answer"],
    "single_choice": [
        'type="radio" name="choice" value="a"',
        'type="radio" name="choice" value="d"',
    ],
    "multiple_choice": ['type="checkbox" name="choice" value="a"', "Choose every right answer"],
    "true_false": ['name="choice" value="true"', 'name="choice" value="false"'],
    "short_answer": ['<input type="text" id="answer-text" name="text" class="wide"'],
    "shell_command": ['name="text" class="mono"', 'class="shell-sign"'],
    "cloze": ['name="blank" class="blank mono"'],
    "ordering": ['<select name="pos-a"', 'name="item" value="b"', "data-ordering"],
    "matching": ['<select name="match-l0"', '<option value="r2">right 2</option>'],
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_shown_with_its_own_control(world, learner_client, kind):
    card = card_of(world.questions[kind], "c1" if kind == "cloze" else "")
    page = learner_client.get(study_url(world, card)).content.decode()
    for snippet in CONTROLS[kind]:
        assert snippet in page
    assert f'data-kind="{kind}"' in page
    assert 'id="answer-form"' in page and 'id="rate-form"' not in page
    assert "Report a problem" in page and reverse("card-info", args=["kmods", card.pk]) in page


def test_a_flashcard_shows_its_back_only_after_show_answer(world, learner_client):
    question = world.questions["flashcard"]
    card = card_of(question)
    back = question.spec["back"]
    assert back not in learner_client.get(study_url(world, card)).content.decode()
    page = post_answer(learner_client, world, card, {}).content.decode()
    assert back in page
    assert [label for label, _ in ratings(page)] == ["Again", "Hard", "Good", "Easy"]


def test_the_cloze_card_hides_its_own_deletion_and_shows_the_others(world, learner_client):
    question = world.questions["cloze"]
    page = learner_client.get(study_url(world, card_of(question, "c1"))).content.decode()
    cloze = page[page.index('class="cloze prose"') :][:600]
    assert "modprobe" not in cloze and "depmod" in cloze
    page = learner_client.get(study_url(world, card_of(question, "c2"))).content.decode()
    cloze = page[page.index('class="cloze prose"') :][:600]
    assert "modprobe" in cloze and "depmod" not in cloze


def test_options_are_shuffled_per_learner_and_stable_on_reload(world, learner_client):
    card = card_of(world.questions["single_choice"])

    def order(client: Client) -> list[str]:
        page = client.get(study_url(world, card)).content.decode()
        return re.findall(r'name="choice" value="(\w)"', page)

    first = order(learner_client)
    assert sorted(first) == ["a", "b", "c", "d"]
    assert order(learner_client) == first


def test_options_keep_their_order_when_the_spec_says_shuffle_false(world, learner_client):
    question = world.questions["single_choice"]
    question.spec = {**question.spec, "shuffle": False}
    question.save()
    page = learner_client.get(study_url(world, card_of(question))).content.decode()
    assert re.findall(r'name="choice" value="(\w)"', page) == ["a", "b", "c", "d"]


# --- answering ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "flashcard"])
def test_a_right_answer_shows_the_verdict_explanation_and_hard_good_easy(
    world, learner_client, kind
):
    question = world.questions[kind]
    card = card_of(question, "c1" if kind == "cloze" else "")
    response = post_answer(learner_client, world, card, answer_form(question))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Correct" in page and "Not quite" not in page
    assert question.explanation in page
    assert [label for label, _ in ratings(page)] == ["Hard", "Good", "Easy"]
    assert 'name="rating" value="1"' not in page
    assert 'name="rating" value="3"' in page
    assert not ReviewLog.objects.exists()  # answering alone records nothing


def test_the_answer_shows_the_source_and_the_version_the_behaviour_dates_from(
    world, learner_client
):
    question = world.questions["true_false"]
    question.source = "kernel/module/main.c § load_module() (Linux 6.12)"
    question.since = "Linux 5.13"
    question.save()
    card = card_of(question)
    assert "Since Linux 5.13" not in learner_client.get(study_url(world, card)).content.decode()
    page = post_answer(learner_client, world, card, answer_form(question)).content.decode()
    assert "Source: kernel/module/main.c § load_module() (Linux 6.12)" in page
    assert '<span class="since">Since Linux 5.13</span>' in page


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "flashcard"])
def test_a_wrong_answer_shows_the_right_one_and_allows_only_again(world, learner_client, kind):
    question = world.questions[kind]
    card = card_of(question, "c1" if kind == "cloze" else "")
    page = post_answer(learner_client, world, card, answer_form(question, right=False))
    page = page.content.decode()
    assert "Not quite" in page
    assert [(label, i[0]) for label, i in ratings(page)] == [("Again", "<")]  # "Again <10m"
    assert 'name="rating" value="1"' in page
    for rating in ("2", "3", "4"):
        assert f'name="rating" value="{rating}"' not in page


def test_the_right_answer_is_marked_after_a_wrong_choice(world, learner_client):
    question = world.questions["single_choice"]
    page = post_answer(learner_client, world, card_of(question), {"choice": "b"}).content.decode()
    assert re.search(r'class="option correct">.*?option a of', page)
    assert re.search(r'class="option chosen">.*?option b of', page)


def test_an_unanswered_choice_asks_again_without_recording(world, learner_client):
    card = card_of(world.questions["single_choice"])
    response = post_answer(learner_client, world, card, {})
    assert response.status_code == HTTPStatus.OK
    assert "Choose an answer first." in response.content.decode()
    assert 'id="answer-form"' in response.content.decode()


def test_rating_records_one_review_once_per_key_and_moves_on(world, learner_client):
    question = world.questions["true_false"]
    card = card_of(question)
    page = post_answer(learner_client, world, card, answer_form(question)).content.decode()
    fields = {k: unescape(v) for k, v in rate_form(page).items()}
    url = reverse("study-review", args=[world.bank.slug])
    response = learner_client.post(url, {**fields, "rating": "4"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == study_url(world)
    learner_client.post(url, {**fields, "rating": "4"})  # a double click
    log = ReviewLog.objects.get()
    assert (log.learner, log.card, log.rating, log.correct) == (world.learner, card, 4, True)
    follow = learner_client.get(response["Location"]).content.decode()
    assert "Easy · next in" in follow


def test_a_rating_the_verdict_does_not_allow_is_refused(world, learner_client):
    question = world.questions["true_false"]
    card = card_of(question)
    page = post_answer(learner_client, world, card, answer_form(question, right=False))
    fields = {k: unescape(v) for k, v in rate_form(page.content.decode()).items()}
    url = reverse("study-review", args=[world.bank.slug])
    response = learner_client.post(url, {**fields, "rating": "3"}, follow=True)
    assert "A wrong answer can only be rated Again." in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_undo_restores_the_card_and_shows_it_again(world, learner_client):
    card = card_of(world.questions["flashcard"])
    url = reverse("study-review", args=[world.bank.slug])
    learner_client.post(url, {"card": card.pk, "answer": "null", "rating": "3", "key": "k1"})
    assert CardState.objects.get(card=card).reps == 1
    response = learner_client.post(reverse("study-undo", args=[world.bank.slug]))
    assert response["Location"] == study_url(world, card)
    assert ReviewLog.objects.get().undone_at is not None
    assert CardState.objects.get(card=card).reps == 0
    page = learner_client.get(response["Location"]).content.decode()
    assert f'data-card="{card.pk}"' in page and "Review undone." in page


def test_undo_with_nothing_to_undo_says_so(world, learner_client):
    response = learner_client.post(reverse("study-undo", args=["kmods"]), follow=True)
    assert "There is no review today to undo." in response.content.decode()


@pytest.mark.parametrize("action", ["suspend", "bury"])
def test_suspend_and_bury_take_the_card_out_of_the_queue(world, learner_client, action):
    card = Card.objects.filter(bank=world.bank).order_by("id").first()
    page = learner_client.get(study_url(world)).content.decode()
    assert f'data-card="{card.pk}"' in page
    learner_client.post(reverse("card-action", args=["kmods", card.pk, action]))
    state = CardState.objects.get(learner=world.learner, card=card)
    assert state.suspended if action == "suspend" else state.buried_until is not None
    assert f'data-card="{card.pk}"' not in learner_client.get(study_url(world)).content.decode()


def test_an_unknown_card_action_is_not_found(world, learner_client):
    card = card_of(world.questions["true_false"])
    url = reverse("card-action", args=["kmods", card.pk, "delete"])
    assert learner_client.post(url).status_code == HTTPStatus.NOT_FOUND


def test_card_info_shows_state_history_and_resets(world, learner_client):
    card = card_of(world.questions["flashcard"])
    url = reverse("study-review", args=[world.bank.slug])
    learner_client.post(url, {"card": card.pk, "answer": "null", "rating": "4", "key": "k"})
    info = reverse("card-info", args=["kmods", card.pk])
    page = learner_client.get(info).content.decode()
    assert "Retrievability now" in page and "Review" in page
    assert '<td class="rating-4">Easy</td>' in page
    response = learner_client.post(
        reverse("card-action", args=["kmods", card.pk, "reset"]), {"next": "info"}
    )
    assert response["Location"] == info
    assert CardState.objects.get(card=card).status == 0


def test_the_report_link_creates_a_report_for_the_instructors(world, learner_client, now):
    card = card_of(world.questions["cloze"], "c2")
    url = reverse("card-report", args=["kmods", card.pk])
    assert 'name="text"' in learner_client.get(url).content.decode()
    response = learner_client.post(url, {"text": "The hint is misleading."})
    assert response.status_code == HTTPStatus.FOUND
    report = QuestionReport.objects.get()
    assert (report.reporter, report.card, report.bank) == (world.learner, card, world.bank)
    assert report.text == "The hint is misleading."


def test_the_session_ends_with_a_summary_and_the_next_due_time(world):
    learner = UserFactory()
    bank = BankFactory(slug="tiny")
    question = QuestionFactory(bank=bank, kind="true_false")
    EnrollmentFactory(learner=learner, bank=bank)
    client = Client()
    client.force_login(learner)
    assert "progress" in client.get(reverse("study", args=["tiny"])).content.decode()
    card = card_of(question)
    client.post(
        reverse("study-review", args=["tiny"]),
        {"card": card.pk, "answer": "true", "rating": "4", "key": "once"},
    )
    page = client.get(reverse("study", args=["tiny"])).content.decode()
    assert "Session complete" in page
    assert re.search(r"<dt>Cards</dt><dd>1</dd>", page)
    assert re.search(r"<dt>Accuracy</dt><dd>100%</dd>", page)
    assert "The next card is due" in page


def test_the_progress_bar_counts_done_and_left_today(world, learner_client):
    page = learner_client.get(study_url(world)).content.decode()
    assert "0 done · 10 left today" in page  # nine questions, the cloze makes two cards
    card = card_of(world.questions["flashcard"])
    learner_client.post(
        reverse("study-review", args=["kmods"]),
        {"card": card.pk, "answer": "null", "rating": "4", "key": "p"},
    )
    assert "1 done · 9 left today" in learner_client.get(study_url(world)).content.decode()


# --- who may study what -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get(study_url(world))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_another_learner_gets_404_for_a_bank_and_cards_not_theirs(world):
    client = Client()
    client.force_login(world.other_learner)
    card = card_of(world.questions["true_false"])
    assert client.get(study_url(world)).status_code == HTTPStatus.NOT_FOUND
    assert post_answer(client, world, card, {"choice": "true"}).status_code == 404
    assert client.get(reverse("card-info", args=["kmods", card.pk])).status_code == 404
    assert (
        client.post(reverse("card-action", args=["kmods", card.pk, "suspend"])).status_code == 404
    )
    assert client.get(reverse("card-report", args=["kmods", card.pk])).status_code == 404


def test_a_card_of_another_bank_is_not_found_in_this_one(world, learner_client):
    foreign = Card.objects.get(bank=world.other_bank)
    assert learner_client.get(study_url(world, foreign)).status_code == HTTPStatus.NOT_FOUND
    response = post_answer(learner_client, world, foreign, {"choice": "true"})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_every_study_form_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    card = card_of(world.questions["true_false"])
    page = client.get(study_url(world, card)).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 4  # answer, bury, suspend, sign out
    assert post_answer(client, world, card, {"choice": "true"}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = post_answer(client, world, card, {"choice": "true", "csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.OK
    for name in ("study-undo", "study-override", "study-review"):
        assert client.post(reverse(name, args=["kmods"]), {"card": card.pk}).status_code == 403


# --- sanitising and cost ------------------------------------------------------------------------

HOSTILE = """{
 "format": "kmodquiz-bank", "format_version": 1,
 "bank": {"slug": "hostile", "title": "Hostile <b>bank</b>"},
 "topics": [{"slug": "t", "title": "T"}],
 "questions": [
  {"id": "x1", "kind": "single_choice", "topics": ["t"], "difficulty": 1, "source": "s",
   "prompt": "Hi <script>alert(1)</script> **bold** <img src=x onerror=alert(2)>",
   "explanation": "[click](javascript:alert(3)) <iframe src=//evil></iframe>",
   "spec": {"options": [{"id": "a", "text": "<svg onload=alert(4)>A"},
                        {"id": "b", "text": "<a href='javascript:alert(5)'>B</a>"},
                        {"id": "c", "text": "`C`"}], "correct": "a"}}
 ]
}"""


def test_imported_content_is_sanitised_on_the_question_and_answer_pages(world, now):
    services.bank_import(parsed=native.parse(HOSTILE), user=None, now=now)
    learner = UserFactory()
    bank = services.banks_visible_to(user=learner).get(slug="hostile")
    services.enroll(learner=learner, bank=bank)
    client = Client()
    client.force_login(learner)
    card = Card.objects.get(bank=bank)
    pages = [client.get(reverse("study", args=["hostile"])).content.decode()]
    pages.append(
        client.post(
            reverse("study-answer", args=["hostile"]), {"card": card.pk, "choice": "b"}, follow=True
        ).content.decode()
    )
    for page in pages:
        # Escaped text ("&lt;svg onload=…") is harmless; no tag may carry a handler or a script.
        assert not re.search(r"<[a-z][^>]*\son\w+\s*=", page)
        for bad in ("<script>alert", 'href="javascript', "<iframe", "<svg", "<img"):
            assert bad not in page
        assert "<strong>bold</strong>" in page and "<code>C</code>" in page
    assert "Hostile &lt;b&gt;bank&lt;/b&gt;" in pages[0]


def _queries(
    client: Client, method: str, url: str, data: dict | None = None, status: int = HTTPStatus.OK
) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status
    return len(ctx.captured_queries)


def test_the_study_page_query_count_does_not_grow_with_the_bank(db):
    counts = []
    for size in (10, 500):
        bank = BankFactory()
        learner = UserFactory()
        for _ in range(size):
            QuestionFactory(bank=bank)
        services.enroll(learner=learner, bank=bank)
        now = timezone.now()
        cards = list(Card.objects.filter(bank=bank).order_by("id"))
        CardState.objects.bulk_create(  # half the bank studied: reviews and learning cards due
            CardState(
                learner=learner,
                card=card,
                bank=bank,
                status=2 if i % 2 else 1,
                step=None if i % 2 else 0,
                stability=4.0,
                difficulty=5.0,
                due=now - timedelta(hours=1 + i),
                last_review=now - timedelta(days=4),
                reps=3,
            )
            for i, card in enumerate(cards[: len(cards) // 2])
        )
        client = Client()
        client.force_login(learner)
        url = reverse("study", args=[bank.slug])
        client.get(url)  # the session exists from here on, as for a learner mid-session
        card = Card.objects.filter(bank=bank, question__kind="true_false").last()
        counts.append(
            (
                _queries(client, "get", url),
                _queries(
                    client,
                    "post",
                    reverse("study-answer", args=[bank.slug]),
                    {"card": card.pk, "choice": "true"},
                    status=HTTPStatus.FOUND,
                ),
                _queries(client, "get", f"{url}?card={card.pk}"),  # the card, answered
            )
        )
    assert counts[0] == counts[1], counts


def test_a_suspended_card_is_not_shown_even_when_asked_for(world, learner_client):
    card = card_of(world.questions["matching"])
    services.card_suspend(learner=world.learner, card=card)
    page = learner_client.get(study_url(world, card)).content.decode()
    assert f'data-card="{card.pk}"' not in page and 'id="answer-form"' in page


def test_a_learner_can_study_one_topic_only_and_go_back_to_everything(world: Any) -> None:
    from tests.factories import TopicFactory

    locking = TopicFactory(bank=world.bank, slug="locking", title="Locking")
    only = QuestionFactory(bank=world.bank, kind="true_false", topics=[locking])
    client = Client()
    client.force_login(world.learner)
    bank_page = client.get(world.bank.get_absolute_url()).content.decode()
    assert f"{reverse('study', args=[world.bank.slug])}?topic=locking" in bank_page

    page = client.get(study_url(world) + "?topic=locking").content.decode()
    assert f'data-card="{card_of(only).pk}"' in page and "Studying <strong>Locking</strong>" in page
    # The focus stays for the answer post, without the form repeating it.
    answered = client.post(
        reverse("study-answer", args=[world.bank.slug]),
        {"card": card_of(only).pk, "choice": "true"},
        follow=True,
    ).content.decode()
    assert "Studying <strong>Locking</strong>" in answered
    client.post(
        reverse("study-review", args=[world.bank.slug]),
        {"card": card_of(only).pk, "answer": "true", "rating": "4", "key": "k-topic"},
    )
    assert CardState.objects.get(learner=world.learner, card=card_of(only)).reps == 1
    done = client.get(study_url(world)).content.decode()
    assert "Nothing to study right now" in done or "Session complete" in done  # topic exhausted

    everything = client.get(study_url(world) + "?topic=").content.decode()
    assert "Studying <strong>" not in everything and 'data-card="' in everything

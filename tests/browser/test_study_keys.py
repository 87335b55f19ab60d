"""The study page's keyboard in Chromium: shortcuts never type into an answer field (there only
Enter acts; Escape leaves it); Space/Enter check the cards without a text field; "o" says "I was
right"; Undo only when there is something to undo; no legend on a touch screen; the rating note
does not move the page; after rating the address bar shows the study page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, Card, CardState, ReviewLog

pytestmark = pytest.mark.browser


def open_card(pages: Any, world: dict[str, Any], kind: str, **options: Any) -> tuple[Any, Card]:
    card = Card.objects.filter(question__kind=kind).order_by("id").first()
    page = pages.new(user=world["learner"], **options)
    page.goto(f"{reverse('study', args=['kmods'])}?card={card.pk}")
    return page, card


def focused(page: Any) -> str:
    """The focused element, as tag#id."""
    return page.evaluate(
        "document.activeElement ? document.activeElement.tagName.toLowerCase() + '#' +"
        " document.activeElement.id : ''"
    )


@pytest.mark.parametrize("kind", ["short_answer", "shell_command", "cloze"])
def test_in_an_answer_field_shortcut_keys_type_and_only_enter_checks(
    pages: Any, bank_world: dict[str, Any], kind: str
) -> None:
    page, card = open_card(pages, bank_world, kind)
    field = page.locator("#answer-text, input.blank").first
    page.wait_for_function("document.activeElement && document.activeElement.matches('input')")
    url = page.url
    page.keyboard.type("usbo 1234 ")  # undo, suspend, bury, override, ratings, space: all text
    page.wait_for_timeout(300)
    assert page.url == url and field.input_value() == "usbo 1234 "
    assert not CardState.objects.filter(card=card, suspended=True).exists()
    assert not CardState.objects.filter(card=card, buried_until__isnull=False).exists()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#rate-form").count() == 1
    assert Attempt.objects.get(card=card).answer in ("usbo 1234 ", {card.deletion: "usbo 1234"})


def test_escape_leaves_the_field_and_then_the_shortcuts_work(
    pages: Any, bank_world: dict[str, Any]
) -> None:
    page, card = open_card(pages, bank_world, "short_answer")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'answer-text'")
    page.keyboard.type("b")
    page.keyboard.press("Escape")
    assert focused(page) == "body#"
    with page.expect_navigation():
        page.keyboard.press("b")
    assert CardState.objects.get(card=card).buried_until is not None
    assert page.locator("#answer-text").count() == 0 or page.locator("#card").get_attribute(
        "data-card"
    ) != str(card.pk)


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("single_choice", ["1", " "]),
        ("multiple_choice", ["1", "3", " "]),
        ("true_false", ["1", "Enter"]),
        ("ordering", [" "]),
        ("matching", ["ArrowDown", "Escape", " "]),
        ("flashcard", [" "]),
    ],
)
def test_space_or_enter_checks_cards_without_a_text_field(
    pages: Any, bank_world: dict[str, Any], kind: str, keys: list[str]
) -> None:
    page, card = open_card(pages, bank_world, kind)
    page.wait_for_load_state("load")
    if kind == "ordering":
        page.locator(".order-item").first.focus()
    for key in keys[:-1]:
        page.keyboard.press(key)
    with page.expect_navigation():
        page.keyboard.press(keys[-1])
    assert page.locator("#rate-form").count() == 1, kind
    assert Attempt.objects.filter(card=card).count() == 1


def test_o_says_i_was_right_and_the_ratings_become_hard_good_easy(
    pages: Any, bank_world: dict[str, Any]
) -> None:
    page, card = open_card(pages, bank_world, "short_answer")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'answer-text'")
    page.keyboard.type("what the grader missed")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#rate-form button .label").all_inner_texts() == ["Again"]
    with page.expect_navigation():
        page.keyboard.press("o")
    assert "You said you were right" in page.locator(".verdict").inner_text()
    assert page.locator("#rate-form button .label").all_inner_texts() == ["Hard", "Good", "Easy"]
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Good, the default
    log = ReviewLog.objects.get()
    assert (log.rating, log.overridden) == (3, True)


def test_rating_lands_on_the_study_page_and_a_reload_sends_nothing(
    pages: Any, bank_world: dict[str, Any]
) -> None:
    page, card = open_card(pages, bank_world, "true_false")
    page.wait_for_load_state("load")
    assert page.locator("#undo-form").count() == 0  # nothing to undo yet
    with page.expect_navigation():
        page.keyboard.press("1")
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/study/kmods/?card={card.pk}")  # the checked card, by GET
    page.reload()
    assert Attempt.objects.count() == 1
    with page.expect_navigation():
        page.keyboard.press("3")
    assert page.url.endswith("/study/kmods/")
    page.reload()
    assert ReviewLog.objects.count() == 1
    assert page.locator("#undo-form").count() == 1  # now there is something to undo
    assert "Good · next in" in page.content() or ReviewLog.objects.get().rating == 3


def test_the_rating_note_does_not_move_the_card(pages: Any, bank_world: dict[str, Any]) -> None:
    learner = bank_world["learner"]
    flash = Card.objects.get(question__kind="flashcard")
    page = pages.new(user=learner)
    page.goto(reverse("study", args=["kmods"]))
    top_before = page.locator("#card").bounding_box()["y"]
    answered = Card.objects.get(question__kind="true_false")
    page.goto(f"{reverse('study', args=['kmods'])}?card={answered.pk}")
    page.keyboard.press("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("3")
    assert page.locator(".messages").is_visible()
    assert "next in" in page.locator(".messages").inner_text()
    assert page.locator("#card").bounding_box()["y"] == top_before
    assert flash.pk  # the first card of the queue is shown both times


def test_the_keyboard_legend_is_hidden_on_a_touch_screen(
    pages: Any, bank_world: dict[str, Any]
) -> None:
    desktop, _card = open_card(pages, bank_world, "single_choice")
    assert desktop.locator("#key-legend").is_visible()
    phone, _card = open_card(
        pages, bank_world, "single_choice", width=390, height=800, is_mobile=True, has_touch=True
    )
    assert phone.evaluate("matchMedia('(hover: none) and (pointer: coarse)').matches")
    assert not phone.locator("#key-legend").is_visible()
    assert not phone.locator("#submit-answer kbd").is_visible()


def test_the_matching_table_wraps_whole_words(pages: Any, bank_world: dict[str, Any]) -> None:
    page, _card = open_card(pages, bank_world, "matching", width=375, height=740)
    wrap = page.evaluate(
        "getComputedStyle(document.querySelector('table.matching th')).overflowWrap"
    )
    assert wrap == "break-word"
    services.review_submit(
        learner=bank_world["learner"],
        card=Card.objects.get(question__kind="true_false"),
        answer=True,
        rating=3,
        now=timezone.now(),
    )
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press(" ")
    cells = page.evaluate(
        "[...document.querySelectorAll('table.matching-result td, table.matching-result th')]"
        ".map(c => getComputedStyle(c).overflowWrap)"
    )
    assert cells and set(cells) == {"break-word"}

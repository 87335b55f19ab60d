"""End to end in Chromium: keyboard-only study, undo, the dashboard; 375 px; the question
editor's live preview; no console errors anywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Card, LearnerProfile, Question, ReviewLog

pytestmark = pytest.mark.browser


def press(page: Any, *keys: str) -> None:
    """Press keys; the last one navigates (a form is submitted)."""
    for key in keys[:-1]:
        page.keyboard.press(key)
    with page.expect_navigation():
        page.keyboard.press(keys[-1])


def answer_with_the_keyboard(page: Any, kind: str) -> None:
    """Answer the card on screen using keys only, as a learner would."""
    if kind == "flashcard":
        press(page, "Space")  # "Show answer" has the focus
    elif kind in ("single_choice", "true_false"):
        press(page, "1", "Enter")
    elif kind == "multiple_choice":
        press(page, "1", "3", "Enter")
    elif kind in ("short_answer", "shell_command", "cloze"):
        page.keyboard.type("modprobe -r snd" if kind == "shell_command" else "modprobe")
        press(page, "Enter")
    elif kind == "ordering":
        first = page.locator(".order-item").first.get_attribute("data-id")
        # From the focused Check button back onto the last item, then Alt+↑ moves it up.
        for _ in range(3):
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Alt+ArrowUp")
        ids = page.locator(".order-item").evaluate_all("els => els.map(e => e.dataset.id)")
        assert len(ids) == 3 and (ids[0] == first or len(set(ids)) == 3)
        positions = page.locator(".order-item select").evaluate_all("els => els.map(e => e.value)")
        assert positions == ["1", "2", "3"]  # renumbered for the form
        press(page, "Enter")
    elif kind == "matching":
        press(page, "ArrowDown", "Tab", "ArrowDown", "ArrowDown", "Enter")
    else:
        raise AssertionError(kind)


def dashboard_counts(page: Any) -> dict[str, int]:
    page.goto("/")
    return {
        name: int(page.locator(f"td.num.{name}").first.inner_text())
        for name in ("new", "learning", "due")
    }


def test_a_learner_studies_ten_cards_by_keyboard_undoes_one_and_sees_the_counts_move(
    pages: Any, bank_world: dict[str, Any]
) -> None:
    page = pages.new()
    page.goto(reverse("login"))
    # The username field takes the focus by itself (autofocus); wait for it, then type.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    page.keyboard.type("pw-for-tests")
    press(page, "Enter")
    before = dashboard_counts(page)
    assert before == {"new": 10, "learning": 0, "due": 0}

    page.goto(reverse("study", args=["kmods"]))
    kinds, cards = [], []
    for _ in range(10):
        card = page.locator("#card")
        kind = card.get_attribute("data-kind")
        kinds.append(kind)
        cards.append(card.get_attribute("data-card"))
        answer_with_the_keyboard(page, kind)
        assert page.locator("#rate-form").count() == 1
        labels = page.locator("#rate-form button .label").all_inner_texts()
        assert labels in (["Again"], ["Hard", "Good", "Easy"], ["Again", "Hard", "Good", "Easy"])
        intervals = page.locator("#rate-form button .interval").all_inner_texts()
        assert len(intervals) == len(labels) and all(re.fullmatch(r"\S+", i) for i in intervals)
        press(page, "3" if kind == "flashcard" else "Enter")
    assert len(set(kinds)) >= 8
    assert ReviewLog.objects.filter(undone_at__isnull=True).count() == 10
    assert (
        "10 done" in page.locator(".progress-text").inner_text() or page.locator(".summary").count()
    )

    press(page, "Escape", "u")  # out of an answer field first, if the next card has one
    assert page.locator("#card").get_attribute("data-card") == cards[-1]
    assert "Review undone." in page.locator(".messages").inner_text()
    assert ReviewLog.objects.filter(undone_at__isnull=True).count() == 9

    after = dashboard_counts(page)
    started = set(
        ReviewLog.objects.filter(undone_at__isnull=True, status_before=0).values_list(
            "card", flat=True
        )
    )
    reviewed_questions = set(
        ReviewLog.objects.filter(undone_at__isnull=True).values_list("card__question", flat=True)
    )
    # A new cloze sibling of a question studied today waits for tomorrow (bury new siblings).
    waiting = Card.objects.exclude(pk__in=started).filter(question__in=reviewed_questions)
    assert after["new"] == 10 - len(started) - waiting.count() and after["new"] < before["new"]
    assert after["learning"] + after["due"] > 0 or after["new"] == 1


def test_the_study_page_fits_375_px_for_every_kind(pages: Any, bank_world: dict[str, Any]):
    page = pages.new(user=bank_world["learner"], width=375, height=740)

    def fits() -> bool:
        return page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

    for card in Card.objects.filter(bank=bank_world["bank"]).select_related("question"):
        page.goto(f"{reverse('study', args=['kmods'])}?card={card.pk}")
        assert fits(), f"{card.question.kind} question overflows at 375 px"
        choices = page.locator("#answer-form input[type=radio], #answer-form input[type=checkbox]")
        if choices.count():
            choices.first.check()
        with page.expect_navigation():
            page.locator("#submit-answer").click()
        assert page.locator("#rate-form").count() == 1
        assert fits(), f"{card.question.kind} answer overflows at 375 px"
    for url in ("/", reverse("progress"), reverse("settings")):
        page.goto(url)
        assert fits(), f"{url} overflows at 375 px"


def test_an_instructor_edits_a_question_with_a_live_preview(pages: Any, bank_world: dict[str, Any]):
    question = Question.objects.get(external_id="q-single_choice")
    page = pages.new(user=bank_world["teacher"])
    page.goto(reverse("teach-question", args=["kmods", question.pk]))
    assert "Prompt for q-single_choice?" in page.locator("#preview").inner_text()
    page.fill("#id_prompt", "Which tool **loads** a module and its dependencies?")
    page.locator("#preview strong", has_text="loads").wait_for()
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    assert "saved" in page.locator(".messages").inner_text()
    assert page.locator("#id_prompt").input_value().startswith("Which tool **loads**")
    page.goto(reverse("teach-bank", args=["kmods"]))
    assert "Which tool loads a module" in page.locator("table.questions").inner_text()
    question.refresh_from_db()
    assert question.prompt == "Which tool **loads** a module and its dependencies?"


def test_every_page_loads_without_console_errors(pages: Any, bank_world: dict[str, Any]):
    learner = bank_world["learner"]
    card = Card.objects.get(question__external_id="q-flashcard")
    services.review_submit(learner=learner, card=card, answer=None, rating=3, now=timezone.now())
    page = pages.new(user=learner)
    for url in (
        "/",
        reverse("progress"),
        reverse("settings"),
        reverse("bank-detail", args=["kmods"]),
        reverse("study", args=["kmods"]),
        reverse("card-info", args=["kmods", card.pk]),
        reverse("card-report", args=["kmods", card.pk]),
        reverse("password_change"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
    teacher = pages.new(user=bank_world["teacher"])
    for url in (
        reverse("teach-home"),
        reverse("teach-bank", args=["kmods"]),
        reverse("teach-question-new", args=["kmods"]),
        reverse("teach-import", args=["kmods"]),
        reverse("teach-reports", args=["kmods"]),
        reverse("teach-cohort", args=["kmods"]),
    ):
        assert teacher.goto(url).status == 200, url
    anonymous = pages.new()
    for url in ("/", reverse("login"), reverse("signup"), reverse("password_reset")):
        assert anonymous.goto(url).status == 200, url
    # Swagger UI under the site's Content-Security-Policy (a violation is a console error).
    assert anonymous.goto("/api/docs/").status == 200
    anonymous.wait_for_selector(".swagger-ui .info")


def test_the_time_zone_defaults_from_the_browser(pages: Any, bank_world: dict[str, Any]):
    page = pages.new(timezone_id="Europe/Berlin")
    page.goto(reverse("signup"))
    page.fill("#id_username", "grace")
    page.fill("#id_email", "grace@example.com")
    page.fill("#id_password1", "a-long-pass-phrase-42")
    page.fill("#id_password2", "a-long-pass-phrase-42")
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    assert LearnerProfile.objects.get(user__username="grace").timezone == "Europe/Berlin"

    settings = pages.new(user=bank_world["learner"], timezone_id="Asia/Tokyo")
    settings.goto(reverse("settings"))
    assert settings.locator("#id_timezone").input_value() == "Asia/Tokyo"
    assert "from your browser (Asia/Tokyo)" in settings.locator("#zone-hint").inner_text()
    with settings.expect_navigation():
        settings.get_by_role("button", name="Save settings").click()
    assert LearnerProfile.objects.get(user=bank_world["learner"]).timezone == "Asia/Tokyo"

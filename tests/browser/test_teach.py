"""The instructor's pages in Chromium, with their JavaScript: the editor's form per kind, rows,
a tried answer graded in the preview; an import's progress polled until it can be confirmed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from quizzes.models import ImportRun, Question
from tests.importers.test_native import bank_doc, question
from tests.worker import run_worker

pytestmark = pytest.mark.browser


def test_the_editor_shows_each_kinds_fields_and_grades_a_tried_answer(
    pages: Any,
    bank_world: dict[str, Any],
):
    page = pages.new(user=bank_world["teacher"])
    page.goto(reverse("teach-question-new", args=["kmods"]))
    matching = page.locator('.spec-section[data-kinds="matching"]')
    options = page.locator('.spec-section[data-kinds="single_choice multiple_choice"]')
    page.select_option("#id_kind", "matching")
    assert matching.is_visible() and not options.is_visible()
    rows = page.locator('[data-formset="pairs"] [data-row]')
    before = rows.count()
    page.get_by_role("button", name="More rows").click()
    assert rows.count() == before + 1
    total = page.locator('input[name="pairs-TOTAL_FORMS"]').input_value()
    assert total == str(before + 1)
    assert page.locator(f'input[name="pairs-{before}-left"]').is_visible()

    page.select_option("#id_kind", "single_choice")
    assert options.is_visible() and not matching.is_visible()
    page.fill("#id_external_id", "new-tool")
    page.fill("#id_prompt", "Which tool **loads** a module with its dependencies?")
    for index, text in enumerate(["modprobe", "insmod", "rmmod"]):
        page.fill(f"#id_options-{index}-text", text)
    page.check("#id_options-0-correct")
    page.check("#id_options-1-correct")  # one right answer: the first tick goes
    assert not page.is_checked("#id_options-0-correct")
    page.check("#id_options-0-correct")
    page.locator("#preview strong", has_text="loads").wait_for()
    page.locator("#preview label.option", has_text="insmod").click()
    page.get_by_role("button", name="Check this answer").click()
    page.locator("#preview .verdict", has_text="Wrong").wait_for()
    page.locator("#preview label.option", has_text="modprobe").click()
    page.get_by_role("button", name="Check this answer").click()
    page.locator("#preview .verdict", has_text="Correct").wait_for()
    assert not Question.objects.filter(external_id="new-tool").exists()  # nothing saved yet

    page.check('input[name="topics"][value="commands"]')
    with page.expect_navigation():
        page.get_by_role("button", name="Create question").click()
    assert "created" in page.locator(".messages").inner_text()
    saved = Question.objects.get(external_id="new-tool")
    assert saved.spec["correct"] == "a" and [o["text"] for o in saved.spec["options"]] == [
        "modprobe",
        "insmod",
        "rmmod",
    ]


def test_a_background_import_shows_its_progress_then_its_preview(
    pages: Any,
    bank_world: dict[str, Any],
    settings: Any,
    tmp_path: Any,
):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 1}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    document = bank_doc([question(f"imp-{i}", "true_false", topics=["commands"]) for i in range(3)])
    document["bank"]["slug"] = "kmods"
    document["topics"] = [{"slug": "commands", "title": "Commands"}]
    path = tmp_path / "kmods.json"
    path.write_text(json.dumps(document))
    page = pages.new(user=bank_world["teacher"])
    page.goto(reverse("teach-import", args=["kmods"]))
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    assert page.locator("progress").is_visible()
    assert "Waiting for a worker" in page.locator(".import-progress").inner_text()
    run_worker()
    page.get_by_role("button", name="Confirm import").wait_for()  # the poll reloaded the page
    assert "imp-0" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm import").click()
    page.locator(".import-progress, .messages").first.wait_for()
    run_worker()
    page.locator(".ok-text", has_text="Applied").wait_for()
    assert ImportRun.objects.latest("pk").status == ImportRun.Status.APPLIED
    assert Question.objects.filter(external_id__startswith="imp-").count() == 3

"""Instructor pages: their banks, questions, live preview, import/export, reports, cohort —
each visible only to the bank's instructors."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Question, QuestionReport
from quizzes.services.authoring import report_create
from quizzes.spec_forms import SpecEditor
from tests.factories import KINDS, card_of, spec_for
from tests.test_spec_forms import as_post

pytestmark = pytest.mark.django_db

TEACH_URLS = [
    ("teach-bank", {}),
    ("teach-question-new", {}),
    ("teach-import", {}),
    ("teach-export", {}),
    ("teach-reports", {}),
    ("teach-cohort", {}),
]


def url(name: str, slug: str = "kmods", **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": slug, **kwargs})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "kwargs"), TEACH_URLS)
def test_teaching_pages_are_for_the_banks_instructors_only(world, member_instructor, name, kwargs):
    assert client_for(world.instructor).get(url(name)).status_code == HTTPStatus.OK
    assert client_for(member_instructor).get(url(name)).status_code == HTTPStatus.OK
    for outsider in (world.learner, world.other_instructor):
        assert client_for(outsider).get(url(name)).status_code == HTTPStatus.NOT_FOUND
    assert Client().get(url(name)).status_code == HTTPStatus.FOUND  # to the sign-in page


def test_a_question_of_another_bank_cannot_be_edited_here(world, instructor_client):
    foreign = Question.objects.get(bank=world.other_bank)
    response = instructor_client.get(url("teach-question", pk=foreign.pk))
    assert response.status_code == HTTPStatus.NOT_FOUND
    outsider = client_for(world.other_instructor)
    mine = world.questions["true_false"]
    assert outsider.post(url("teach-question", pk=mine.pk), {}).status_code == 404
    assert outsider.post(url("teach-preview"), {"kind": "flashcard"}).status_code == 404


def test_teach_home_lists_only_the_users_banks(world, instructor_client):
    page = instructor_client.get(reverse("teach-home")).content.decode()
    assert "Kernel modules" in page and "Other bank" not in page
    assert client_for(world.learner).get(reverse("teach-home")).status_code == 404


def test_the_question_list_filters_by_kind_topic_status_and_text(world, instructor_client):
    page = instructor_client.get(url("teach-bank")).content.decode()
    assert "9 questions" in page
    page = instructor_client.get(url("teach-bank"), {"kind": "cloze"}).content.decode()
    assert "1 question<" in page and "q-cloze" in page and "q-matching" not in page
    page = instructor_client.get(url("teach-bank"), {"q": "q-match"}).content.decode()
    assert "q-matching" in page and "q-cloze" not in page
    page = instructor_client.get(url("teach-bank"), {"topic": "commands"}).content.decode()
    assert "9 questions" in page
    services.question_retire(question=world.questions["ordering"], now=timezone.now())
    assert "8 questions" in instructor_client.get(url("teach-bank")).content.decode()
    page = instructor_client.get(url("teach-bank"), {"status": "retired"}).content.decode()
    assert "1 question<" in page and "q-ordering" in page


def question_post(kind: str, spec: dict, **fields: object) -> dict:
    """The editor's POST for a question of `kind` with `spec` (as the browser sends it)."""
    data = as_post(SpecEditor.from_spec(kind, spec)).dict()
    data.update(
        {
            "kind": kind,
            "prompt": "Which tool **loads** a module?",
            "explanation": "modprobe reads modules.dep.",
            "topics": ["commands"],
            "difficulty": "2",
            "source": "modprobe(8)",
            "tags": "",
        }
    )
    data.update(fields)
    return data


def test_the_editor_has_a_form_per_kind_and_no_json_box(world, instructor_client):
    page = instructor_client.get(url("teach-question-new")).content.decode()
    assert 'name="spec"' not in page
    for name in (
        "options-0-text",
        "options-0-correct",
        "items-0-text",
        "pairs-0-left",
        "distractors-0-text",
        "accepted",
        "cloze_text",
        "alternatives",
        "back",
        "strict_options",
        "true_false",
        "tolerance",
    ):
        assert f'name="{name}"' in page, name
    assert re.search(r'<div class="spec-section" data-kinds="single_choice multiple_choice">', page)
    assert re.search(r'data-kinds="matching" hidden', page)


@pytest.mark.parametrize("kind", KINDS)
def test_saving_a_question_unchanged_keeps_its_spec(world, instructor_client, kind):
    question = world.questions[kind]
    question.spec = spec_for(kind, 7)
    question.save()
    edit = url("teach-question", pk=question.pk)
    page = instructor_client.get(edit).content.decode()
    assert "Save changes" in page
    response = instructor_client.post(edit, question_post(kind, question.spec))
    assert response.status_code == HTTPStatus.FOUND, response.context["editor"].errors
    question.refresh_from_db()
    assert question.spec == spec_for(kind, 7) and question.prompt.startswith("Which tool")


def test_an_instructor_edits_a_question_and_sees_the_change(world, instructor_client):
    question = world.questions["single_choice"]
    edit = url("teach-question", pk=question.pk)
    data = question_post("single_choice", question.spec, tags="scenario, basics", difficulty="1")
    data["options-1-text"] = "insmod --force"
    data["topics"] = ["commands", "commands/modprobe"]
    assert instructor_client.post(edit, data).status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.spec["options"][1]["text"] == "insmod --force"
    assert question.tags == ["scenario", "basics"] and question.difficulty == 1
    assert sorted(question.topics.values_list("slug", flat=True)) == [
        "commands",
        "commands/modprobe",
    ]
    assert "Which tool <strong>loads</strong>" in instructor_client.get(edit).content.decode()


def test_what_is_wrong_is_said_in_words_at_its_field_and_nothing_is_saved(world, instructor_client):
    question = world.questions["single_choice"]
    before = question.spec
    data = question_post("single_choice", before, prompt="p")
    data["options-0-correct"] = ""  # no option ticked
    data["options-2-id"] = "not an id!"
    response = instructor_client.post(url("teach-question", pk=question.pk), data)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Tick the one correct option." in page
    assert "KeyError" not in page and "Traceback" not in page
    data["options-0-correct"] = "on"
    page = instructor_client.post(url("teach-question", pk=question.pk), data).content.decode()
    assert "Option 3, id: &quot;not an id!&quot; is not allowed here: an option id is" in page
    question.refresh_from_db()
    assert question.spec == before and question.prompt != "p"


def test_an_instructor_creates_a_cloze_and_its_cards(world, instructor_client):
    data = question_post(
        "cloze",
        {"text": "{{c1::lsmod}} reads {{c2::/proc/modules}}.", "alternatives": {"c2": ["proc"]}},
        external_id="new-cloze",
        prompt="",
    )
    response = instructor_client.post(url("teach-question-new"), data)
    question = Question.objects.get(bank=world.bank, external_id="new-cloze")
    assert response["Location"] == url("teach-question", pk=question.pk)
    assert sorted(question.cards.values_list("deletion", flat=True)) == ["c1", "c2"]
    assert question.spec["alternatives"] == {"c2": ["proc"]}


def test_a_command_question_keeps_strict_options(world, instructor_client):
    data = question_post(
        "shell_command",
        {"accepted": ["modprobe -r vfat"], "strict_options": True},
        external_id="strict-1",
    )
    instructor_client.post(url("teach-question-new"), data)
    question = Question.objects.get(bank=world.bank, external_id="strict-1")
    assert question.spec == {"accepted": ["modprobe -r vfat"], "strict_options": True}


def test_buttons_that_do_not_save_work_without_javascript(world, instructor_client):
    question = world.questions["ordering"]
    edit = url("teach-question", pk=question.pk)
    data = question_post("ordering", question.spec)
    page = instructor_client.post(edit, {**data, "_more": "1"}).content.decode()
    assert 'name="items-7-text"' in page  # three filled rows, blank ones, three more
    page = instructor_client.post(edit, {**data, "kind": "matching", "_kind": "1"}).content.decode()
    assert re.search(r'data-kinds="matching">', page) and re.search(
        r'data-kinds="ordering" hidden', page
    )
    question.refresh_from_db()
    assert question.kind == "ordering"


def test_the_live_preview_renders_sanitised_html_of_unsaved_input(world, instructor_client):
    spec = {
        "options": [
            {"id": "a", "text": "<img src=x onerror=alert(1)>`A`"},
            {"id": "b", "text": "B"},
            {"id": "c", "text": "C"},
        ],
        "correct": "a",
    }
    data = question_post("single_choice", spec, prompt="Pick **one** <script>alert(1)</script>")
    html = instructor_client.post(url("teach-preview"), data).content.decode()
    assert "<strong>one</strong>" in html and "<code>A</code>" in html
    assert "<script" not in html and "onerror" not in html
    bad = instructor_client.post(url("teach-preview"), {"kind": "cloze", "cloze_text": "x"})
    assert "Mark at least one deletion" in bad.content.decode()
    nothing = instructor_client.post(url("teach-preview"), {"kind": "matching"}).content.decode()
    assert "Give at least 3 pairs." in nothing and "KeyError" not in nothing


@pytest.mark.parametrize(
    ("kind", "spec", "answer", "verdict", "feedback"),
    [
        ("single_choice", spec_for("single_choice", 1), {"choice": "a"}, "Correct", "Correct."),
        ("single_choice", spec_for("single_choice", 1), {"choice": "b"}, "Wrong", ""),
        ("single_choice", spec_for("single_choice", 1), {}, "No answer yet", "Choose an answer"),
        ("true_false", {"correct": False}, {"choice": "true"}, "Wrong", ""),
        ("short_answer", {"accepted": ["42"], "tolerance": 1}, {"text": "42.5"}, "Correct", ""),
        (
            "shell_command",
            {"accepted": ["modprobe -r vfat"]},
            {"text": "sudo modprobe -r vfat"},
            "Correct",
            "",
        ),
        (
            "shell_command",
            {"accepted": ["modprobe -r vfat"]},
            {"text": "rmmod ext4"},
            "Wrong",
            "Not quite",
        ),
        ("cloze", spec_for("cloze", 1), {"blank": "depmod", "preview_card": "c2"}, "Correct", ""),
        (
            "ordering",
            spec_for("ordering", 1),
            {"item": ["a", "b", "c"], "pos-a": "1", "pos-b": "2", "pos-c": "3"},
            "Correct",
            "",
        ),
        (
            "matching",
            spec_for("matching", 1),
            {"match-l0": "r1", "match-l1": "r0", "match-l2": "r2"},
            "Wrong",
            "",
        ),
        ("flashcard", {"back": "The back"}, {}, "Self-graded", ""),
    ],
)
def test_the_preview_grades_an_answer_the_instructor_tries(
    world, instructor_client, kind, spec, answer, verdict, feedback
):
    data = {**question_post(kind, spec), **answer, "_try": "1"}
    html = instructor_client.post(url("teach-preview"), data).content.decode()
    assert f"<strong>{verdict}</strong>" in html, html
    assert feedback in html
    # Without JavaScript the same button posts the page itself: nothing is saved.
    page = instructor_client.post(url("teach-question-new"), data).content.decode()
    assert f"<strong>{verdict}</strong>" in page
    assert not Question.objects.filter(bank=world.bank, prompt__startswith="Which tool").exists()


def test_a_cloze_preview_shows_each_card(world, instructor_client):
    data = question_post("cloze", spec_for("cloze", 1))
    html = instructor_client.post(url("teach-preview"), data).content.decode()
    assert "2 cards</strong>" in html
    assert html.count('<span class="badge">c') == 2 and "[...] loads mod1 and depmod" in html


def test_the_preview_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.instructor)
    assert client.post(url("teach-preview"), {"kind": "flashcard"}).status_code == 403


def test_retiring_a_studied_question_keeps_it_and_deleting_an_unstudied_one(world, now):
    client = client_for(world.instructor)
    tf = world.questions["true_false"]
    services.review_submit(learner=world.learner, card=card_of(tf), answer=True, rating=3, now=now)
    client.post(url("teach-question-delete", pk=tf.pk))
    tf.refresh_from_db()
    assert tf.retired_at is not None
    short = world.questions["short_answer"]
    client.post(url("teach-question-delete", pk=short.pk))
    assert not Question.objects.filter(pk=short.pk).exists()


# --- reports and the cohort ---------------------------------------------------------------------


def test_reports_are_listed_and_resolved(world, instructor_client, now):
    question = world.questions["matching"]
    report = report_create(
        reporter=world.learner, question=question, text="Pair 2 <b>looks</b> wrong", now=now
    )
    page = instructor_client.get(url("teach-reports")).content.decode()
    assert "Pair 2 &lt;b&gt;looks&lt;/b&gt; wrong" in page and "q-matching" in page
    response = instructor_client.post(
        url("teach-report-resolve", pk=report.pk), {"resolution": "Fixed in v2"}
    )
    assert response["Location"] == url("teach-reports")
    report.refresh_from_db()
    assert report.status == QuestionReport.Status.RESOLVED and report.resolution == "Fixed in v2"
    assert "No open reports." in instructor_client.get(url("teach-reports")).content.decode()
    resolved = instructor_client.get(url("teach-reports"), {"status": "resolved"})
    assert "Fixed in v2" in resolved.content.decode()
    outsider = client_for(world.other_instructor)
    assert outsider.post(url("teach-report-resolve", pk=report.pk)).status_code == 404


def test_the_cohort_table_shows_each_learners_progress(world, instructor_client):
    tf = world.questions["true_false"]
    services.review_submit(
        learner=world.learner, card=card_of(tf), answer=False, rating=None, now=timezone.now()
    )
    page = instructor_client.get(url("teach-cohort")).content.decode()
    row = page[page.index('<th scope="row">ada</th>') :].split("</tr>")[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[:3] == ["1", "1", "0%"]
    assert "bob" not in page  # enrolled elsewhere only


def _override(world, kind: str, answer: str) -> Any:
    """The learner answers a typed question wrong and says "I was right", then rates Good."""
    card = card_of(world.questions[kind])
    services.review_submit(
        learner=world.learner,
        card=card,
        answer=answer,
        rating=None,
        now=timezone.now(),
        override=True,
    )
    return card


def test_the_question_page_shows_overrides_and_their_answers(world, instructor_client):
    _override(world, "shell_command", "sudo modprobe -rv thing")
    question = world.questions["shell_command"]
    page = instructor_client.get(url("teach-question", pk=question.pk)).content.decode()
    section = page[page.index('id="overrides"') :]
    assert "<strong>1</strong> overridden with “I was right”" in section
    assert "<code>sudo modprobe -rv thing</code>" in section
    listing = instructor_client.get(url("teach-bank")).content.decode()
    assert f'{url("teach-question", pk=question.pk)}#overrides">1</a>' in listing


def test_the_cohort_counts_overridden_answers_apart_from_accuracy(world, instructor_client):
    _override(world, "short_answer", "almost")
    tf = world.questions["true_false"]
    services.review_submit(
        learner=world.learner, card=card_of(tf), answer=True, rating=None, now=timezone.now()
    )
    page = instructor_client.get(url("teach-cohort")).content.decode()
    row = page[page.index('<th scope="row">ada</th>') :].split("</tr>")[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # Two reviews: one right, one overridden; accuracy is over the one judged, not 50%.
    assert cells[:4] == ["2", "2", "100%", "1"]

"""Instructor pages: their banks, questions, live preview, import/export, reports, cohort —
each visible only to the bank's instructors."""

from __future__ import annotations

import json
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Question, QuestionReport
from quizzes.services.authoring import report_create
from tests.factories import card_of

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


def test_an_instructor_edits_a_question_and_sees_the_change(world, instructor_client):
    question = world.questions["single_choice"]
    edit = url("teach-question", pk=question.pk)
    page = instructor_client.get(edit).content.decode()
    assert "Save changes" in page and "option a of" in page  # the preview, rendered server-side
    form = {
        "kind": "single_choice",
        "prompt": "Which tool **loads** a module with its dependencies?",
        "spec": json.dumps(question.spec),
        "explanation": "modprobe reads modules.dep.",
        "topics": ["commands", "commands/modprobe"],
        "difficulty": "1",
        "source": "modprobe(8)",
        "tags": "scenario, basics",
    }
    response = instructor_client.post(edit, form)
    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.prompt.startswith("Which tool **loads**")
    assert question.tags == ["scenario", "basics"] and question.difficulty == 1
    assert sorted(question.topics.values_list("slug", flat=True)) == [
        "commands",
        "commands/modprobe",
    ]
    assert "Which tool <strong>loads</strong>" in instructor_client.get(edit).content.decode()


def test_saving_an_invalid_question_shows_each_error_at_its_field(world, instructor_client):
    question = world.questions["single_choice"]
    response = instructor_client.post(
        url("teach-question", pk=question.pk),
        {
            "kind": "single_choice",
            "prompt": "p",
            "spec": json.dumps({"options": [{"id": i, "text": i} for i in "abc"], "correct": "z"}),
            "explanation": "",
            "topics": ["commands"],
            "difficulty": "2",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["spec"] == ["correct: z is not an option id"]
    question.refresh_from_db()
    assert question.prompt != "p"


def test_the_spec_must_be_json(world, instructor_client):
    response = instructor_client.post(
        url("teach-question-new"),
        {
            "external_id": "new-1",
            "kind": "flashcard",
            "spec": "{back: 1",
            "topics": ["commands"],
            "difficulty": "2",
        },
    )
    assert "The answer spec must be a JSON object" in response.content.decode()


def test_an_instructor_creates_a_question_and_its_cards(world, instructor_client):
    response = instructor_client.post(
        url("teach-question-new"),
        {
            "external_id": "new-cloze",
            "kind": "cloze",
            "prompt": "",
            "spec": json.dumps({"text": "{{c1::lsmod}} reads {{c2::/proc/modules}}."}),
            "explanation": "It formats the file.",
            "topics": ["commands"],
            "difficulty": "1",
            "source": "lsmod(8)",
            "tags": "",
        },
    )
    question = Question.objects.get(bank=world.bank, external_id="new-cloze")
    assert response["Location"] == url("teach-question", pk=question.pk)
    assert sorted(question.cards.values_list("deletion", flat=True)) == ["c1", "c2"]


def test_the_live_preview_renders_sanitised_html_of_unsaved_input(world, instructor_client):
    response = instructor_client.post(
        url("teach-preview"),
        {
            "kind": "single_choice",
            "prompt": "Pick **one** <script>alert(1)</script>",
            "spec": json.dumps(
                {
                    "options": [
                        {"id": "a", "text": "<img src=x onerror=alert(1)>`A`"},
                        {"id": "b", "text": "B"},
                        {"id": "c", "text": "C"},
                    ],
                    "correct": "a",
                }
            ),
            "explanation": "Because.",
        },
    )
    html = response.content.decode()
    assert "<strong>one</strong>" in html and "<code>A</code>" in html
    assert "<script" not in html and "onerror" not in html
    assert "Answer:</strong> <code>&quot;a&quot;</code>" in html
    bad = instructor_client.post(url("teach-preview"), {"kind": "cloze", "spec": "[1]"})
    assert "must be a JSON object" in bad.content.decode()


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

"""Instructor pages: their banks, questions, live preview, import/export, reports, cohort —
each visible only to the bank's instructors."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.exporters.native import bank_export
from quizzes.importers import native
from quizzes.models import Bank, ImportRun, Question, QuestionReport
from quizzes.services.authoring import report_create
from quizzes.views.teach import IMPORT_EXPIRED, WRONG_BANK
from tests.factories import UserFactory, card_of

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


# --- import and export --------------------------------------------------------------------------


def upload(text: str, name: str = "bank.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/json")


def test_import_previews_then_applies_only_on_confirm(world, instructor_client):
    document = bank_export(world.bank)
    # Imported once as it is, so that every question has the importer's content digest.
    services.bank_import(parsed=native.parse(json.dumps(document)), user=None, now=timezone.now())
    document["questions"][0]["prompt"] = "Changed prompt"
    document["questions"].pop()  # this one will be retired
    document["questions"].append({**document["questions"][1], "id": "brand-new"})
    response = instructor_client.post(
        url("teach-import"), {"file": upload(json.dumps(document, indent=1))}
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert re.search(r"<dt>Created</dt><dd[^>]*>1</dd>", page)
    assert re.search(r"<dt>Updated</dt><dd[^>]*>1</dd>", page)
    assert re.search(r"<dt>Retired</dt><dd[^>]*>1</dd>", page)
    assert "<code>brand-new</code>" in page
    assert not Question.objects.filter(external_id="brand-new").exists()  # a preview only
    digest = re.search(r'name="digest" value="(\w+)"', page).group(1)
    response = instructor_client.post(reverse("teach-import-confirm"), {"digest": digest})
    assert response["Location"] == url("teach-bank")
    assert Question.objects.filter(bank=world.bank, external_id="brand-new").exists()
    assert Question.objects.get(pk=world.questions["flashcard"].pk).prompt == "Changed prompt"
    assert ImportRun.objects.filter(status=ImportRun.Status.APPLIED).first().created == 1
    again = instructor_client.post(reverse("teach-import-confirm"), {"digest": digest}, follow=True)
    assert IMPORT_EXPIRED in again.content.decode()


def test_import_errors_are_listed_with_their_lines_and_nothing_changes(world, instructor_client):
    document = bank_export(world.bank)
    document["questions"][2]["spec"] = {**document["questions"][2]["spec"], "correct": ["q"]}
    document["questions"][4]["topics"] = ["nowhere"]
    text = json.dumps(document, indent=1)
    line = text[: text.index('"id": "q-multiple_choice"')].count("\n") + 1
    response = instructor_client.post(url("teach-import"), {"file": upload(text, "broken.json")})
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "broken.json cannot be imported" in page
    assert f'<td class="num">{line}</td>' in page
    assert "unknown topic &#x27;nowhere&#x27;" in page
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert "digest" not in page


def test_invalid_json_is_reported_with_its_line(world, instructor_client):
    response = instructor_client.post(url("teach-import"), {"file": upload('{\n"format": ,\n}')})
    assert '<td class="num">2</td>' in response.content.decode()


def test_a_file_for_another_bank_is_refused_on_this_banks_page(world, instructor_client):
    document = bank_export(world.bank)
    document["bank"]["slug"] = "other"
    response = instructor_client.post(url("teach-import"), {"file": upload(json.dumps(document))})
    assert WRONG_BANK.format(found="other", expected="kmods") in response.content.decode()
    assert response.status_code == HTTPStatus.OK


def test_importing_a_new_bank_needs_the_add_bank_permission(world):
    from django.contrib.auth.models import Permission

    document = bank_export(world.bank)
    document["bank"]["slug"] = "fresh"
    creator = UserFactory(username="creator")
    client = client_for(creator)
    assert client.get(reverse("teach-import-new")).status_code == HTTPStatus.NOT_FOUND
    creator.user_permissions.add(Permission.objects.get(codename="add_bank"))
    client = client_for(creator)
    page = client.post(reverse("teach-import-new"), {"file": upload(json.dumps(document))})
    digest = re.search(r'name="digest" value="(\w+)"', page.content.decode()).group(1)
    client.post(reverse("teach-import-confirm"), {"digest": digest})
    assert Bank.objects.get(slug="fresh").owner == creator
    # Someone else's existing bank cannot be overwritten through the new-bank page.
    document["bank"]["slug"] = "other"
    response = client.post(reverse("teach-import-new"), {"file": upload(json.dumps(document))})
    assert "you are not one of its instructors" in response.content.decode()


def test_export_downloads_the_bank_as_reimportable_json(world, instructor_client):
    response = instructor_client.get(url("teach-export"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="kmods.json"'
    document = json.loads(response.content)
    assert document["format"] == "kmodquiz-bank"
    assert {q["id"] for q in document["questions"]} == {f"q-{k}" for k in world.questions}


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

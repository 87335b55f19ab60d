"""Item analysis pages and the cohort learner by learner: for the bank's instructors only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import CardState, CardStatus, QuestionReport
from tests.factories import AttemptFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(world) -> list[str]:
    question = world.questions["single_choice"]
    return [
        reverse("teach-analysis", args=["kmods"]),
        reverse("teach-analysis", args=["kmods"]) + "?format=csv",
        reverse("teach-question-analysis", args=["kmods", question.pk]),
        reverse("teach-mastery", args=["kmods"]),
        reverse("teach-mastery", args=["kmods"]) + "?format=csv",
        reverse("teach-cohort-learner", args=["kmods", world.learner.pk]),
    ]


def test_the_analysis_pages_are_for_the_banks_instructors_only(world, member_instructor):
    for address in urls(world):
        assert client_for(world.instructor).get(address).status_code == HTTPStatus.OK
        assert client_for(member_instructor).get(address).status_code == HTTPStatus.OK
        for outsider in (world.learner, world.other_instructor):
            assert client_for(outsider).get(address).status_code == HTTPStatus.NOT_FOUND
        assert Client().get(address).status_code == HTTPStatus.FOUND


def test_a_learner_of_another_bank_or_a_question_of_another_bank_is_not_found(
    world, instructor_client
):
    other = reverse("teach-cohort-learner", args=["kmods", world.other_learner.pk])
    assert instructor_client.get(other).status_code == HTTPStatus.NOT_FOUND
    foreign = world.other_bank.questions.get()
    address = reverse("teach-question-analysis", args=["kmods", foreign.pk])
    assert instructor_client.get(address).status_code == HTTPStatus.NOT_FOUND


@pytest.fixture
def answered(world, now):
    """Twelve learners' first attempts: single choice q-single_choice is answered right by the
    learners who do well elsewhere; q-true_false the other way round (a wrong key)."""
    chooser = card_of(world.questions["single_choice"])
    statement = card_of(world.questions["true_false"])
    typed = card_of(world.questions["short_answer"])
    for index in range(12):
        learner = UserFactory(username=f"learner{index:02d}")
        services.enroll(learner=learner, bank=world.bank)
        strong = index < 6
        AttemptFactory(
            learner=learner,
            card=chooser,
            answer="a" if strong else "c",
            score=float(strong),
            attempted_at=now,
        )
        AttemptFactory(
            learner=learner,
            card=statement,
            answer=not strong,
            score=float(not strong),
            attempted_at=now,
        )
        AttemptFactory(
            learner=learner,
            card=typed,
            answer="answer" if strong else "<b>nope</b>",
            score=float(strong and index % 2 == 0),
            overridden=strong and index % 2 == 1,
            attempted_at=now,
        )
    return world


def test_the_bank_page_flags_the_questions_that_need_checking(answered, instructor_client):
    response = instructor_client.get(reverse("teach-analysis", args=["kmods"]))
    html = response.content.decode()
    assert "Very likely needs checking" in html
    rows = html.split("<tbody>")[1]
    # Sorted by discrimination, lowest first: the reversed key comes first.
    assert rows.index("q-true_false") < rows.index("q-single_choice")


def test_the_bank_page_sorts_by_any_column_and_filters_flagged(answered, instructor_client):
    address = reverse("teach-analysis", args=["kmods"])
    html = instructor_client.get(address + "?sort=discrimination&dir=desc").content.decode()
    rows = html.split("<tbody>")[1]
    assert rows.index("q-single_choice") < rows.index("q-true_false")
    assert 'aria-sort="descending"' in html
    flagged = instructor_client.get(address + "?flagged=1").content.decode()
    assert "q-true_false" in flagged and "q-flashcard" not in flagged
    # An unknown sort falls back to the default instead of failing.
    assert instructor_client.get(address + "?sort=nope").status_code == HTTPStatus.OK


def test_the_bank_csv_has_every_question_and_its_figures(answered, instructor_client):
    response = instructor_client.get(reverse("teach-analysis", args=["kmods"]) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "kmods-item-analysis.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_id = {row["external_id"]: row for row in rows}
    assert len(rows) == len(answered.questions)
    assert float(by_id["q-single_choice"]["facility"]) == 50.0
    assert float(by_id["q-true_false"]["discrimination"]) < 0
    assert "very_likely_needs_checking" in by_id["q-true_false"]["flags"]


def test_the_question_page_shows_options_overrides_and_reports(answered, instructor_client, now):
    question = answered.questions["short_answer"]
    QuestionReport.objects.create(
        question=question,
        bank=answered.bank,
        reporter=answered.learner,
        text="<script>alert(1)</script> the key is too strict",
        created_at=now,
    )
    page = instructor_client.get(reverse("teach-question-analysis", args=["kmods", question.pk]))
    html = page.content.decode()
    assert "“I was right” (3)" in html
    assert "&lt;b&gt;nope&lt;/b&gt;" in html  # a typed wrong answer, escaped
    assert "<script>alert(1)</script>" not in html
    assert "the key is too strict" in html
    choice = answered.questions["single_choice"]
    html = instructor_client.get(
        reverse("teach-question-analysis", args=["kmods", choice.pk])
    ).content.decode()
    options = html.split("Options chosen")[1]
    # The most chosen wrong option (c, six learners) first, the key last.
    assert options.index("option c") < options.index("option b") < options.index("option a")


def test_a_cloze_question_page_breaks_facility_down_by_blank(world, instructor_client, now):
    cloze = world.questions["cloze"]
    AttemptFactory(card=card_of(cloze, "c1"), score=1.0, attempted_at=now)
    AttemptFactory(card=card_of(cloze, "c2"), score=0.0, attempted_at=now)
    html = instructor_client.get(
        reverse("teach-question-analysis", args=["kmods", cloze.pk])
    ).content.decode()
    assert "Each blank" in html and "100.0%" in html and "0.0%" in html
    assert "modprobe" in html  # the revealed text


@pytest.fixture
def studied(world):
    """The learner has mastered one card of `commands` (of ten) and keeps missing another (a
    leech). The pages read the real clock."""
    now = timezone.now()
    known = card_of(world.questions["true_false"])
    CardState.objects.create(
        learner=world.learner,
        card=known,
        bank=world.bank,
        status=CardStatus.REVIEW,
        stability=30.0,
        difficulty=5.0,
        last_review=now - timedelta(days=1),
        due=now + timedelta(days=20),
        reps=3,
    )
    leech = card_of(world.questions["single_choice"])
    for _ in range(3):
        services.review_submit(learner=world.learner, card=leech, answer="b", rating=None, now=now)
    CardState.objects.filter(learner=world.learner, card=leech).update(
        is_leech=True, lapses=8, last_review=now - timedelta(days=5)
    )
    return world


def test_the_learner_page_shows_mastery_days_leeches_and_misses(studied, instructor_client):
    html = instructor_client.get(
        reverse("teach-cohort-learner", args=["kmods", studied.learner.pk])
    ).content.decode()
    assert "<h1>ada</h1>" in html
    assert "Questions missed most" in html and "q-single_choice" in html
    leeches = html.split("Leeches (1)")[1]
    assert "q-single_choice" in leeches
    assert "Mastery per topic" in html and "1 / 10" in html


def test_the_mastery_table_has_a_cell_per_learner_and_topic_and_sorts(studied, instructor_client):
    address = reverse("teach-mastery", args=["kmods"])
    html = instructor_client.get(address).content.decode()
    assert 'class="num heat m1"' in html  # ada: 1 of 10 cards of commands
    assert reverse("teach-cohort-learner", args=["kmods", studied.learner.pk]) in html
    sorted_html = instructor_client.get(address + "?sort=commands&dir=desc").content.decode()
    assert 'aria-sort="descending"' in sorted_html
    response = instructor_client.get(address + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["learner"] == "ada"
    assert float(rows[0]["commands"]) == pytest.approx(10.0)
    assert rows[0]["commands/modprobe"] == ""  # no card in that topic


def test_the_cohort_page_links_each_learner(world, instructor_client):
    html = instructor_client.get(reverse("teach-cohort", args=["kmods"])).content.decode()
    assert reverse("teach-cohort-learner", args=["kmods", world.learner.pk]) in html
    assert reverse("teach-mastery", args=["kmods"]) in html

"""Instructor writes outside imports: questions one by one, deletion or retirement, bulk
enrolment, reports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quizzes import services
from quizzes.importers.base import ParsedQuestion
from quizzes.models import Attempt, Bank, Card, CardState, Question, QuestionReport, Rating, Topic
from quizzes.services import authoring
from tests.factories import (
    BankFactory,
    EnrollmentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bank():
    bank = BankFactory()
    TopicFactory(bank=bank, slug="commands")
    return bank


def data(**changes):
    return {
        "external_id": "q1",
        "kind": "cloze",
        "prompt": "",
        "explanation": "Because.",
        "spec": {"text": "{{c1::modprobe}} reads {{c2::modules.dep}}."},
        "difficulty": 2,
        "source": "modprobe(8)",
        "tags": ["scenario"],
        "topics": ["commands"],
        **changes,
    }


def test_a_created_question_hashes_like_an_import_so_a_reimport_leaves_it_alone(bank, now):
    question = authoring.question_create(bank=bank, data=data(), now=now)
    parsed = ParsedQuestion(
        external_id="q1",
        kind="cloze",
        prompt="",
        explanation="Because.",
        spec=data()["spec"],
        difficulty=2,
        source="modprobe(8)",
        tags=("scenario",),
        topics=("commands",),
    )
    assert question.content_hash == parsed.content_hash()
    assert sorted(question.cards.values_list("deletion", flat=True)) == ["c1", "c2"]


def test_validation_names_every_bad_field_by_its_path(bank):
    with pytest.raises(ValidationError) as caught:
        authoring.question_validate(
            bank=bank,
            data=data(
                kind="matching",
                spec={"left": [], "right": [], "pairs": {"x": "y"}},
                topics=["commands", "nope"],
            ),
        )
    fields = caught.value.message_dict
    assert "spec.pairs" in fields and fields["topics"] == ["Unknown topics in this bank: nope."]


def test_an_update_changes_the_cards_of_a_cloze(bank, now):
    question = authoring.question_create(bank=bank, data=data(), now=now)
    authoring.question_update(
        question=question, changes={"spec": {"text": "{{c1::modprobe}} only."}}, now=now
    )
    live = Card.objects.filter(question=question, retired_at__isnull=True)
    assert list(live.values_list("deletion", flat=True)) == ["c1"]
    assert Question.objects.get(pk=question.pk).external_id == "q1"


def test_delete_removes_an_unreviewed_question_but_retires_a_reviewed_one(bank, now):
    learner = UserFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    kept = QuestionFactory(bank=bank, kind="true_false")
    gone = QuestionFactory(bank=bank, kind="true_false")
    services.card_suspend(learner=learner, card=gone.cards.get())  # a state, but no review
    services.review_submit(
        learner=learner, card=kept.cards.get(), answer=True, rating=None, now=now
    )
    assert authoring.question_delete(question=gone, now=now) is True
    assert authoring.question_delete(question=kept, now=now) is False
    assert not Question.objects.filter(pk=gone.pk).exists()
    assert Question.objects.get(pk=kept.pk).retired_at == now
    assert CardState.objects.get().retired is True


def test_a_question_with_a_checked_but_unrated_answer_is_retired_not_deleted(bank, now):
    # The check's attempt keeps the card (item analysis reads it): deleting failed with a 500.
    learner = UserFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    question = QuestionFactory(bank=bank, kind="true_false")
    services.answer_check(learner=learner, card=question.cards.get(), answer=True, now=now)
    assert authoring.question_delete(question=question, now=now) is False
    assert Question.objects.get(pk=question.pk).retired_at == now
    assert Attempt.objects.get().question == question


def test_a_bank_with_only_checked_answers_is_retired_not_deleted(bank, now):
    learner = UserFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    question = QuestionFactory(bank=bank, kind="true_false")
    services.answer_check(learner=learner, card=question.cards.get(), answer=True, now=now)
    assert authoring.bank_delete(bank=bank, now=now) is False
    assert Bank.objects.get(pk=bank.pk).retired_at == now
    assert Attempt.objects.filter(bank=bank).count() == 1


def test_deleting_an_unreviewed_bank_removes_everything_of_it(bank, now):
    learner = UserFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    question = QuestionFactory(bank=bank, kind="cloze", topics=[bank.topics.get()])
    authoring.report_create(reporter=learner, question=question, text="?", now=now)
    services.card_bury(learner=learner, card=question.cards.first(), now=now)
    assert authoring.bank_delete(bank=bank, now=now) is True
    assert not Bank.objects.exists() and not Topic.objects.exists()
    assert not QuestionReport.objects.exists() and not CardState.objects.exists()


def test_topics_follow_the_slug_convention(bank):
    with pytest.raises(ValidationError, match="commands/"):
        authoring.topic_create(bank=bank, slug="modprobe", title="m", parent="commands")
    with pytest.raises(ValidationError, match="already"):
        authoring.topic_create(bank=bank, slug="commands", title="again")
    child = authoring.topic_create(
        bank=bank, slug="commands/modprobe", title="m", parent="commands"
    )
    assert child.parent.slug == "commands"


def test_bulk_enrolment_reports_shared_email_addresses_as_ambiguous(bank):
    UserFactory(username="a", email="same@example.com")
    UserFactory(username="b", email="same@example.com")
    UserFactory(username="c", email="c@example.com", is_active=False)
    result = authoring.enroll_bulk(bank=bank, identifiers=["same@example.com", "a", "c", " "])
    assert (result.ambiguous, result.enrolled, result.not_found) == (
        ["same@example.com"],
        ["a"],
        ["c"],
    )


def test_a_report_is_resolved_once(bank, now):
    question = QuestionFactory(bank=bank, kind="true_false")
    report = authoring.report_create(reporter=UserFactory(), question=question, text=" x ", now=now)
    assert report.text == "x"
    authoring.report_resolve(report=report, user=bank.owner, now=now, resolution="ok")
    with pytest.raises(ValidationError, match="already resolved"):
        authoring.report_resolve(report=report, user=bank.owner, now=now)
    assert Rating.AGAIN  # the models module is importable alongside


def test_since_is_stored_changed_and_cleared_like_any_authored_field(bank, now):
    question = authoring.question_create(bank=bank, data=data(since="kmod 29"), now=now)
    assert question.since == "kmod 29"
    assert authoring.question_as_data(question)["since"] == "kmod 29"
    authoring.question_update(question=question, changes={"since": ""}, now=now)
    question.refresh_from_db()
    assert question.since == ""
    parsed = authoring.question_validate(bank=bank, data=data())
    assert question.content_hash == parsed.content_hash()  # "" hashes as "not stated"

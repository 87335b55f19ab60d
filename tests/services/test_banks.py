"""Importing a bank is an all-or-nothing upsert by external id that keeps learners' progress."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from quizzes import services
from quizzes.importers import native
from quizzes.models import Bank, Card, CardState, Enrollment, ImportRun, Question, ReviewLog
from tests.factories import UserFactory
from tests.importers.test_native import bank_doc, question

pytestmark = pytest.mark.django_db


def load(doc, now, user=None, **kw):
    return services.bank_import(parsed=native.parse(json.dumps(doc)), user=user, now=now, **kw)


@pytest.fixture
def doc():
    return bank_doc(
        [question("q1", "single_choice"), question("q2", "cloze"), question("q3", "true_false")]
    )


def test_first_load_creates_questions_cards_and_topics(doc, now):
    summary = load(doc, now)
    assert summary.counts() == {"created": 3, "updated": 0, "unchanged": 0, "retired": 0}
    bank = Bank.objects.get(slug="demo")
    assert bank.questions.count() == 3
    assert Card.objects.filter(bank=bank).count() == 4  # the cloze has two deletions
    assert bank.topics.get(slug="commands/modprobe").parent.slug == "commands"
    assert ImportRun.objects.get().created == 3


def test_a_second_identical_load_changes_nothing(doc, now):
    load(doc, now)
    summary = load(doc, now + timedelta(days=1))
    assert summary.counts() == {"created": 0, "updated": 0, "unchanged": 3, "retired": 0}
    assert Question.objects.count() == 3 and Card.objects.count() == 4


def test_a_changed_question_is_updated_in_place_keeping_progress(doc, now):
    load(doc, now)
    learner = UserFactory()
    bank = Bank.objects.get()
    services.enroll(learner=learner, bank=bank)
    card = Card.objects.get(question__external_id="q1")
    services.review_submit(learner=learner, card=card, answer="a", rating=None, now=now)
    changed = copy.deepcopy(doc)
    changed["questions"][0]["explanation"] = "Corrected explanation."
    summary = load(changed, now + timedelta(days=1))
    assert summary.updated == ["q1"] and summary.counts()["unchanged"] == 2
    question_row = Question.objects.get(external_id="q1")
    assert question_row.explanation == "Corrected explanation."
    assert Card.objects.get(question=question_row).pk == card.pk
    assert CardState.objects.get(learner=learner, card=card).reps == 1
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_questions_missing_from_the_file_are_retired_and_come_back(doc, now):
    load(doc, now)
    smaller = copy.deepcopy(doc)
    del smaller["questions"][2]
    assert load(smaller, now).retired == ["q3"]
    q3 = Question.objects.get(external_id="q3")
    assert q3.retired_at is not None and q3.cards.get().retired_at is not None
    assert load(doc, now).updated == ["q3"]
    assert Card.objects.get(question__external_id="q3").retired_at is None


def test_a_cloze_that_loses_a_deletion_retires_that_card(doc, now):
    load(doc, now)
    changed = copy.deepcopy(doc)
    changed["questions"][1]["spec"]["text"] = "Only {{c1::modprobe}} now."
    load(changed, now)
    cards = {c.deletion: c.retired_at for c in Card.objects.filter(question__external_id="q2")}
    assert cards["c1"] is None and cards["c2"] is not None


def test_dry_run_reports_and_changes_nothing_but_its_record(doc, now):
    summary = load(doc, now, dry_run=True)
    assert summary.counts()["created"] == 3
    assert not Bank.objects.exists() and not Question.objects.exists()
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.bank, run.bank_slug) == ("preview", 3, None, "demo")


def test_only_instructors_may_import_into_an_existing_bank(doc, now):
    owner, stranger = UserFactory(), UserFactory()
    owner.user_permissions.add(Permission.objects.get(codename="add_bank"))
    load(doc, now, user=owner)
    with pytest.raises(ValidationError, match="instructors"):
        load(doc, now, user=stranger)
    assert Bank.objects.get().owner == owner


def test_questions_and_banks_with_reviews_cannot_be_deleted(doc, now):
    load(doc, now)
    learner = UserFactory()
    bank = Bank.objects.get()
    services.enroll(learner=learner, bank=bank)
    card = Card.objects.get(question__external_id="q1")
    services.review_submit(learner=learner, card=card, answer="a", rating=None, now=now)
    with pytest.raises(ProtectedError):
        card.question.delete()
    with pytest.raises(ProtectedError):
        bank.delete()


def test_enrol_is_idempotent_and_takes_limits_from_the_profile(doc, now):
    load(doc, now)
    learner = UserFactory()
    from quizzes.models import LearnerProfile

    LearnerProfile.objects.create(user=learner, new_per_day=7, reviews_per_day=70)
    bank = Bank.objects.get()
    first = services.enroll(learner=learner, bank=bank)
    again = services.enroll(learner=learner, bank=bank)
    assert first.pk == again.pk and (first.new_per_day, first.reviews_per_day) == (7, 70)
    services.unenroll(learner=learner, bank=bank)
    assert not Enrollment.objects.exists()


def test_private_banks_need_an_instructor_to_enrol(doc, now):
    load(doc, now)
    bank = Bank.objects.get()
    bank.visibility = Bank.Visibility.PRIVATE
    bank.save()
    with pytest.raises(ValidationError, match="private"):
        services.enroll(learner=UserFactory(), bank=bank)
    assert services.enroll(learner=UserFactory(), bank=bank, by_instructor=True)

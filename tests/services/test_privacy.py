"""Deleting an account: nothing identifying the person remains; statistics are unchanged."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from knox.models import AuthToken

from quizzes import selectors, services, stats
from quizzes.models import Attempt, Enrollment, LearnerProfile, QuestionReport, ReviewLog
from quizzes.services import accounts, authoring, privacy
from tests.factories import BankFactory, EnrollmentFactory, QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "insmod /home/adalovelace/secret.ko"
OTHER_ANSWER = "insmod ./grace.ko"
REPORT = "Ada Lovelace here: option b is also right."
IDENTIFYING = ("adalovelace", "ada@lovelace.example", "Augusta", "Byron", SECRET_ANSWER, REPORT)


@pytest.fixture
def learner(now):
    user = UserFactory(username="adalovelace", email="ada@lovelace.example")
    user.first_name, user.last_name = "Augusta", "Byron"
    user.save()
    LearnerProfile.objects.create(user=user, timezone="Europe/London")
    return user


@pytest.fixture
def history(learner, now):
    """Reviews, a first attempt, a report, a token and a failed sign-in of the learner, and
    another learner's reviews in the same bank."""
    bank = BankFactory(slug="kmod")
    shell = QuestionFactory(bank=bank, kind="shell_command")
    choice = QuestionFactory(bank=bank, kind="single_choice")
    other = UserFactory(username="grace")
    LearnerProfile.objects.create(user=other)
    for user, typed in ((learner, SECRET_ANSWER), (other, OTHER_ANSWER)):
        EnrollmentFactory(learner=user, bank=bank)
        for n, (question, answer) in enumerate(((shell, typed), (choice, "a"))):
            services.review_submit(
                learner=user,
                card=card_of(question),
                answer=answer,
                rating=None,
                now=now + timedelta(minutes=n),
                idempotency_key=f"{user.username}-{n}",
            )
    # The typed answer's first attempt (review_submit wrote it), overridden ("I was right") and
    # with feedback that quotes it.
    Attempt.objects.filter(learner=learner, question=shell).update(
        overridden=True, feedback=f"You typed {SECRET_ANSWER}"
    )
    authoring.report_create(reporter=learner, question=choice, text=REPORT, now=now)
    accounts.api_token_create(user=learner, now=now, name="phone")
    AccessAttempt.objects.create(
        username="adalovelace", ip_address="192.0.2.1", user_agent="x", failures_since_start=1
    )
    return bank


def item_statistics(bank):
    """What instructors see: per question the reviews and right answers, and the cohort rows."""
    items = sorted(
        ReviewLog.objects.filter(bank=bank).values_list(
            "card__question_id", "rating", "correct", "score", "reviewed_at"
        )
    )
    cohort = [
        (r.reviews, r.correct, r.graded, r.cards_started, r.due_now, r.last_review_at)
        for r in stats.bank_cohort_progress(bank=bank, now=bank.created_at).order_by("pk")
    ]
    attempts = selectors.question_attempts(question_ids=bank.questions.values_list("pk", flat=True))
    counts = sorted(
        (pk, a.attempts, a.graded, a.correct, a.overridden) for pk, a in attempts.items()
    )
    return items, cohort, counts


def test_nothing_identifying_the_person_remains_anywhere(learner, history, now):
    privacy.account_delete(user=learner, now=now)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    for needle in IDENTIFYING:
        assert needle not in text, needle


def test_the_account_is_closed_under_a_random_pseudonym(learner, history, now):
    pseudonym = privacy.account_delete(user=learner, now=now)
    learner.refresh_from_db()
    assert learner.username == pseudonym and pseudonym.startswith(privacy.PSEUDONYM_PREFIX)
    assert (learner.email, learner.first_name, learner.last_name) == ("", "", "")
    assert not learner.is_active and not learner.has_usable_password()
    assert privacy.is_deleted(learner)
    assert not AuthToken.objects.filter(user=learner).exists()
    assert not AccessAttempt.objects.exists()
    assert pseudonym != privacy.account_delete(user=UserFactory(), now=now)


def test_item_and_cohort_statistics_are_unchanged(learner, history, now):
    before = item_statistics(history)
    privacy.account_delete(user=learner, now=now)
    assert item_statistics(history) == before
    assert Enrollment.objects.filter(learner=learner).exists()  # counted, anonymously


def test_answers_and_report_texts_are_gone_but_verdicts_stay(learner, history, now):
    verdicts = list(ReviewLog.objects.filter(learner=learner).values_list("correct", "rating"))
    privacy.account_delete(user=learner, now=now)
    logs = ReviewLog.objects.filter(learner=learner)
    assert list(logs.values_list("correct", "rating")) == verdicts
    assert set(logs.values_list("answer", flat=True)) == {None}
    attempts = Attempt.objects.filter(learner=learner)
    assert set(attempts.values_list("answer", flat=True)) == {None}
    assert set(attempts.values_list("feedback", flat=True)) == {""}
    assert QuestionReport.objects.get(reporter=learner).text == privacy.REPORT_TEXT_REMOVED
    other = ReviewLog.objects.filter(learner__username="grace")
    assert OTHER_ANSWER in set(other.values_list("answer", flat=True))  # others keep theirs


def test_instructors_no_longer_see_the_deleted_person_s_overridden_answers(learner, history, now):
    shell = Attempt.objects.get(learner=learner, overridden=True).question_id
    shown = selectors.question_attempts(question_ids=[shell])[shell]
    assert [a.answer for a in shown.answers] == [SECRET_ANSWER]
    privacy.account_delete(user=learner, now=now)
    after = selectors.question_attempts(question_ids=[shell])[shell]
    assert after.answers == [] and after.overridden == shown.overridden == 1


def test_a_wrong_password_deletes_nothing(learner):
    with pytest.raises(Exception) as caught:
        privacy.account_password_check(user=learner, password="nope")
    assert caught.value.message_dict == {"password": [privacy.WRONG_PASSWORD]}
    privacy.account_password_check(user=learner, password="pw-for-tests")  # no error

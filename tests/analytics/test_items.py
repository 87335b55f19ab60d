"""Item analysis of a bank from Attempt rows: first attempts only, in SQL, Moodle's figures."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from quizzes.analytics import Flag, bank_item_analysis
from quizzes.models import CardStatus, QuestionReport, Rating
from tests.analytics.test_moodle import moodle_calculator
from tests.factories import (
    AttemptFactory,
    BankFactory,
    QuestionFactory,
    UserFactory,
    card_of,
)

pytestmark = pytest.mark.django_db


def answer_matrix(bank, marks, *, now, kind="true_false"):
    """One question per column, one learner per row; each mark a first attempt's score."""
    questions = [QuestionFactory(bank=bank, kind=kind) for _ in marks[0]]
    learners = [UserFactory() for _ in marks]
    for learner, row in zip(learners, marks, strict=True):
        for question, mark in zip(questions, row, strict=True):
            if mark is not None:
                AttemptFactory(
                    learner=learner, card=card_of(question), score=mark, attempted_at=now
                )
    return questions, learners


def test_the_worked_example_of_docs_analytics(now):
    bank = BankFactory()
    marks = [[1, 1, 1], [1, 1, 0.5], [0, 1, 0], [1, 0, 0], [0, 0, 0]]
    questions, _ = answer_matrix(bank, marks, now=now)
    report = bank_item_analysis(bank=bank, now=now)
    q1 = report.get(questions[0].pk)
    assert report.learners == 5
    assert q1.attempts == 5
    assert q1.facility == pytest.approx(60.0)
    assert q1.sd == pytest.approx(54.77, abs=0.005)
    assert q1.discrimination == pytest.approx(40.82, abs=0.005)
    assert q1.efficiency == pytest.approx(44.44, abs=0.005)


@pytest.mark.parametrize("seed", range(3))
def test_sql_equals_moodles_calculator_on_complete_data(now, seed):
    rng = random.Random(seed)
    ability = [rng.gauss(0, 1.2) for _ in range(14)]
    difficulty = [rng.gauss(0, 1) for _ in range(5)]
    marks = [
        [float(rng.random() < 1 / (1 + 2.718 ** (d - a))) for d in difficulty] for a in ability
    ]
    bank = BankFactory()
    questions, _ = answer_matrix(bank, marks, now=now)
    report = bank_item_analysis(bank=bank, now=now)
    for index, question in enumerate(questions):
        got = report.get(question.pk)
        expected = moodle_calculator(marks, index)
        assert got.facility == pytest.approx(expected["facility"])
        assert got.sd == pytest.approx(expected["sd"])
        for name in ("discrimination", "efficiency"):
            if expected[name] is None:
                assert getattr(got, name) is None
            else:
                assert getattr(got, name) == pytest.approx(expected[name])


def test_only_the_earliest_attempt_of_a_learner_at_a_card_counts(now):
    bank = BankFactory()
    question = QuestionFactory(bank=bank, kind="single_choice")
    learner = UserFactory()
    card = card_of(question)
    AttemptFactory(learner=learner, card=card, score=1.0, attempted_at=now + timedelta(days=3))
    AttemptFactory(learner=learner, card=card, score=0.0, attempted_at=now, answer="b")
    AttemptFactory(learner=learner, card=card, score=1.0, attempted_at=now + timedelta(days=1))
    stats = bank_item_analysis(bank=bank, now=now).get(question.pk)
    assert stats.attempts == 1
    assert stats.facility == 0.0
    assert [(o.id, o.chosen) for o in stats.options if o.chosen] == [("b", 1)]


def test_a_cloze_question_scores_the_mean_of_its_blanks(now):
    bank = BankFactory()
    cloze = QuestionFactory(bank=bank, kind="cloze")
    learner, other = UserFactory(), UserFactory()
    AttemptFactory(learner=learner, card=card_of(cloze, "c1"), score=1.0, attempted_at=now)
    AttemptFactory(learner=learner, card=card_of(cloze, "c2"), score=0.0, attempted_at=now)
    AttemptFactory(learner=other, card=card_of(cloze, "c1"), score=1.0, attempted_at=now)
    stats = bank_item_analysis(bank=bank, now=now).get(cloze.pk)
    assert stats.attempts == 2  # learners, not cards
    assert stats.facility == pytest.approx(75.0)  # (0.5 + 1) / 2


def test_a_flashcard_scores_by_its_first_rating_once_rated(now):
    from quizzes import services

    bank = BankFactory()
    flashcard = QuestionFactory(bank=bank, kind="flashcard")
    card = card_of(flashcard)
    learners = [UserFactory() for _ in range(3)]
    for learner in learners:
        services.enroll(learner=learner, bank=bank)
    for learner, rating in zip(learners[:2], (Rating.AGAIN, Rating.GOOD), strict=True):
        services.review_submit(learner=learner, card=card, answer=None, rating=rating, now=now)
    # Shown and checked, never rated: no score yet.
    services.answer_check(learner=learners[2], card=card, answer=None, now=now)
    stats = bank_item_analysis(bank=bank, now=now).get(flashcard.pk)
    assert stats.attempts == 2
    assert stats.facility == pytest.approx(50.0)
    assert stats.options == [] and stats.wrong_answers == []


def test_choice_options_list_the_most_chosen_wrong_option_first(now):
    bank = BankFactory()
    question = QuestionFactory(bank=bank, kind="single_choice")  # "a" is right
    card = card_of(question)
    for answer in ["a", "a", "a", "c", "c", "b", "c"]:
        AttemptFactory(card=card, answer=answer, score=float(answer == "a"), attempted_at=now)
    options = bank_item_analysis(bank=bank, now=now).get(question.pk).options
    assert [(o.id, o.chosen, o.correct) for o in options] == [
        ("c", 3, False),
        ("b", 1, False),
        ("d", 0, False),
        ("a", 3, True),
    ]
    assert options[0].share == pytest.approx(100 * 3 / 7)


def test_multiple_choice_and_true_false_count_each_option(now):
    bank = BankFactory()
    multiple = QuestionFactory(bank=bank, kind="multiple_choice")  # a and c are right
    for answer in (["a", "c"], ["a", "b"], ["b"]):
        AttemptFactory(card=card_of(multiple), answer=answer, score=0.5, attempted_at=now)
    statement = QuestionFactory(bank=bank, kind="true_false")  # true is right
    for answer in (True, False, False):
        AttemptFactory(
            card=card_of(statement), answer=answer, score=float(answer), attempted_at=now
        )
    report = bank_item_analysis(bank=bank, now=now)
    chosen = {o.id: o.chosen for o in report.get(multiple.pk).options}
    assert chosen == {"a": 2, "b": 2, "c": 1, "d": 0}
    assert [(o.id, o.chosen) for o in report.get(statement.pk).options] == [
        ("false", 2),
        ("true", 1),
    ]


def test_typed_questions_list_their_most_common_wrong_answers(now):
    bank = BankFactory()
    question = QuestionFactory(bank=bank, kind="shell_command")
    card = card_of(question)
    given = [
        "rmmod  mod1",
        "RMMOD mod1",
        "rmmod mod1",
        "modprobe mod1",
        question.spec["accepted"][0],
    ]
    for answer in given:
        right = answer == question.spec["accepted"][0]
        AttemptFactory(card=card, answer=answer, score=float(right), attempted_at=now)
    wrong = bank_item_analysis(bank=bank, now=now).get(question.pk).wrong_answers
    assert [(a.text, a.count) for a in wrong] == [("RMMOD mod1", 3), ("modprobe mod1", 1)]


def test_lapse_rate_counts_reviews_of_cards_in_review_state(now):
    from quizzes.models import ReviewLog

    bank = BankFactory()
    question = QuestionFactory(bank=bank, kind="true_false")
    card = card_of(question)
    learner = UserFactory()

    def log(status, rating, undone=False):
        ReviewLog.objects.create(
            learner=learner,
            card=card,
            bank=bank,
            rating=rating,
            reviewed_at=now,
            status_before=status,
            state_before={},
            state_after={},
            due_after=now,
            undone_at=now if undone else None,
        )

    log(CardStatus.NEW, Rating.AGAIN)  # not in review: left out
    log(CardStatus.REVIEW, Rating.GOOD)
    log(CardStatus.REVIEW, Rating.GOOD)
    log(CardStatus.REVIEW, Rating.GOOD)
    log(CardStatus.REVIEW, Rating.AGAIN)
    log(CardStatus.REVIEW, Rating.AGAIN, undone=True)  # undone: left out
    stats = bank_item_analysis(bank=bank, now=now).get(question.pk)
    assert (stats.reviews_in_review, stats.lapses) == (4, 1)
    assert stats.lapse_rate == pytest.approx(25.0)


def test_answer_times_mean_and_median_leave_unknown_times_out(now):
    bank = BankFactory()
    question = QuestionFactory(bank=bank, kind="true_false")
    for elapsed in (2000, 4000, 12000, 0):
        AttemptFactory(card=card_of(question), elapsed_ms=elapsed, attempted_at=now)
    stats = bank_item_analysis(bank=bank, now=now).get(question.pk)
    assert stats.timed == 3
    assert stats.mean_time_s == pytest.approx(6.0)
    assert stats.median_time_s == pytest.approx(4.0)
    AttemptFactory(card=card_of(question), elapsed_ms=6000, attempted_at=now)
    assert bank_item_analysis(bank=bank, now=now).get(question.pk).median_time_s == 5.0


def test_overrides_and_open_reports_are_counted_per_question(now):
    bank = BankFactory()
    question = QuestionFactory(bank=bank, kind="short_answer")
    card = card_of(question)
    for answer in ("modules dep", "modules dep", "mod.dep"):
        AttemptFactory(card=card, answer=answer, score=0.0, overridden=True, attempted_at=now)
    learner = UserFactory()
    QuestionReport.objects.create(
        question=question, bank=bank, reporter=learner, text="x", created_at=now
    )
    stats = bank_item_analysis(bank=bank, now=now).get(question.pk)
    assert stats.overrides == 3
    assert [(a.answer, a.count) for a in stats.override_answers] == [
        ("modules dep", 2),
        ("mod.dep", 1),
    ]
    assert stats.open_reports == 1


def test_a_wrong_key_is_flagged(now):
    """The strong learners pick the truly right option, which the key marks wrong."""
    bank = BankFactory()
    rng = random.Random(7)
    ability = sorted(rng.gauss(0, 1) for _ in range(30))
    good = [[float(rng.random() < 1 / (1 + 2.718 ** (-a))) for _ in range(6)] for a in ability]
    marks = [row + [float(a < -0.3)] for row, a in zip(good, ability, strict=True)]
    questions, _ = answer_matrix(bank, marks, now=now)
    report = bank_item_analysis(bank=bank, now=now)
    flawed = report.get(questions[-1].pk)
    assert flawed.discrimination < 0
    assert Flag.VERY_LIKELY in flawed.flags and Flag.DUBIOUS in flawed.flags
    assert report.sorted("discrimination")[0].question_id == questions[-1].pk


def test_the_report_takes_the_same_queries_for_a_bigger_bank(now, django_assert_num_queries):
    bank = BankFactory()
    answer_matrix(bank, [[1, 0], [0, 1]], now=now)
    with django_assert_num_queries(7):
        bank_item_analysis(bank=bank, now=now)
    answer_matrix(bank, [[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 1, 0]], now=now, kind="single_choice")
    with django_assert_num_queries(7):
        report = bank_item_analysis(bank=bank, now=now)
    assert len(report.questions) == 6


def test_retired_questions_are_left_out_unless_asked_for(now):
    bank = BankFactory()
    kept = QuestionFactory(bank=bank)
    retired = QuestionFactory(bank=bank, retired_at=now)
    assert [q.question_id for q in bank_item_analysis(bank=bank, now=now).questions] == [kept.pk]
    every = bank_item_analysis(bank=bank, now=now, include_retired=True)
    assert {q.question_id for q in every.questions} == {kept.pk, retired.pk}
    assert bank_item_analysis(bank=bank, now=now, question_ids=[retired.pk]).get(retired.pk)

"""The simulated learners' hidden memory (FSRS-6 formulas) and the SM-2 reference."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sim_memory import DAY, DEFAULT_W, HiddenLearner, Sm2Card, Sm2Options, sm2_answer

from quizzes import scheduling


class Fixed(random.Random):
    """Draws that make the learner recall (0.0 < any probability) and pick Good."""

    def random(self) -> float:
        return 0.0

    def choices(self, population, weights=None, **kwargs):
        return [3]


def test_a_learner_with_the_default_parameters_forgets_as_fsrs_predicts():
    learner = HiddenLearner(DEFAULT_W, [0.0])
    learner.answer(0, 0.0, Fixed())
    assert learner.memory[0].stability == pytest.approx(DEFAULT_W[2])
    start = scheduling.Schedule(
        status=scheduling.REVIEW,
        stability=DEFAULT_W[2],
        difficulty=learner.memory[0].difficulty,
        due=datetime(2026, 1, 1, tzinfo=UTC),
        last_review=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for days in (1, 3, 10):
        at = days * DAY
        expected = scheduling.retrievability(
            start,
            now=start.last_review + timedelta(days=days),
            config=scheduling.Config(elapsed=scheduling.HOURS_24),
        )
        assert learner.recall_probability(0, at) == pytest.approx(expected)
    # R(S) = 0.9 by definition of stability
    assert learner.recall_probability(0, DEFAULT_W[2] * DAY) == pytest.approx(0.9)


def test_a_recalled_review_grows_stability_as_fsrs_does():
    learner = HiddenLearner(DEFAULT_W, [0.0])
    learner.answer(0, 0.0, Fixed())
    before = learner.memory[0]
    config = scheduling.Config(enable_fuzzing=False, elapsed=scheduling.HOURS_24)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    schedule = scheduling.Schedule(
        status=scheduling.REVIEW,
        stability=before.stability,
        difficulty=before.difficulty,
        due=moment,
        last_review=moment,
        reps=1,
    )
    learner.answer(0, 3 * DAY, Fixed())
    by_fsrs = scheduling.review(
        schedule,
        3,
        now=moment + timedelta(days=3),
        config=config,
        card_id=1,
        learner_id=1,
    )
    assert learner.memory[0].stability == pytest.approx(by_fsrs.stability, rel=1e-6)
    assert learner.memory[0].difficulty == pytest.approx(by_fsrs.difficulty, rel=1e-6)


def test_knowledge_sums_recall_over_cards_seen():
    learner = HiddenLearner(DEFAULT_W, [0.0, 0.0, 0.0])
    assert learner.knowledge(0.0) == 0
    learner.answer(0, 0.0, Fixed())
    learner.answer(1, 0.0, Fixed())
    assert learner.knowledge(0.0) == pytest.approx(2.0)
    assert learner.knowledge(5 * DAY) < 2 * 0.9


OPTIONS = Sm2Options()


def test_sm2_graduates_after_the_learning_steps():
    card = sm2_answer(Sm2Card(), 3, at=0, today=0, options=OPTIONS)
    assert (card.status, card.step, card.due_at) == ("learning", 1, 600)
    card = sm2_answer(card, 3, at=600, today=0, options=OPTIONS)
    assert (card.status, card.interval, card.due_day) == ("review", 1, 1)
    easy = sm2_answer(Sm2Card(), 4, at=0, today=0, options=OPTIONS)
    assert (easy.status, easy.interval) == ("review", 4)


def test_sm2_reviews_multiply_by_ease_and_lapses_cost_ease():
    card = Sm2Card(status="review", ease=2.5, interval=10, due_day=10)
    good = sm2_answer(card, 3, at=0, today=10, options=OPTIONS)
    assert (good.interval, good.ease) == (25, 2.5)
    late = sm2_answer(card, 3, at=0, today=14, options=OPTIONS)  # 4 days overdue: +2 days
    assert late.interval == 30
    hard = sm2_answer(card, 2, at=0, today=10, options=OPTIONS)
    assert (hard.interval, hard.ease) == (12, 2.35)
    easy = sm2_answer(card, 4, at=0, today=10, options=OPTIONS)
    assert (easy.interval, easy.ease) == (round(10 * 2.5 * 1.3), 2.65)
    lapse = sm2_answer(card, 1, at=0, today=10, options=OPTIONS)
    assert (lapse.status, lapse.ease) == ("relearning", 2.3)
    back = sm2_answer(lapse, 3, at=600, today=10, options=OPTIONS)
    assert (back.status, back.interval) == ("review", 1)


def test_sm2_suspends_leeches_as_anki_does_only_when_the_threshold_is_on():
    anki = Sm2Options(leech_threshold=8)
    lapsed = []
    for options in (anki, OPTIONS):
        card, suspended_at = Sm2Card(status="review", interval=5, due_day=5), []
        for lapse in range(1, 17):
            card = sm2_answer(card, 1, at=0, today=5, options=options)
            assert card.lapses == lapse
            if card.suspended:
                suspended_at.append(lapse)
                card = replace(card, suspended=False)  # the learner unsuspends it
            card = replace(card, status="review")
        lapsed.append(suspended_at)
    assert lapsed == [[8, 12, 16], []]  # at the threshold and every half-threshold after it


def test_sm2_interval_modifier_scales_review_intervals():
    card = Sm2Card(status="review", ease=2.5, interval=10, due_day=10)
    longer = sm2_answer(card, 3, at=0, today=10, options=Sm2Options(interval_modifier=1.5))
    assert longer.interval == 38


class Draws(random.Random):
    """Draws that make the learner recall and give `rating`."""

    def __init__(self, rating: int) -> None:
        super().__init__(0)
        self.rating = rating

    def random(self) -> float:
        return 0.0

    def choices(self, population, weights=None, **kwargs):
        return [self.rating]


def _review_state(learner: HiddenLearner, moment: datetime) -> scheduling.Schedule:
    mem = learner.memory[0]
    return scheduling.Schedule(
        status=scheduling.REVIEW,
        stability=mem.stability,
        difficulty=mem.difficulty,
        due=moment,
        last_review=moment,
        reps=1,
    )


def test_the_next_days_session_a_little_under_24_hours_later_is_a_next_day_review():
    # FSRS-6's same-day rule is about days (delta_t = 0), not about 24 hours: the card answered
    # 30 s into yesterday's 09:00 session comes back at 09:00:10 today.
    learner = HiddenLearner(DEFAULT_W, [0.0], zone="Europe/Berlin", day_start_hour=4)
    first = datetime(2026, 3, 2, 8, 0, 30, tzinfo=UTC)  # 09:00:30 in Berlin
    learner.answer(0, first.timestamp(), Draws(1))
    schedule = _review_state(learner, first)
    then = first + timedelta(hours=23, minutes=59, seconds=40)
    learner.answer(0, then.timestamp(), Draws(3))
    config = scheduling.Config(enable_fuzzing=False, tz_name="Europe/Berlin")
    by_fsrs = scheduling.review(schedule, 3, now=then, config=config, card_id=1, learner_id=1)
    assert learner.memory[0].stability > 2 * schedule.stability  # not the short-term rule
    assert learner.memory[0].stability == pytest.approx(by_fsrs.stability, rel=1e-3)


def test_reviews_on_the_same_learner_day_follow_fsrs_short_term_rule():
    for rating in (1, 2, 3, 4):
        learner = HiddenLearner(DEFAULT_W, [0.0], zone="UTC", day_start_hour=4)
        first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        learner.answer(0, first.timestamp(), Draws(3))
        schedule = _review_state(learner, first)
        then = first + timedelta(minutes=10)
        learner.answer(0, then.timestamp(), Draws(rating))
        by_fsrs = scheduling.review(
            schedule, rating, now=then, config=scheduling.Config(), card_id=1, learner_id=1
        )
        assert learner.memory[0].stability == pytest.approx(by_fsrs.stability, rel=1e-9)
        if rating > 1:  # a pass on the same day never lowers stability (Hard included)
            assert learner.memory[0].stability >= schedule.stability

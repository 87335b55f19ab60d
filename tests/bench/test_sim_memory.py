"""The simulated learners' hidden memory (FSRS-6 formulas) and the SM-2 reference."""

from __future__ import annotations

import random
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


def test_sm2_interval_modifier_scales_review_intervals():
    card = Sm2Card(status="review", ease=2.5, interval=10, due_day=10)
    longer = sm2_answer(card, 3, at=0, today=10, options=Sm2Options(interval_modifier=1.5))
    assert longer.interval == 38

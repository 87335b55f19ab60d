"""The optimiser's items (as Anki builds them) and the rule that keeps fitted parameters."""

from __future__ import annotations

from datetime import date

import pytest

from quizzes import optimiser
from quizzes.optimiser import HistoryReview, Item
from tests.history import as_history, synthetic_reviews


def review(card, order, day, rating=3, was_new=False):
    return HistoryReview(card, order, date(2026, 1, day), rating, was_new)


def test_items_count_elapsed_time_in_learner_days_and_skip_same_day_reviews():
    history = [
        review(1, 0, 1, 1, was_new=True),
        review(1, 1, 1, 3),  # same day: part of the history, not an item of its own
        review(1, 2, 3, 3),
        review(1, 3, 10, 1),
    ]
    assert optimiser.items_from_history(history) == [
        Item(order=2, reviews=((1, 0), (3, 0), (3, 2))),
        Item(order=3, reviews=((1, 0), (3, 0), (3, 2), (1, 7))),
    ]


def test_a_reset_card_counts_only_from_its_reset_as_in_anki():
    history = [
        review(1, 0, 1, 3, was_new=True),
        review(1, 1, 4, 3),
        review(1, 2, 6, 4, was_new=True),  # reset before this review: new again
        review(1, 3, 9, 3),
    ]
    assert optimiser.items_from_history(history) == [Item(order=3, reviews=((4, 0), (3, 3)))]


def test_a_card_whose_first_review_is_missing_is_left_out():
    assert optimiser.items_from_history([review(1, 0, 1), review(1, 1, 5)]) == []


def test_items_are_ordered_by_their_last_review_across_cards():
    history = [
        review(2, 0, 1, was_new=True),
        review(1, 1, 1, was_new=True),
        review(1, 2, 2),
        review(2, 3, 3),
        review(1, 4, 4),
    ]
    assert [item.order for item in optimiser.items_from_history(history)] == [2, 3, 4]


def test_too_few_reviews_fit_nothing():
    outcome = optimiser.fit_and_compare(
        [review(1, 0, 1, was_new=True)], current=(), reviews=1, min_reviews=400
    )
    assert not outcome.kept
    assert outcome.parameters == ()
    assert outcome.message == "1 reviews; at least 400 are needed."


def test_parameters_fitted_to_a_memory_unlike_the_defaults_are_kept():
    history = as_history(synthetic_reviews(cards=300, days=120))
    outcome = optimiser.fit_and_compare(history, current=(), reviews=len(history), min_reviews=400)
    assert outcome.kept
    assert outcome.after.log_loss < outcome.before.log_loss
    assert outcome.after.rmse < outcome.before.rmse
    assert len(outcome.parameters) == len(optimiser.DEFAULT_PARAMETERS)
    assert outcome.train_items > 4 * outcome.test_items - 4


def test_parameters_no_better_than_the_current_ones_are_not_kept():
    history = as_history(synthetic_reviews(cards=300, days=120))
    first = optimiser.fit_and_compare(history, current=(), reviews=len(history), min_reviews=400)
    again = optimiser.fit_and_compare(
        history, current=first.parameters, reviews=len(history), min_reviews=400
    )
    assert not again.kept  # the same fit: equal, not better
    assert again.after.log_loss == pytest.approx(again.before.log_loss)
    assert again.after.rmse == pytest.approx(again.before.rmse)
    assert "not kept" in again.message


def test_too_few_later_reviews_to_test_on_keep_the_parameters():
    history = as_history(synthetic_reviews(cards=20, days=12, new_per_day=10))
    outcome = optimiser.fit_and_compare(
        history, current=(), reviews=len(history), min_reviews=10, min_test_items=50
    )
    assert not outcome.kept
    assert "later reviews to test on; at least 50 are needed" in outcome.message


def test_checked_refuses_a_set_of_the_wrong_length():
    with pytest.raises(ValueError, match="invalid FSRS parameters"):
        optimiser.checked([1.0, 2.0])

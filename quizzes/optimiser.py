"""Fitting FSRS parameters to a learner's review history (fsrs-rs, through its Python binding).

Pure: plain values in, plain values out, no ORM. Only quizzes.scheduling imports this module (it
is the one home of the scheduler); the services reach it through scheduling.

A learner's history is turned into the optimiser's items as Anki does it
(rslib/src/scheduler/fsrs/params.rs): per card, the reviews since the card was last new (a reset
starts it over); the time between two reviews is counted in the learner's days (today minus the
day of the previous review, the day starting at their day start); each review after the first
that comes on a later day is one item, holding the card's reviews up to it. Items are ordered
by the time of their last review, so a held-out set of the latest items is the learner's later
reviews.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import fsrs_rs_python as rs

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(rs.DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class HistoryReview:
    """One review as the optimiser needs it: which card, when (an ordering key and the learner
    day), the rating, and whether the card was new before it (a first review or after a reset)."""

    card_id: int
    order: int
    day: date
    rating: int
    was_new: bool


@dataclass(frozen=True)
class Item:
    order: int  # the ordering key of the item's last review
    reviews: tuple[tuple[int, int], ...]  # (rating, days since the previous review)


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse: float


def items_from_history(history: Iterable[HistoryReview]) -> list[Item]:
    """The optimiser's items from a learner's reviews (any order), ordered by last review."""
    by_card: dict[int, list[HistoryReview]] = {}
    for review in history:
        by_card.setdefault(review.card_id, []).append(review)
    items: list[Item] = []
    for reviews in by_card.values():
        reviews.sort(key=lambda r: r.order)
        starts = [i for i, r in enumerate(reviews) if r.was_new]
        if not starts:
            continue  # no first review in the log (history before it is missing): as Anki
        run = reviews[starts[-1] :]
        steps: list[tuple[int, int]] = []
        previous: date | None = None
        for review in run:
            delta = 0 if previous is None else (review.day - previous).days
            previous = review.day
            steps.append((review.rating, delta))
            if len(steps) > 1 and delta > 0:
                items.append(Item(order=review.order, reviews=tuple(steps)))
    items.sort(key=lambda item: item.order)
    return items


def _native(items: Sequence[Item]) -> list[rs.FSRSItem]:
    return [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in item.reviews]) for item in items]


def fit(items: Sequence[Item]) -> tuple[float, ...]:
    """FSRS-6 parameters fitted to the items (starting from the defaults, short-term on)."""
    model = rs.FSRS(list(DEFAULT_PARAMETERS))
    return tuple(float(w) for w in model.compute_parameters(_native(items)))


def evaluate(parameters: Sequence[float], items: Sequence[Item]) -> Evaluation:
    """Log loss and RMSE (binned, as Anki shows it) of the parameters' predictions on the items."""
    result = rs.FSRS(list(parameters) or list(DEFAULT_PARAMETERS)).evaluate(_native(items))
    return Evaluation(log_loss=float(result.log_loss), rmse=float(result.rmse_bins))


def checked(parameters: Sequence[float]) -> tuple[float, ...]:
    """The parameters as fsrs-rs would use them (older, shorter sets filled in); raises
    ValueError when they are not a valid set."""
    try:
        return tuple(float(w) for w in rs.check_and_fill_parameters(list(parameters)))
    except Exception as exc:  # the binding raises its own error type
        raise ValueError(f"invalid FSRS parameters: {exc}") from exc


@dataclass(frozen=True)
class FitOutcome:
    """What one optimisation found: the fitted parameters, how they and the current ones did on
    the held-out items, and whether the fitted ones should replace the current ones (and why)."""

    parameters: tuple[float, ...]
    train_items: int
    test_items: int
    before: Evaluation | None
    after: Evaluation | None
    kept: bool
    message: str


def fit_and_compare(
    history: Iterable[HistoryReview],
    *,
    current: Sequence[float],
    reviews: int,
    min_reviews: int,
    holdout_share: float = 0.2,
    min_test_items: int = 50,
) -> FitOutcome:
    """Fit parameters on the learner's earlier items and compare them with the current ones on
    the later, held-out items. They are kept only with at least `min_reviews` reviews, at least
    `min_test_items` held-out items, and a lower log loss *and* a lower RMSE than the current
    parameters there."""
    current = tuple(current) or DEFAULT_PARAMETERS
    if reviews < min_reviews:
        return FitOutcome(
            (), 0, 0, None, None, False, f"{reviews} reviews; at least {min_reviews} are needed."
        )
    items = items_from_history(history)
    cut = int(len(items) * (1 - holdout_share))
    train, test = items[:cut], items[cut:]
    if len(test) < min_test_items:
        return FitOutcome(
            (),
            len(train),
            len(test),
            None,
            None,
            False,
            f"{len(test)} later reviews to test on; at least {min_test_items} are needed.",
        )
    try:
        fitted = fit(train)
    except Exception as exc:  # fsrs-rs refuses data it cannot fit (e.g. no long-term review)
        return FitOutcome((), len(train), len(test), None, None, False, f"Not fitted: {exc}.")
    before, after = evaluate(current, test), evaluate(fitted, test)
    kept = after.log_loss < before.log_loss and after.rmse < before.rmse
    verdict = (
        "kept: they predict your later reviews better"
        if kept
        else "not kept: they do not predict your later reviews better on both measures"
    )
    return FitOutcome(
        fitted,
        len(train),
        len(test),
        before,
        after,
        kept,
        f"Fitted on {len(train)} items, tested on {len(test)} later ones; {verdict}.",
    )

"""Moodle's question statistics, from the sums the database computes (docs/analytics.md).

Moodle's quiz statistics report (question/classes/statistics/questions/calculator.php, and the
quiz_statistics table that shows it) defines, for each question, over the analysed attempts:

- facility index: the mean mark as a fraction of the maximum mark;
- standard deviation: the sample standard deviation (n - 1) of those fractions;
- discrimination index: 100 x the product-moment correlation between the mark on the question and
  the mark on the rest of the test (the attempt's total minus this question's mark);
- discriminative efficiency: 100 x that covariance divided by the largest covariance the two sets
  of marks could have, the covariance of both lists sorted in the same order.

Here every mark is already a fraction (a score in [0, 1]). The database returns plain sums
(`ItemSums`); these functions turn them into the figures, so the formulas live in one place and
tests can check them against a direct port of Moodle's loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

# Thresholds, as Moodle's question bank "Needs checking?" column and quiz statistics report use
# them (qbank_statistics\helper: 30 and 50; quiz_statistics_table::is_dubious_question: 15).
NEEDS_CHECKING_VERY_LIKELY_BELOW = 30.0
NEEDS_CHECKING_LIKELY_BELOW = 50.0
DUBIOUS_EFFICIENCY_BELOW = 15.0
TOO_EASY_ABOVE = 95.0
TOO_HARD_BELOW = 5.0
# Moodle computes the figures from two attempts on; below ten they are noise, so kmodquiz shows
# them but raises no flag until a question has this many first attempts.
FLAG_MIN_ATTEMPTS = 10


class Flag(StrEnum):
    VERY_LIKELY = "very_likely_needs_checking"
    LIKELY = "likely_needs_checking"
    DUBIOUS = "dubious"
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    Flag.VERY_LIKELY: "Very likely needs checking",
    Flag.LIKELY: "Likely needs checking",
    Flag.DUBIOUS: "Dubious",
    Flag.TOO_EASY: "Too easy",
    Flag.TOO_HARD: "Too hard",
}


@dataclass(frozen=True)
class ItemSums:
    """What the database adds up for one question.

    Over every first attempt: n, Σx, Σx². Over the pairs (x, y) of learners who also answered
    another question of the bank (y: the rest of their first-attempt scores): m, Σx, Σx², Σy,
    Σy², Σxy, and Σ x₍ₖ₎y₍ₖ₎ with both lists sorted ascending and paired by rank.
    """

    n: int = 0
    sum_x: float = 0.0
    sum_xx: float = 0.0
    m: int = 0
    pair_x: float = 0.0
    pair_xx: float = 0.0
    pair_y: float = 0.0
    pair_yy: float = 0.0
    pair_xy: float = 0.0
    sorted_xy: float = 0.0


def _centred(sum_ab: float, sum_a: float, sum_b: float, count: int) -> float:
    """Σ(a - ā)(b - b̄) from plain sums (never below zero for a variance's own rounding)."""
    return sum_ab - sum_a * sum_b / count


def facility(sums: ItemSums) -> float | None:
    """Mean score, %."""
    return 100 * sums.sum_x / sums.n if sums.n else None


def standard_deviation(sums: ItemSums) -> float | None:
    """Sample standard deviation of the scores, % of the maximum score (Moodle's col_sd)."""
    if sums.n < 2:
        return None
    variance = max(0.0, _centred(sums.sum_xx, sums.sum_x, sums.sum_x, sums.n)) / (sums.n - 1)
    return 100 * math.sqrt(variance)


def _pair_moments(sums: ItemSums) -> tuple[float, float, float, float] | None:
    if sums.m < 2:
        return None
    m = sums.m
    var_x = max(0.0, _centred(sums.pair_xx, sums.pair_x, sums.pair_x, m)) / (m - 1)
    var_y = max(0.0, _centred(sums.pair_yy, sums.pair_y, sums.pair_y, m)) / (m - 1)
    cov = _centred(sums.pair_xy, sums.pair_x, sums.pair_y, m) / (m - 1)
    cov_max = _centred(sums.sorted_xy, sums.pair_x, sums.pair_y, m) / (m - 1)
    return var_x, var_y, cov, cov_max


# Below this a variance is rounding noise from the sums, not spread in the marks.
_EPSILON = 1e-12


def discrimination_index(sums: ItemSums) -> float | None:
    """100 x cov(x, y) / sqrt(var x · var y); None when either does not vary."""
    moments = _pair_moments(sums)
    if moments is None:
        return None
    var_x, var_y, cov, _ = moments
    if var_x * var_y <= _EPSILON:
        return None
    return _clamp(100 * cov / math.sqrt(var_x * var_y))


def discriminative_efficiency(sums: ItemSums) -> float | None:
    """100 x cov(x, y) / cov(sorted x, sorted y); None when the latter is zero."""
    moments = _pair_moments(sums)
    if moments is None:
        return None
    _, _, cov, cov_max = moments
    if cov_max <= _EPSILON:
        return None
    return _clamp(100 * cov / cov_max)


def _clamp(percent: float) -> float:
    # The sums are floats: a perfect correlation can come out as 100.00000000001.
    return max(-100.0, min(100.0, percent))


def flags(
    *,
    attempts: int,
    facility: float | None,
    discrimination: float | None,
    efficiency: float | None,
) -> tuple[Flag, ...]:
    """Moodle's warnings for one question (none until FLAG_MIN_ATTEMPTS first attempts)."""
    if attempts < FLAG_MIN_ATTEMPTS:
        return ()
    found: list[Flag] = []
    if discrimination is not None:
        if discrimination < NEEDS_CHECKING_VERY_LIKELY_BELOW:
            found.append(Flag.VERY_LIKELY)
        elif discrimination < NEEDS_CHECKING_LIKELY_BELOW:
            found.append(Flag.LIKELY)
    if efficiency is not None and efficiency < DUBIOUS_EFFICIENCY_BELOW:
        found.append(Flag.DUBIOUS)
    if facility is not None:
        if facility > TOO_EASY_ABOVE:
            found.append(Flag.TOO_EASY)
        elif facility < TOO_HARD_BELOW:
            found.append(Flag.TOO_HARD)
    return tuple(found)

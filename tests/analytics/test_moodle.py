"""Moodle's formulas from sums, checked against a direct port of Moodle's calculator loop."""

from __future__ import annotations

import math
import random

import pytest

from quizzes.analytics import moodle
from quizzes.analytics.moodle import Flag, ItemSums


def moodle_calculator(marks: list[list[float]], item: int) -> dict[str, float | None]:
    """question/classes/statistics/questions/calculator.php, ported line by line for one slot:
    every attempt holds every question; the rest of the test is the attempt's total minus this
    question's mark; sample (s - 1) denominators; covariance max from both lists sorted."""
    s = len(marks)
    mark = [row[item] for row in marks]
    other = [sum(row) - row[item] for row in marks]
    markaverage = sum(mark) / s
    othermarkaverage = sum(other) / s
    sorted_mark, sorted_other = sorted(mark), sorted(other)
    markvariancesum = othermarkvariancesum = covariancesum = covariancemaxsum = 0.0
    for k in range(s):
        markdifference = mark[k] - markaverage
        othermarkdifference = other[k] - othermarkaverage
        markvariancesum += markdifference**2
        othermarkvariancesum += othermarkdifference**2
        covariancesum += markdifference * othermarkdifference
        covariancemaxsum += (sorted_mark[k] - markaverage) * (sorted_other[k] - othermarkaverage)
    markvariance = markvariancesum / (s - 1)
    othermarkvariance = othermarkvariancesum / (s - 1)
    covariance = covariancesum / (s - 1)
    covariancemax = covariancemaxsum / (s - 1)
    return {
        "facility": 100 * markaverage,
        "sd": 100 * math.sqrt(markvariancesum / (s - 1)),
        "discrimination": 100 * covariance / math.sqrt(markvariance * othermarkvariance)
        if markvariance * othermarkvariance
        else None,
        "efficiency": 100 * covariance / covariancemax if covariancemax else None,
    }


def sums_with_rest_mean(marks: list[list[float]], item: int) -> ItemSums:
    """The sums the database returns: the rest as the mean of the other questions' scores."""
    xs = [row[item] for row in marks]
    ys = [(sum(row) - row[item]) / (len(row) - 1) for row in marks]
    return ItemSums(
        n=len(xs),
        sum_x=sum(xs),
        sum_xx=sum(x * x for x in xs),
        m=len(xs),
        pair_x=sum(xs),
        pair_xx=sum(x * x for x in xs),
        pair_y=sum(ys),
        pair_yy=sum(y * y for y in ys),
        pair_xy=sum(x * y for x, y in zip(xs, ys, strict=True)),
        sorted_xy=sum(x * y for x, y in zip(sorted(xs), sorted(ys), strict=True)),
    )


@pytest.mark.parametrize("seed", range(8))
def test_formulas_on_complete_data_equal_moodles_calculator(seed):
    rng = random.Random(seed)
    learners, questions = rng.randint(5, 40), rng.randint(3, 12)
    ability = [rng.gauss(0, 1) for _ in range(learners)]
    marks = [
        [
            rng.choice([0.0, 0.5, 1.0])
            if q % 3 == 0
            else float(rng.random() < 1 / (1 + math.exp(-a)))
            for q in range(questions)
        ]
        for a in ability
    ]
    for item in range(questions):
        expected = moodle_calculator(marks, item)
        sums = sums_with_rest_mean(marks, item)
        assert moodle.facility(sums) == pytest.approx(expected["facility"])
        assert moodle.standard_deviation(sums) == pytest.approx(expected["sd"])
        for name, got in (
            ("discrimination", moodle.discrimination_index(sums)),
            ("efficiency", moodle.discriminative_efficiency(sums)),
        ):
            if expected[name] is None:
                assert got is None
            else:
                assert got == pytest.approx(expected[name])


def test_the_worked_example_of_docs_analytics():
    # docs/analytics.md, "A worked example": question Q1 of five learners A–E.
    marks = [[1, 1, 1], [1, 1, 0.5], [0, 1, 0], [1, 0, 0], [0, 0, 0]]
    sums = sums_with_rest_mean(marks, 0)
    assert moodle.facility(sums) == pytest.approx(60.0)
    assert moodle.standard_deviation(sums) == pytest.approx(54.77, abs=0.005)
    assert moodle.discrimination_index(sums) == pytest.approx(40.82, abs=0.005)
    assert moodle.discriminative_efficiency(sums) == pytest.approx(44.44, abs=0.005)


def test_figures_are_undefined_without_spread_or_data():
    assert moodle.facility(ItemSums()) is None
    assert moodle.standard_deviation(ItemSums(n=1, sum_x=1, sum_xx=1)) is None
    everyone_right = sums_with_rest_mean([[1, 1], [1, 0], [1, 1]], 0)
    assert moodle.standard_deviation(everyone_right) == 0
    assert moodle.discrimination_index(everyone_right) is None
    assert moodle.discriminative_efficiency(everyone_right) is None


def test_an_item_the_weak_get_right_and_the_strong_get_wrong_is_negative():
    marks = [[0, 1, 1, 1], [0, 1, 1, 0], [1, 0, 1, 0], [1, 0, 0, 0]]
    sums = sums_with_rest_mean(marks, 0)
    assert moodle.discrimination_index(sums) < 0
    assert moodle.discriminative_efficiency(sums) < 0


@pytest.mark.parametrize(
    ("attempts", "facility", "discrimination", "efficiency", "expected"),
    [
        (40, 60.0, 29.9, 40.0, (Flag.VERY_LIKELY,)),
        (40, 60.0, 30.0, 40.0, (Flag.LIKELY,)),
        (40, 60.0, 49.9, 40.0, (Flag.LIKELY,)),
        (40, 60.0, 50.0, 40.0, ()),
        (40, 60.0, 60.0, 14.9, (Flag.DUBIOUS,)),
        (40, 60.0, 60.0, 15.0, ()),
        (40, 95.1, None, None, (Flag.TOO_EASY,)),
        (40, 95.0, None, None, ()),
        (40, 4.9, None, None, (Flag.TOO_HARD,)),
        (40, 5.0, None, None, ()),
        (40, 2.0, -20.0, -30.0, (Flag.VERY_LIKELY, Flag.DUBIOUS, Flag.TOO_HARD)),
        (moodle.FLAG_MIN_ATTEMPTS - 1, 2.0, -20.0, -30.0, ()),
        (moodle.FLAG_MIN_ATTEMPTS, 2.0, None, None, (Flag.TOO_HARD,)),
    ],
)
def test_flags_use_moodles_thresholds(attempts, facility, discrimination, efficiency, expected):
    got = moodle.flags(
        attempts=attempts, facility=facility, discrimination=discrimination, efficiency=efficiency
    )
    assert got == expected


def test_every_flag_has_a_label():
    assert Flag.VERY_LIKELY.label == "Very likely needs checking"
    assert {flag.label for flag in Flag} == set(moodle.FLAG_LABELS.values())

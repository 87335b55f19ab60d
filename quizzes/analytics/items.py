"""Item analysis of a bank: Moodle's question statistics from each learner's first attempts,
with the lapse rate of the question's cards, answer times, the answers given and the "I was
right" overrides. Aggregated in SQL, a fixed number of queries whatever the bank's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q

from quizzes.analytics import firsts, moodle, responses
from quizzes.models import (
    Attempt,
    Bank,
    Card,
    CardStatus,
    Question,
    QuestionReport,
    Rating,
    ReviewLog,
)

# What the bank page can sort by (the columns of QuestionStats.to_json that are figures).
SORT_KEYS = (
    "external_id",
    "kind",
    "attempts",
    "facility",
    "sd",
    "discrimination",
    "efficiency",
    "lapse_rate",
    "mean_time_s",
    "median_time_s",
    "overrides",
    "open_reports",
    "flags",
)


@dataclass(frozen=True)
class QuestionStats:
    """One question's line of the item analysis (percentages 0–100, None when undefined)."""

    question_id: int
    external_id: str
    kind: str
    prompt: str
    retired: bool
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    reviews_in_review: int
    lapses: int
    mean_time_ms: float | None
    median_time_ms: float | None
    timed: int
    overrides: int
    open_reports: int
    flags: tuple[moodle.Flag, ...]
    options: list[responses.OptionCount] = field(default_factory=list)
    wrong_answers: list[responses.AnswerCount] = field(default_factory=list)
    override_answers: list[responses.AnswerCount] = field(default_factory=list)

    @property
    def lapse_rate(self) -> float | None:
        """Share of reviews of its cards in review state that were Again, %."""
        return 100 * self.lapses / self.reviews_in_review if self.reviews_in_review else None

    @property
    def mean_time_s(self) -> float | None:
        return self.mean_time_ms / 1000 if self.mean_time_ms is not None else None

    @property
    def median_time_s(self) -> float | None:
        return self.median_time_ms / 1000 if self.median_time_ms is not None else None

    @property
    def flag_labels(self) -> list[str]:
        return [flag.label for flag in self.flags]

    def sort_value(self, key: str) -> Any:
        """The value the bank page sorts on (None sorts last either way)."""
        if key == "flags":
            return len(self.flags) or None
        return getattr(self, key)

    def to_json(self) -> dict[str, Any]:
        """The API's and the CSV's shape."""
        return {
            "question_id": self.question_id,
            "external_id": self.external_id,
            "kind": self.kind,
            "retired": self.retired,
            "attempts": self.attempts,
            "facility": _round(self.facility),
            "sd": _round(self.sd),
            "discrimination": _round(self.discrimination),
            "efficiency": _round(self.efficiency),
            "lapse_rate": _round(self.lapse_rate),
            "reviews_in_review": self.reviews_in_review,
            "lapses": self.lapses,
            "mean_time_s": _round(self.mean_time_s),
            "median_time_s": _round(self.median_time_s),
            "overrides": self.overrides,
            "open_reports": self.open_reports,
            "flags": [flag.value for flag in self.flags],
            "options": [o.to_json() for o in self.options],
            "wrong_answers": [a.to_json() for a in self.wrong_answers],
            "override_answers": [a.to_json() for a in self.override_answers],
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class BankAnalysis:
    bank: Bank
    computed_at: datetime
    learners: int  # learners with at least one scored first attempt in the bank
    questions: list[QuestionStats]

    def sorted(self, key: str, *, descending: bool = False) -> list[QuestionStats]:
        """The questions sorted by a SORT_KEYS column; questions without a value go last."""
        if key not in SORT_KEYS:
            raise ValueError(f"cannot sort by {key!r}; one of {', '.join(SORT_KEYS)}")
        present = [q for q in self.questions if q.sort_value(key) is not None]
        missing = [q for q in self.questions if q.sort_value(key) is None]
        present.sort(key=lambda q: (q.sort_value(key), q.external_id), reverse=descending)
        return present + missing

    def get(self, question_id: int) -> QuestionStats | None:
        return next((q for q in self.questions if q.question_id == question_id), None)


def _statistics(bank: Bank) -> tuple[dict[int, dict[str, Any]], int]:
    """Per question id the row of firsts.statistics_sql, and how many learners it covers."""
    with connection.cursor() as cursor:
        cursor.execute(firsts.statistics_sql(), [bank.pk])
        columns = [c[0] for c in cursor.description]
        rows = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}
    learners = next((int(row["learners"]) for row in rows.values()), 0)
    return rows, learners


def _sums(row: dict[str, Any] | None) -> moodle.ItemSums:
    if row is None:
        return moodle.ItemSums()

    def number(name: str) -> float:
        return float(row[name] or 0.0)

    return moodle.ItemSums(
        n=int(row["n"]),
        sum_x=number("sum_x"),
        sum_xx=number("sum_xx"),
        m=int(row["m"] or 0),
        pair_x=number("pair_x"),
        pair_xx=number("pair_xx"),
        pair_y=number("pair_y"),
        pair_yy=number("pair_yy"),
        pair_xy=number("pair_xy"),
        sorted_xy=number("sorted_xy"),
    )


def _lapses(bank: Bank) -> dict[int, tuple[int, int]]:
    """Per question id: live reviews of its cards in review state, and how many were Again."""
    per_card = (
        ReviewLog.objects.filter(bank=bank, status_before=CardStatus.REVIEW, undone_at__isnull=True)
        .order_by()
        .values("card_id")
        .annotate(n=Count("id"), again=Count("id", filter=Q(rating=Rating.AGAIN)))
        .values_list("card_id", "n", "again")
    )
    question_of = dict(Card.objects.filter(bank=bank).values_list("id", "question_id"))
    out: dict[int, tuple[int, int]] = {}
    for card_id, n, again in per_card:
        question_id = question_of[card_id]
        total, lapsed = out.get(question_id, (0, 0))
        out[question_id] = (total + n, lapsed + again)
    return out


def _overrides(bank: Bank) -> dict[int, list[responses.AnswerCount]]:
    """Per question id, its overridden answers ("I was right"), most frequent first. Every
    attempt counts here, not only first ones: each is a learner disputing the grader."""
    rows = (
        Attempt.objects.filter(bank=bank, overridden=True)
        .order_by()
        .values("question_id", "answer")
        .annotate(n=Count("id"), last=Max("attempted_at"))
        .order_by("question_id", "-n", "-last")
    )
    out: dict[int, list[responses.AnswerCount]] = {}
    for row in rows:
        out.setdefault(row["question_id"], []).append(
            responses.AnswerCount(answer=row["answer"], count=row["n"], last_at=row["last"])
        )
    return out


def _open_reports(bank: Bank) -> dict[int, int]:
    return dict(
        QuestionReport.objects.filter(bank=bank, status=QuestionReport.Status.OPEN)
        .order_by()
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )


def bank_item_analysis(
    *,
    bank: Bank,
    now: datetime,
    question_ids: Iterable[int] | None = None,
    include_retired: bool = False,
) -> BankAnalysis:
    """Every question's statistics (docs/analytics.md), in six queries.

    Scores for discrimination always cover the whole bank; `question_ids` only narrows what is
    returned. Retired questions are left out unless asked for (or named in `question_ids`).
    """
    stats, learners = _statistics(bank)
    lapses = _lapses(bank)
    overrides = _overrides(bank)
    reports = _open_reports(bank)
    questions = Question.objects.filter(bank=bank).order_by("external_id")
    wanted = set(question_ids) if question_ids is not None else None
    if wanted is not None:
        questions = questions.filter(pk__in=wanted)
    elif not include_retired:
        questions = questions.filter(retired_at__isnull=True)
    questions = list(questions.only("id", "external_id", "kind", "prompt", "spec", "retired_at"))
    answers = responses.first_answers(bank=bank, questions=questions)
    out = []
    for question in questions:
        row = stats.get(question.pk)
        sums = _sums(row)
        fac = moodle.facility(sums)
        disc = moodle.discrimination_index(sums)
        eff = moodle.discriminative_efficiency(sums)
        in_review, lapsed = lapses.get(question.pk, (0, 0))
        given = answers.get(question.pk, responses.Answers())
        disputed = overrides.get(question.pk, [])
        out.append(
            QuestionStats(
                question_id=question.pk,
                external_id=question.external_id,
                kind=question.kind,
                prompt=question.prompt,
                retired=question.retired_at is not None,
                attempts=sums.n,
                facility=fac,
                sd=moodle.standard_deviation(sums),
                discrimination=disc,
                efficiency=eff,
                reviews_in_review=in_review,
                lapses=lapsed,
                mean_time_ms=_float(row, "mean_t"),
                median_time_ms=_float(row, "median_t"),
                timed=int(row["timed"] or 0) if row else 0,
                overrides=sum(a.count for a in disputed),
                open_reports=reports.get(question.pk, 0),
                flags=moodle.flags(
                    attempts=sums.n, facility=fac, discrimination=disc, efficiency=eff
                ),
                options=given.options,
                wrong_answers=given.wrong,
                override_answers=disputed[: responses.ANSWERS_SHOWN],
            )
        )
    return BankAnalysis(bank=bank, computed_at=now, learners=learners, questions=out)


def _float(row: dict[str, Any] | None, name: str) -> float | None:
    if row is None or row[name] is None:
        return None
    return float(row[name])

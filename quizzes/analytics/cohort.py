"""A bank's cohort learner by learner: one learner's report for the instructor, and the learners ×
topics mastery table.

Mastery has quizzes.stats's meaning (a card is mastered when the learner's retrievability of it
now is at least their desired retention) and rolls up the topic tree the same way: a topic counts
every card of its subtree once (the slug path convention: "commands/modprobe" is below
"commands").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from quizzes import stats
from quizzes.models import (
    Bank,
    Card,
    CardState,
    CardStatus,
    Enrollment,
    LearnerProfile,
    Question,
    Rating,
    ReviewLog,
    Topic,
)
from quizzes.selectors import learner_profile_get, scheduler_config

MISSED_SHOWN = 10
WINDOW_DAYS = 30


@dataclass(frozen=True)
class MissedQuestion:
    question_id: int
    external_id: str
    kind: str
    prompt: str
    reviews: int
    misses: int  # wrong answers, or Again on a flashcard

    @property
    def rate(self) -> float:
        return 100 * self.misses / self.reviews if self.reviews else 0.0


@dataclass(frozen=True)
class Leech:
    card_id: int
    question_id: int
    external_id: str
    deletion: str
    lapses: int
    suspended: bool


@dataclass(frozen=True)
class LearnerReport:
    """What the instructor sees of one learner in one bank."""

    learner: AbstractBaseUser
    bank: Bank
    profile: LearnerProfile
    progress: stats.Progress
    retention_all: stats.Retention
    reviews: int
    cards_started: int
    missed: list[MissedQuestion]
    leeches: list[Leech]


def most_missed(*, learner: AbstractBaseUser, bank: Bank) -> list[MissedQuestion]:
    """The learner's questions in the bank they answered wrong most often (live reviews; Again
    counts as a miss on a self-graded flashcard), most misses first."""
    miss = Q(correct=False) | Q(correct__isnull=True, rating=Rating.AGAIN)
    rows = (
        ReviewLog.objects.filter(learner=learner, bank=bank, undone_at__isnull=True)
        .order_by()
        .values("card__question_id")
        .annotate(n=Count("id"), misses=Count("id", filter=miss))
        .filter(misses__gt=0)
        .order_by("-misses", "card__question_id")
        .values_list("card__question_id", "n", "misses")[:MISSED_SHOWN]
    )
    found = list(rows)
    questions = Question.objects.in_bulk([question_id for question_id, _n, _m in found])
    return [
        MissedQuestion(
            question_id=question_id,
            external_id=questions[question_id].external_id,
            kind=questions[question_id].kind,
            prompt=questions[question_id].prompt,
            reviews=n,
            misses=misses,
        )
        for question_id, n, misses in found
    ]


def leeches(*, learner: AbstractBaseUser, bank: Bank) -> list[Leech]:
    """The learner's leeches in the bank (cards they keep forgetting), most lapses first."""
    states = (
        CardState.objects.filter(learner=learner, bank=bank, is_leech=True, retired=False)
        .order_by("-lapses", "card_id")
        .values_list(
            "card_id",
            "card__question_id",
            "card__question__external_id",
            "card__deletion",
            "lapses",
            "suspended",
        )
    )
    return [Leech(*row) for row in states]


def learner_report(*, learner: AbstractBaseUser, bank: Bank, now: datetime) -> LearnerReport:
    """One learner's progress in one bank, for its instructors (a fixed number of queries)."""
    profile = learner_profile_get(learner=learner)
    progress = stats.learner_progress(
        learner=learner, now=now, bank_ids=[bank.pk], days=WINDOW_DAYS, forecast_days=14
    )
    logs = ReviewLog.objects.filter(learner=learner, bank=bank, undone_at__isnull=True)
    return LearnerReport(
        learner=learner,
        bank=bank,
        profile=profile,
        progress=progress,
        retention_all=stats.retention(learner=learner, since=None, bank_ids=[bank.pk]),
        reviews=logs.count(),
        cards_started=CardState.objects.filter(
            learner=learner, bank=bank, status__gt=CardStatus.NEW
        ).count(),
        missed=most_missed(learner=learner, bank=bank),
        leeches=leeches(learner=learner, bank=bank),
    )


def enrolled_learner(*, bank: Bank, learner_id: int) -> AbstractBaseUser | None:
    """The learner with this id if they are enrolled in the bank, else None."""
    enrollment = (
        Enrollment.objects.filter(bank=bank, learner_id=learner_id)
        .select_related("learner")
        .first()
    )
    return enrollment.learner if enrollment else None


# --- learners × topics ------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicColumn:
    topic_id: int
    slug: str
    title: str
    cards: int  # active cards in its subtree

    @property
    def depth(self) -> int:
        return self.slug.count("/")


@dataclass(frozen=True)
class MasteryCell:
    mastered: int
    cards: int

    @property
    def share(self) -> float | None:
        """Mastered share, % (None for a topic without cards)."""
        return 100 * self.mastered / self.cards if self.cards else None

    @property
    def level(self) -> int | None:
        """0–10: the colour step of the scale (tenths of the share)."""
        share = self.share
        return None if share is None else min(10, int(share // 10))


@dataclass(frozen=True)
class MasteryRow:
    learner_id: int
    username: str
    overall: MasteryCell
    cells: list[MasteryCell]  # in the order of MasteryMatrix.topics


@dataclass(frozen=True)
class MasteryMatrix:
    bank: Bank
    topics: list[TopicColumn]
    rows: list[MasteryRow]

    def sorted(self, key: str, *, descending: bool = False) -> list[MasteryRow]:
        """Rows by "learner", "overall" or a topic slug; learners without a value go last."""
        if key == "learner":
            return sorted(self.rows, key=lambda r: r.username.casefold(), reverse=descending)
        if key == "overall":
            index = None
        else:
            slugs = [t.slug for t in self.topics]
            if key not in slugs:
                raise ValueError(f"no topic {key!r} in this bank")
            index = slugs.index(key)

        def value(row: MasteryRow) -> float | None:
            return (row.overall if index is None else row.cells[index]).share

        present = [r for r in self.rows if value(r) is not None]
        missing = [r for r in self.rows if value(r) is None]
        present.sort(key=lambda r: (value(r), r.username.casefold()), reverse=descending)
        return present + missing

    def csv_rows(self) -> list[dict[str, Any]]:
        """One dict per learner: overall counts and share, then each topic's share (%)."""
        out = []
        for row in self.rows:
            line: dict[str, Any] = {
                "learner": row.username,
                "mastered": row.overall.mastered,
                "cards": row.overall.cards,
                "mastery": _round(row.overall.share),
            }
            for topic, cell in zip(self.topics, row.cells, strict=True):
                line[topic.slug] = _round(cell.share)
            out.append(line)
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _ancestors(slug: str, known: dict[str, int]) -> list[int]:
    """Ids of the topic and of every topic above it by the slug path convention."""
    parts = slug.split("/")
    return [
        known[path]
        for path in ("/".join(parts[: i + 1]) for i in range(len(parts)))
        if path in known
    ]


def _mastered_pairs(
    *, bank: Bank, now: datetime, profiles: dict[int, LearnerProfile]
) -> list[tuple[int, int]]:
    """(learner, card) of the bank's mastered states, each learner by their own desired
    retention, parameters and days (one query): decided in Python with the scheduler's own rule
    (scheduling.elapsed_days against the stability's horizon), as topic mastery is, since a
    learner day depends on each learner's time zone and day start."""
    rules = {
        pk: stats.MasteryRule.of(scheduler_config(profile)) for pk, profile in profiles.items()
    }
    rows = CardState.objects.filter(
        bank=bank,
        retired=False,
        card__retired_at__isnull=True,
        status__gt=CardStatus.NEW,
        stability__isnull=False,
        last_review__isnull=False,
        learner_id__in=list(rules),
    ).values_list("learner_id", "card_id", "stability", "last_review")
    return [
        (learner_id, card_id)
        for learner_id, card_id, stability, last_review in rows
        if rules[learner_id].holds(stability=stability, last_review=last_review, now=now)
    ]


def mastery_matrix(*, bank: Bank, now: datetime) -> MasteryMatrix:
    """Every enrolled learner's mastery of every topic of the bank (subtrees rolled up) and of
    the whole bank: five queries, then counted per learner and topic."""
    topics = list(
        Topic.objects.filter(bank=bank).order_by("slug").values_list("id", "slug", "title")
    )
    by_slug = {slug: topic_id for topic_id, slug, _title in topics}
    slug_of = {topic_id: slug for topic_id, slug, _title in topics}
    card_topics: dict[int, set[int]] = defaultdict(set)
    active_cards: set[int] = set()
    for card_id, topic_id in Card.objects.filter(bank=bank, retired_at__isnull=True).values_list(
        "id", "question__topics"
    ):
        active_cards.add(card_id)
        if topic_id is not None:
            card_topics[card_id].update(_ancestors(slug_of[topic_id], by_slug))
    in_topic: dict[int, int] = defaultdict(int)
    for ids in card_topics.values():
        for topic_id in ids:
            in_topic[topic_id] += 1
    learners = list(
        Enrollment.objects.filter(bank=bank)
        .order_by("learner__username")
        .values_list("learner_id", "learner__username")
    )
    profiles = {
        p.user_id: p
        for p in LearnerProfile.objects.filter(user_id__in=[pk for pk, _name in learners])
    }
    for learner_id, _name in learners:
        profiles.setdefault(learner_id, LearnerProfile(user_id=learner_id))
    mastered = _mastered_pairs(bank=bank, now=now, profiles=profiles)
    per_learner: dict[int, set[int]] = defaultdict(set)
    for learner_id, card_id in mastered:
        per_learner[learner_id].add(card_id)
    columns = [
        TopicColumn(topic_id=topic_id, slug=slug, title=title, cards=in_topic.get(topic_id, 0))
        for topic_id, slug, title in topics
    ]
    rows = []
    for learner_id, username in learners:
        counts: dict[int, int] = defaultdict(int)
        done = per_learner.get(learner_id, set())
        for card_id in done:
            for topic_id in card_topics.get(card_id, ()):
                counts[topic_id] += 1
        rows.append(
            MasteryRow(
                learner_id=learner_id,
                username=username,
                overall=MasteryCell(mastered=len(done), cards=len(active_cards)),
                cells=[MasteryCell(mastered=counts[c.topic_id], cards=c.cards) for c in columns],
            )
        )
    return MasteryMatrix(bank=bank, topics=columns, rows=rows)

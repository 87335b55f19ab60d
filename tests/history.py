"""Synthetic review histories for the optimiser's tests: a learner whose memory is not FSRS's
defaults (stability grows by `growth` on each recall and falls to a day on each lapse, recall
follows 0.9 ** (days / stability)), studying once a day at 09:00 UTC."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from quizzes.scheduling import HistoryReview

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SyntheticReview:
    card: int
    at: datetime
    rating: int
    was_new: bool


def synthetic_reviews(
    *, cards: int, days: int, seed: int = 7, growth: float = 4.0, new_per_day: int = 15
) -> list[SyntheticReview]:
    rng = random.Random(seed)
    out: list[SyntheticReview] = []
    memory: dict[int, tuple[float, int]] = {}  # card -> (stability, day last reviewed)
    due: dict[int, int] = {}
    introduced = 0
    for day in range(days):
        at = START + timedelta(days=day, minutes=rng.randint(0, 90))
        for card in sorted(c for c, d in due.items() if d <= day):
            stability, last = memory[card]
            recalled = rng.random() < 0.9 ** ((day - last) / stability)
            rating = rng.choice((2, 3, 3, 3, 4)) if recalled else 1
            stability = stability * growth if recalled else 1.0
            memory[card] = (stability, day)
            due[card] = day + max(1, round(stability * rng.uniform(0.8, 1.6)))
            out.append(SyntheticReview(card, at, rating, False))
            at += timedelta(seconds=20)
        for card in range(introduced, min(cards, introduced + new_per_day)):
            rating = rng.choice((1, 3, 3, 4))
            out.append(SyntheticReview(card, at, rating, True))
            memory[card] = (2.0 if rating > 1 else 0.5, day)
            due[card] = day + 1
            at += timedelta(seconds=20)
        introduced = min(cards, introduced + new_per_day)
    return out


def as_history(reviews: list[SyntheticReview]) -> list[HistoryReview]:
    return [
        HistoryReview(
            card_id=r.card,
            order=i,
            day=date.fromordinal(r.at.toordinal()),
            rating=r.rating,
            was_new=r.was_new,
        )
        for i, r in enumerate(reviews)
    ]


def write_log(learner, bank, reviews: list[SyntheticReview]) -> list[int]:
    """Store synthetic reviews as the learner's review log (flashcards of `bank`, one per
    synthetic card); returns the card ids. Bulk writes: these histories run to thousands."""
    from quizzes.models import Card, Question, ReviewLog
    from quizzes.scheduling import Schedule

    count = max(r.card for r in reviews) + 1
    questions = Question.objects.bulk_create(
        [
            Question(
                bank=bank,
                external_id=f"synthetic-{i}",
                kind="flashcard",
                prompt=f"Card {i}?",
                spec={"back": "A."},
            )
            for i in range(count)
        ]
    )
    cards = Card.objects.bulk_create([Card(question=q, bank=bank) for q in questions])
    blank = {**Schedule().to_json(), "suspended": False, "is_leech": False, "buried_until": None}
    rows = []
    for r in reviews:
        status_before = 0 if r.was_new else 2
        rows.append(
            ReviewLog(
                learner=learner,
                card=cards[r.card],
                bank=bank,
                rating=r.rating,
                reviewed_at=r.at,
                status_before=status_before,
                state_before=blank,
                state_after=blank,
                due_after=r.at,
            )
        )
    ReviewLog.objects.bulk_create(rows, batch_size=2000)
    return [c.pk for c in cards]

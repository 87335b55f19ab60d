"""Simulated learners studying day by day, in memory: the study loop's queue rules (learning
cards due now, then reviews due today interleaved with new cards within the day's limit, new
cloze siblings buried once a sibling was studied that day, leeches suspended), and a memory:

- a new card is known with the chance of a two-parameter logistic model: the learner's ability
  against the question's difficulty (so stronger learners get more first answers right, which is
  what item analysis measures);
- a card seen before is recalled with the scheduler's own retrievability raised to 1/memory: a
  learner with a memory factor above 1 forgets more slowly than the default parameters assume.

Each answer is turned into rows by recorder.record_review, as review_submit would write them.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from quizzes import conf, scheduling
from quizzes.demo import answers
from quizzes.demo.recorder import Recorded, Verdicts, record_review
from quizzes.models import Card, CardState, CardStatus, QuestionReport
from quizzes.selectors import schedule_of

LEARNING = (CardStatus.LEARNING, CardStatus.RELEARNING)
SESSION_CAP = 150  # answers in one sitting, at most
REVIEWS_PER_DAY = 200
REPORT_TEXTS = {
    answers.WRONG_KEY: [
        "The key is wrong: lsmod lists the loaded modules, modinfo shows one module's fields.",
        "I answered lsmod and was marked wrong. Isn't modinfo for a single module?",
    ],
    answers.TWO_RIGHT: ["rmmod vfat unloads it too — two answers are right here."],
    answers.AMBIGUOUS: ["cat /proc/modules shows exactly the same list; please accept it."],
}


@dataclass(frozen=True)
class Persona:
    """A simulated learner: how able, how forgetful, how diligent, when they study."""

    username: str
    ability: float  # logit scale, about N(0, 1)
    memory: float  # 1 = as the default parameters assume; above 1 forgets more slowly
    diligence: float  # the chance of studying on a given day
    hour: int  # usual session hour (UTC)
    new_per_day: int  # new cards a day in each bank (small banks: twice as many)
    stops_after: int | None = None  # days of study before giving up (None: keeps going)
    every_day_at_end: int = 0  # studies on each of the last N days (an unbroken streak)


@dataclass
class BankPlan:
    """One bank as the simulator sees it: its active cards in the queue's order."""

    bank_id: int
    cards: list[Card]
    new_per_day: int


def question_difficulty(card: Card) -> float:
    """A question's difficulty on the logit scale: its authored level, give or take."""
    rng = random.Random(f"difficulty:{card.question_id}")
    return 0.9 * (card.question.difficulty - 2) + rng.gauss(-0.3, 0.6)


@dataclass
class LearnerRun:
    persona: Persona
    learner_id: int
    banks: list[BankPlan]
    config: scheduling.Config
    verdicts: Verdicts
    seed: int
    states: dict[int, CardState] = field(default_factory=dict)
    recorded: list[Recorded] = field(default_factory=list)
    reports: list[QuestionReport] = field(default_factory=list)
    _reported: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.persona.username}")
        self.cards = {card.pk: card for bank in self.banks for card in bank.cards}

    # --- the day ------------------------------------------------------------------------------

    def studies_on(self, offset: int, days: int) -> bool:
        persona = self.persona
        if offset < persona.every_day_at_end:
            return True
        if persona.stops_after is not None and days - offset > persona.stops_after:
            return False
        return self.rng.random() < persona.diligence

    def run(self, *, now: datetime, days: int) -> None:
        """Study each day from `days` ago to today (today's session ends before `now`)."""
        for offset in range(days, -1, -1):
            if not self.studies_on(offset, days):
                continue
            day = (now - timedelta(days=offset)).replace(
                hour=self.persona.hour, minute=self.rng.randint(0, 59), second=0, microsecond=0
            )
            if offset == 0:
                # Today: a short session an hour or two ago, leaving cards due for the visitor.
                day = now - timedelta(minutes=self.rng.randint(60, 150))
            moment = day
            for bank in self.banks:
                moment = self._session(bank, moment, short=offset == 0)

    def _session(self, bank: BankPlan, moment: datetime, *, short: bool) -> datetime:
        start, end = scheduling.day_bounds(moment, tz_name="UTC", day_start_hour=4)
        learning: list[tuple[datetime, int]] = []
        reviews: list[tuple[datetime, int]] = []
        for state in self.states.values():
            if state.bank_id != bank.bank_id or state.suspended or state.due is None:
                continue
            if state.status in LEARNING:
                heapq.heappush(learning, (state.due, state.card_id))
            elif state.status == CardStatus.REVIEW and state.due < end:
                heapq.heappush(reviews, (state.due, state.card_id))
        studied_today: set[int] = set()  # questions: their new siblings wait for tomorrow
        new_left = bank.new_per_day if not short else max(1, bank.new_per_day // 3)
        reviews_left = REVIEWS_PER_DAY
        fresh = (c for c in bank.cards if c.pk not in self.states)
        pending_new = next(fresh, None)
        cap = SESSION_CAP if not short else 12
        for turn in range(cap):
            ahead = moment + timedelta(minutes=conf.get("LEARN_AHEAD_MINUTES"))
            card_id = None
            if learning and learning[0][0] <= moment:
                card_id = heapq.heappop(learning)[1]
            elif reviews_left and reviews and (not new_left or pending_new is None or turn % 3):
                card_id = heapq.heappop(reviews)[1]
                reviews_left -= 1
            else:
                while pending_new is not None and pending_new.question_id in studied_today:
                    pending_new = next(fresh, None)
                if new_left and pending_new is not None:
                    card_id, pending_new = pending_new.pk, next(fresh, None)
                    new_left -= 1
                elif learning and learning[0][0] <= ahead:
                    card_id = heapq.heappop(learning)[1]
            if card_id is None:
                break
            card = self.cards[card_id]
            state, moment = self._answer(card, moment)
            studied_today.add(card.question_id)
            if not state.suspended and state.status in LEARNING and state.due < end:
                heapq.heappush(learning, (state.due, state.card_id))
        return moment + timedelta(minutes=self.rng.randint(2, 10))

    # --- one answer ---------------------------------------------------------------------------

    def _knows(self, card: Card, state: CardState | None, moment: datetime) -> bool:
        if state is None or state.reps == 0:
            b = question_difficulty(card)
            return self.rng.random() < 1 / (1 + math.exp(-2.5 * (self.persona.ability - b)))
        recall = scheduling.retrievability(schedule_of(state), now=moment, config=self.config)
        return self.rng.random() < recall ** (1 / self.persona.memory)

    def _answer(self, card: Card, served: datetime) -> tuple[CardState, datetime]:
        state = self.states.get(card.pk)
        first = state is None
        if state is None:
            state = CardState(
                learner_id=self.learner_id,
                card_id=card.pk,
                bank_id=card.bank_id,
                status=CardStatus.NEW,
            )
            self.states[card.pk] = state
        knows = self._knows(card, state, served)
        answer = answers.choose(card, knows=knows, first=state.reps == 0, rng=self.rng)
        verdict = self.verdicts.grade(card, answer.payload)
        wrong = verdict.correct is False or answer.wanted == 1
        spent = answers.seconds(card, first=first, wrong=wrong, rng=self.rng)
        cap = conf.get("ANSWER_TIME_CAP_SECONDS")
        checked = served + timedelta(seconds=spent)
        reviewed = checked + timedelta(seconds=self.rng.uniform(1.5, 6.0))
        recorded = record_review(
            state=state,
            card=card,
            answer=answer.payload,
            wanted=answer.wanted,
            override=answer.override,
            checked_at=checked,
            reviewed_at=reviewed,
            elapsed_ms=int(min(spent, cap) * 1000),
            config=self.config,
            verdicts=self.verdicts,
        )
        self.recorded.append(recorded)
        if knows and verdict.correct is False:
            self._maybe_report(card, reviewed)
        return state, reviewed + timedelta(seconds=self.rng.uniform(0.5, 2.5))

    def _maybe_report(self, card: Card, moment: datetime) -> None:
        """A learner marked wrong for a right answer may tell the instructors (once a question)."""
        texts = REPORT_TEXTS.get(card.question.external_id)
        if not texts or card.question_id in self._reported:
            return
        if self.rng.random() < 0.3:
            self._reported.add(card.question_id)
            self.reports.append(
                QuestionReport(
                    question_id=card.question_id,
                    bank_id=card.bank_id,
                    card_id=card.pk,
                    reporter_id=self.learner_id,
                    text=self.rng.choice(texts),
                    created_at=moment,
                )
            )


def cards_of(bank_ids: list[int]) -> dict[int, list[Card]]:
    """Each bank's active cards in the order the queue takes new cards (by id)."""
    found: dict[int, list[Card]] = {bank_id: [] for bank_id in bank_ids}
    cards = Card.objects.filter(bank_id__in=bank_ids, retired_at__isnull=True).select_related(
        "question"
    )
    for card in cards.order_by("id"):
        found[card.bank_id].append(card)
    return found

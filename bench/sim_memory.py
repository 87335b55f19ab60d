"""The simulated learners' hidden memory (FSRS-6 with their own parameters) and SM-2, Anki's
classic algorithm, written here as a reference only (the project schedules with FSRS).

The hidden memory is the "truth" of bench/scheduler_sim.py: it decides whether a card is
recalled. It uses the FSRS-6 formulas as the `fsrs` package (and fsrs-rs) implement them — the
model the project schedules with — but each learner's own parameters (each default scaled by a
factor drawn from 0.6–1.4) and a per-card difficulty offset.

Time: retrievability decays with the time that really passed (fractional days). Which formula
updates stability depends, as in FSRS-6, on whether the review comes on the same day as the last
one (the short-term rule, FSRS's delta_t = 0) or on a later day; a day is the learner's own day
(their time zone, starting at their day start), as in the Anki review logs FSRS-6's parameters
were fitted to. Not "less than 24 hours": a learner who studies at 09:00 every day answers
yesterday's cards a few seconds less than 24 hours later, and those are next-day reviews.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from quizzes.scheduling import DEFAULT_PARAMETERS

DEFAULT_W: tuple[float, ...] = DEFAULT_PARAMETERS  # FSRS-6, as the project uses them
# Anki's simulator defaults: the first rating of a new card, and Hard/Good/Easy when recalled.
FIRST_RATING_P = (0.24, 0.094, 0.495, 0.171)
PASS_RATING_P = (0.224, 0.632, 0.144)
DAY = 86400.0
STABILITY_MIN = 0.001  # fsrs's floor


def scaled_parameters(rng: random.Random, low: float = 0.6, high: float = 1.4) -> tuple[float, ...]:
    """FSRS-6 defaults, each scaled by its own factor from [low, high]."""
    return tuple(w * rng.uniform(low, high) for w in DEFAULT_W)


@dataclass
class Memory:
    """One card's hidden memory: stability (days), difficulty (1–10), last review (seconds)."""

    stability: float
    difficulty: float
    last: float


@dataclass
class HiddenLearner:
    """How one simulated learner remembers: FSRS-6 with parameters `w`."""

    w: tuple[float, ...]
    card_offsets: list[float]  # per-card difficulty offset, added to the first difficulty
    zone: str = "UTC"  # the learner's day: their time zone …
    day_start_hour: int = 4  # … and the hour it starts
    memory: dict[int, Memory] = field(default_factory=dict)

    def day(self, at: float) -> date:
        """The learner's day at `at` (a UTC timestamp)."""
        local = datetime.fromtimestamp(at, UTC).astimezone(ZoneInfo(self.zone))
        return (local - timedelta(hours=self.day_start_hour)).date()

    @property
    def decay(self) -> float:
        return self.w[20]

    @property
    def factor(self) -> float:
        return 0.9 ** (-1 / self.decay) - 1

    def recall_probability(self, card: int, at: float) -> float:
        mem = self.memory.get(card)
        if mem is None:
            return 0.0
        days = max(0.0, (at - mem.last) / DAY)
        return (1 + self.factor * days / mem.stability) ** -self.decay

    def knowledge(self, at: float) -> float:
        """The sum of hidden retrievability over all cards (never-seen cards count 0)."""
        return sum(self.recall_probability(card, at) for card in self.memory)

    def _d0(self, rating: int) -> float:
        w = self.w
        return w[4] - math.exp(w[5] * (rating - 1)) + 1

    def _clamp_d(self, d: float) -> float:
        return min(10.0, max(1.0, d))

    def answer(self, card: int, at: float, rng: random.Random) -> tuple[bool, int]:
        """Whether the learner recalls the card at `at` and the rating they give; the hidden
        memory is updated as FSRS-6 with this learner's parameters says."""
        w = self.w
        mem = self.memory.get(card)
        if mem is None:
            rating = rng.choices((1, 2, 3, 4), FIRST_RATING_P)[0]
            self.memory[card] = Memory(
                stability=max(STABILITY_MIN, w[rating - 1]),
                difficulty=self._clamp_d(self._d0(rating) + self.card_offsets[card]),
                last=at,
            )
            return rating > 1, rating
        r = self.recall_probability(card, at)
        recalled = rng.random() < r
        rating = rng.choices((2, 3, 4), PASS_RATING_P)[0] if recalled else 1
        s, d = mem.stability, mem.difficulty
        if self.day(at) == self.day(mem.last):  # the same day: FSRS-6's short-term stability
            inc = math.exp(w[17] * (rating - 3 + w[18])) * s ** -w[19]
            new_s = s * (inc if rating == 1 else max(inc, 1.0))  # a pass never lowers it
        elif recalled:
            hard = w[15] if rating == 2 else 1.0
            easy = w[16] if rating == 4 else 1.0
            new_s = s * (
                1
                + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1)
                * hard * easy
            )  # fmt: skip
        else:
            long_term = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14])
            new_s = min(long_term, s / math.exp(w[17] * w[18]))
        delta = -w[6] * (rating - 3)
        d_new = d + delta * (10 - d) / 9
        d_new = w[7] * (self._d0(4) + self.card_offsets[card]) + (1 - w[7]) * d_new
        self.memory[card] = Memory(
            stability=min(36500.0, max(STABILITY_MIN, new_s)),
            difficulty=self._clamp_d(d_new),
            last=at,
        )
        return recalled, rating


# --- SM-2 (Anki's classic scheduler, default options), a reference -----------------------------


@dataclass
class Sm2Card:
    status: str = "new"  # new, learning, review, relearning
    step: int = 0
    ease: float = 2.5
    interval: int = 0  # days
    due_day: int = 0  # the learner day it is due (review) …
    due_at: float = 0.0  # … or the instant (learning, relearning)
    last_day: int = 0
    lapses: int = 0
    suspended: bool = False  # a leech, suspended as Anki does (when the threshold is on)


@dataclass(frozen=True)
class Sm2Options:
    learning_steps: tuple[float, ...] = (60.0, 600.0)  # 1 m, 10 m
    relearning_steps: tuple[float, ...] = (600.0,)
    graduating_interval: int = 1
    easy_interval: int = 4
    starting_ease: float = 2.5
    easy_bonus: float = 1.3
    hard_interval: float = 1.2
    interval_modifier: float = 1.0
    lapse_new_interval: float = 0.0
    minimum_interval: int = 1
    maximum_interval: int = 36500
    leech_threshold: int = 0  # Anki's default is 8 (suspend); 0: the leech action is off


def sm2_answer(
    card: Sm2Card, rating: int, *, at: float, today: int, options: Sm2Options
) -> Sm2Card:
    """Anki's v2/v3 SM-2 rules (without fuzz): learning steps, graduation, ease changes,
    Hard ×1.2, Good ×ease with half the delay, Easy ×ease×1.3 with the whole delay, lapses."""
    o = options
    c = Sm2Card(**card.__dict__)
    if c.status in ("new", "learning", "relearning"):
        steps = o.relearning_steps if c.status == "relearning" else o.learning_steps
        if c.status == "new":
            c.status, c.step, c.ease = "learning", 0, o.starting_ease
        if rating == 1:
            c.step = 0
            c.due_at = at + steps[0]
            return c
        if rating == 4 or (rating == 3 and c.step + 1 >= len(steps)):
            if c.status == "relearning":
                ivl = max(o.minimum_interval, round(c.interval * o.lapse_new_interval))
            else:
                ivl = o.easy_interval if rating == 4 else o.graduating_interval
            return _to_review(c, ivl, today, o)
        if rating == 3:
            c.step += 1
            c.due_at = at + steps[c.step]
            return c
        # Hard: the average of this step and the next, or 1.5× a single step
        nxt = steps[c.step + 1] if c.step + 1 < len(steps) else steps[c.step] * 1.5
        c.due_at = at + (steps[c.step] + nxt) / 2
        return c
    # review
    delay = max(0, today - c.due_day)
    if rating == 1:
        c.ease = max(1.3, c.ease - 0.2)
        c.lapses += 1
        t = o.leech_threshold
        if t > 0 and c.lapses >= t and (c.lapses - t) % max(1, t // 2) == 0:
            c.suspended = True  # Anki: at the threshold, and every half-threshold after it
        c.status, c.step = "relearning", 0
        c.due_at = at + o.relearning_steps[0]
        return c
    im = o.interval_modifier
    hard = max(c.interval + 1, round(c.interval * o.hard_interval * im))
    good = max(hard + 1, round((c.interval + delay / 2) * c.ease * im))
    easy = max(good + 1, round((c.interval + delay) * c.ease * o.easy_bonus * im))
    if rating == 2:
        c.ease = max(1.3, c.ease - 0.15)
        return _to_review(c, hard, today, o)
    if rating == 4:
        c.ease += 0.15
        return _to_review(c, easy, today, o)
    return _to_review(c, good, today, o)


def _to_review(c: Sm2Card, interval: int, today: int, o: Sm2Options) -> Sm2Card:
    c.status = "review"
    c.interval = min(o.maximum_interval, max(o.minimum_interval, interval))
    c.due_day = today + c.interval
    c.last_day = today
    return c

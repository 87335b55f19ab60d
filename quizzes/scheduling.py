"""Scheduling: the only module that imports `fsrs`.

Pure functions over plain values. A card's schedule is a `Schedule` (what CardState stores);
`review()` returns the next one for a rating, `preview()` the next due time of all four ratings, and
`day_bounds()` the learner's "today". Fuzz comes from a `random.Random` seeded by the learner, the
card and its review count, never from the global random state, so a preview and the review that
follows it agree, a replay gives the same result, and two learners' copies of a card are not
fuzzed alike. The passing ratings keep Anki's order (see `_in_order`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from quizzes import optimiser as _optimiser

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = (AGAIN, HARD, GOOD, EASY)
# Elapsed time: the learner's days, as Anki counts them (today minus the day of the last
# review, the day starting at their day start), or fsrs's whole 24-hour periods.
LEARNER_DAYS, HOURS_24 = "learner-days", "24h"
ELAPSED_MODES = (LEARNER_DAYS, HOURS_24)
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)

_TO_FSRS_STATE = {
    LEARNING: fsrs.State.Learning,
    REVIEW: fsrs.State.Review,
    RELEARNING: fsrs.State.Relearning,
}
_FROM_FSRS_STATE = {v: k for k, v in _TO_FSRS_STATE.items()}


def _require_utc(moment: datetime, name: str = "now") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got a naive datetime")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Schedule:
    """What the scheduler needs of a card for one learner (mirrors CardState's fields)."""

    status: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("due", "last_review"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schedule:
        values = dict(data)
        for key in ("due", "last_review"):
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        fields = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in fields})


@dataclass(frozen=True)
class Config:
    """A learner's scheduler settings."""

    desired_retention: float = 0.9
    parameters: Sequence[float] = ()
    maximum_interval: int = 36500
    enable_fuzzing: bool = True
    # How time since the last review is counted (see elapsed_days), and the learner's day.
    elapsed: str = LEARNER_DAYS
    tz_name: str = "UTC"
    day_start_hour: int = 4


class _SeededScheduler(fsrs.Scheduler):
    """fsrs.Scheduler whose fuzz draws from an owned, seeded random source."""

    def __init__(self, *args: Any, rng: random.Random, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rng = rng

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        # Same fuzz ranges as fsrs, but drawn from self._rng instead of the module's random().
        interval_days = interval.days
        if interval_days < 2.5:
            return interval
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(
                min(float(interval_days), fuzz_range["end"]) - fuzz_range["start"], 0.0
            )
        min_ivl = max(2, round(interval_days - delta))
        max_ivl = min(round(interval_days + delta), self.maximum_interval)
        min_ivl = min(min_ivl, max_ivl)
        fuzzed = round(self._rng.random() * (max_ivl - min_ivl + 1) + min_ivl)
        return timedelta(days=min(fuzzed, self.maximum_interval))


def fuzz_seed(card_id: int, reps: int, learner_id: int) -> int:
    """A stable seed for one review of one learner's card (and how many reviews it has had)."""
    digest = hashlib.blake2b(f"{learner_id}:{card_id}:{reps}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _scheduler(config: Config, seed: int) -> fsrs.Scheduler:
    return _SeededScheduler(
        parameters=tuple(config.parameters) or DEFAULT_PARAMETERS,
        desired_retention=config.desired_retention,
        maximum_interval=config.maximum_interval,
        enable_fuzzing=config.enable_fuzzing,
        rng=random.Random(seed),
    )


def elapsed_days(last_review: datetime, *, now: datetime, config: Config) -> int:
    """Whole days since the last review: learner days (Anki) or 24-hour periods (fsrs)."""
    now, last_review = _require_utc(now), _require_utc(last_review, "last_review")
    if config.elapsed == HOURS_24:
        return max(0, (now - last_review).days)
    day = {"tz_name": config.tz_name, "day_start_hour": config.day_start_hour}
    return max(0, (learner_date(now, **day) - learner_date(last_review, **day)).days)


def _to_fsrs(schedule: Schedule, now: datetime, config: Config) -> fsrs.Card:
    if schedule.status == NEW:
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
    last_review = None
    if schedule.last_review is not None:
        # fsrs counts whole 24-hour periods since `last_review`; it is handed the instant that
        # many of the configured days before now, so that it counts those instead.
        last_review = now - timedelta(
            days=elapsed_days(schedule.last_review, now=now, config=config)
        )
    return fsrs.Card(
        card_id=1,
        state=_TO_FSRS_STATE[schedule.status],
        step=schedule.step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=_require_utc(schedule.due or now, "due"),
        last_review=last_review,
    )


def review(
    schedule: Schedule,
    rating: int,
    *,
    now: datetime,
    config: Config,
    card_id: int,
    learner_id: int,
) -> Schedule:
    """The schedule after answering `rating` at `now`."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
    now = _require_utc(now)
    if rating == AGAIN:
        return _answer(schedule, AGAIN, now, config, card_id, learner_id)
    return _passing(schedule, now, config, card_id, learner_id)[rating]


def preview(
    schedule: Schedule, *, now: datetime, config: Config, card_id: int, learner_id: int
) -> dict[int, datetime]:
    """The next due time for each of Again, Hard, Good and Easy, exactly as review() would set."""
    now = _require_utc(now)
    outcomes = {
        AGAIN: _answer(schedule, AGAIN, now, config, card_id, learner_id),
        **_passing(schedule, now, config, card_id, learner_id),
    }
    return {rating: outcomes[rating].due for rating in RATINGS}


def _answer(
    schedule: Schedule, rating: int, now: datetime, config: Config, card_id: int, learner_id: int
) -> Schedule:
    scheduler = _scheduler(config, fuzz_seed(card_id, schedule.reps, learner_id))
    card, _log = scheduler.review_card(_to_fsrs(schedule, now, config), fsrs.Rating(rating), now)
    lapsed = schedule.status == REVIEW and rating == AGAIN
    return Schedule(
        status=_FROM_FSRS_STATE[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_clamp_due(card.due, now, config.maximum_interval),
        last_review=card.last_review,
        reps=schedule.reps + 1,
        lapses=schedule.lapses + (1 if lapsed else 0),
    )


def _passing(
    schedule: Schedule, now: datetime, config: Config, card_id: int, learner_id: int
) -> dict[int, Schedule]:
    outcomes = {
        rating: _answer(schedule, rating, now, config, card_id, learner_id)
        for rating in (HARD, GOOD, EASY)
    }
    return _in_order(outcomes, now, config.maximum_interval)


_DAY = timedelta(days=1)


def _in_order(outcomes: dict[int, Schedule], now: datetime, maximum: int) -> dict[int, Schedule]:
    """Anki's rule on FSRS intervals: of Hard, Good and Easy, those that schedule the card a day
    or more ahead are strictly increasing — Hard at most Good − 1 day (but at least a day, Good
    then at least Hard + 1 day), Easy at least Good + 1 day. Only the due time moves; the memory
    state (stability, difficulty) is FSRS's. The maximum interval caps them all, equal or not.
    """
    interval = {rating: (outcome.due or now) - now for rating, outcome in outcomes.items()}
    long = [rating for rating in (HARD, GOOD, EASY) if interval[rating] >= _DAY]
    if HARD in long and GOOD in long:
        interval[HARD] = max(_DAY, min(interval[HARD], interval[GOOD] - _DAY))
        interval[GOOD] = max(interval[GOOD], interval[HARD] + _DAY)
    if EASY in long and len(long) > 1:
        shorter = max(interval[rating] for rating in long if rating != EASY)
        interval[EASY] = max(interval[EASY], shorter + _DAY)
    return {
        rating: replace(outcome, due=_clamp_due(now + interval[rating], now, maximum))
        if rating in long
        else outcome
        for rating, outcome in outcomes.items()
    }


def _clamp_due(due: datetime, now: datetime, maximum_interval: int) -> datetime:
    limit = now + timedelta(days=maximum_interval)
    return min(due, limit)


def retrievability(schedule: Schedule, *, now: datetime, config: Config) -> float:
    """The predicted probability of recall at `now` (0 for a card never reviewed)."""
    if schedule.status == NEW or schedule.stability is None or schedule.last_review is None:
        return 0.0
    now = _require_utc(now)
    scheduler = _scheduler(config, 0)  # no fuzz is drawn here
    return float(scheduler.get_card_retrievability(_to_fsrs(schedule, now, config), now))


def reset(schedule: Schedule) -> Schedule:
    """Forget a card: it becomes new again; counts are kept as history in the review log."""
    return replace(Schedule(), reps=schedule.reps, lapses=schedule.lapses)


def format_interval(delta: timedelta) -> str:
    """Anki-style short interval label: '<1m', '<10m', '<3h', '4d', '2.1mo', '1.5y'.

    Intervals under a day get a '<', as Anki's buttons show them: a learning card may come back
    a little early (learn-ahead), never later than that.
    """
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"<{round(seconds / 60)}m"
    if seconds < 86400:
        return f"<{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


# --- the learner's day --------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for a name; UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local_start(day: date, hour: int, tz: ZoneInfo) -> datetime:
    # A wall-clock time in a DST gap does not exist; fold=0 maps it forward past the gap, which
    # is where the day really starts. An ambiguous time (repeated hour) takes its first instance.
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def learner_date(now: datetime, *, tz_name: str, day_start_hour: int) -> date:
    """The learner's calendar date at `now`, the day rolling over at `day_start_hour` local."""
    now = _require_utc(now)
    tz = zone(tz_name)
    day = now.astimezone(tz).date()
    if now < _local_start(day, day_start_hour, tz):
        day -= timedelta(days=1)
    return day


def day_bounds(now: datetime, *, tz_name: str, day_start_hour: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the learner's day that contains `now` (23 or 25 h around DST)."""
    tz = zone(tz_name)
    day = learner_date(now, tz_name=tz_name, day_start_hour=day_start_hour)
    return _local_start(day, day_start_hour, tz), _local_start(
        day + timedelta(days=1), day_start_hour, tz
    )


def date_bounds(day: date, *, tz_name: str, day_start_hour: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a given learner day."""
    tz = zone(tz_name)
    return _local_start(day, day_start_hour, tz), _local_start(
        day + timedelta(days=1), day_start_hour, tz
    )


# --- personal parameters (fitted by fsrs-rs, behind quizzes.optimiser) --------------------------

HistoryReview = _optimiser.HistoryReview
FitOutcome = _optimiser.FitOutcome
Evaluation = _optimiser.Evaluation


def fit_parameters(
    history: Sequence[HistoryReview],
    *,
    current: Sequence[float],
    reviews: int,
    min_reviews: int,
    min_test_items: int,
) -> FitOutcome:
    """Fit FSRS parameters to a learner's history; keep them only if they beat `current` on the
    later reviews held out from the fit (see quizzes.optimiser.fit_and_compare)."""
    return _optimiser.fit_and_compare(
        history,
        current=current,
        reviews=reviews,
        min_reviews=min_reviews,
        min_test_items=min_test_items,
    )

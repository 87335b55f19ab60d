"""Scheduling: fixed expected values, previews = reviews, seeded fuzz, the learner's day and DST."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import scheduling
from quizzes.models import CardState, CardStatus
from quizzes.selectors import schedule_of
from tests.factories import QuestionFactory, UserFactory

NO_FUZZ = scheduling.Config(enable_fuzzing=False)
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

# (rating, status, step, stability, difficulty, due) for a fixed rating sequence, FSRS-6 defaults.
EXPECTED = [
    (3, CardStatus.LEARNING, 1, 2.3065, 2.118103970459016, "2026-03-02T12:10:00+00:00"),
    (3, CardStatus.REVIEW, None, 2.3065, 2.111214235785395, "2026-03-04T12:10:00+00:00"),
    (
        3,
        CardStatus.REVIEW,
        None,
        10.971048263078135,
        2.1043313908464483,
        "2026-03-15T12:10:00+00:00",
    ),
    (1, CardStatus.RELEARNING, 0, 1.53901253028147, 7.389975788014609, "2026-03-15T12:20:00+00:00"),
    (
        3,
        CardStatus.REVIEW,
        None,
        1.5718415897918614,
        7.377814181523433,
        "2026-03-17T12:20:00+00:00",
    ),
]


def test_first_good_follows_the_fsrs_formulas() -> None:
    """S0(Good) = w2; D0(G) = w4 − e^(w5·(G−1)) + 1; the first learning step is 10 minutes."""
    w = scheduling.DEFAULT_PARAMETERS
    after = scheduling.review(
        scheduling.Schedule(), 3, now=START, config=NO_FUZZ, card_id=1, learner_id=1
    )
    assert after.stability == pytest.approx(w[2])
    assert after.difficulty == pytest.approx(w[4] - math.exp(w[5] * 2) + 1)
    assert after.due == START + timedelta(minutes=10)
    assert (after.status, after.step, after.reps, after.lapses) == (CardStatus.LEARNING, 1, 1, 0)


@pytest.mark.django_db
def test_fixed_rating_sequence_gives_fixed_values_through_the_database() -> None:
    question = QuestionFactory(kind="single_choice")
    card = question.cards.get()
    learner = UserFactory()
    state = CardState.objects.create(learner=learner, card=card, bank=question.bank)
    now = START
    for rating, status, step, stability, difficulty, due in EXPECTED:
        schedule = scheduling.review(
            schedule_of(state),
            rating,
            now=now,
            config=NO_FUZZ,
            card_id=card.pk,
            learner_id=learner.pk,
        )
        CardState.objects.filter(pk=state.pk).update(
            status=schedule.status,
            step=schedule.step,
            stability=schedule.stability,
            difficulty=schedule.difficulty,
            due=schedule.due,
            last_review=schedule.last_review,
            reps=schedule.reps,
            lapses=schedule.lapses,
        )
        state = CardState.objects.get(pk=state.pk)  # a real round trip through the database
        assert state.status == status
        assert state.step == step
        assert state.stability == pytest.approx(stability, rel=1e-9)
        assert state.difficulty == pytest.approx(difficulty, rel=1e-9)
        assert state.due == datetime.fromisoformat(due)
        now = state.due
    assert (state.reps, state.lapses) == (5, 1)


@pytest.mark.parametrize("history", [[], [3], [3, 3], [3, 3, 1], [3, 3, 3, 3]])
def test_each_preview_equals_the_review_it_previews(history: list[int]) -> None:
    schedule, now = scheduling.Schedule(), START
    for rating in history:
        schedule = scheduling.review(
            schedule, rating, now=now, config=NO_FUZZ, card_id=7, learner_id=1
        )
        now = schedule.due
    previews = scheduling.preview(schedule, now=now, config=NO_FUZZ, card_id=7, learner_id=1)
    for rating in scheduling.RATINGS:
        assert (
            scheduling.review(
                schedule, rating, now=now, config=NO_FUZZ, card_id=7, learner_id=1
            ).due
            == previews[rating]
        )
    assert previews[1] <= previews[2] <= previews[3] <= previews[4]


def test_fuzz_is_seeded_by_card_and_review_and_leaves_global_random_alone() -> None:
    fuzzy = scheduling.Config(enable_fuzzing=True)
    schedule, now = scheduling.Schedule(), START
    for rating in (3, 3, 3):
        schedule = scheduling.review(
            schedule, rating, now=now, config=fuzzy, card_id=42, learner_id=1
        )
        now = schedule.due
    random.seed(1234)
    expected_next = random.random()
    random.seed(1234)
    a = scheduling.preview(schedule, now=now, config=fuzzy, card_id=42, learner_id=1)
    b = scheduling.review(schedule, 3, now=now, config=fuzzy, card_id=42, learner_id=1)
    assert random.random() == expected_next  # global state untouched
    assert a[3] == b.due  # preview and review agree with fuzz on
    dues = {
        scheduling.review(schedule, 3, now=now, config=fuzzy, card_id=c, learner_id=1).due
        for c in range(40)
    }
    assert len(dues) > 1  # fuzz varies between cards


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduling.review(
            scheduling.Schedule(),
            3,
            now=datetime(2026, 1, 1),
            config=NO_FUZZ,
            card_id=1,
            learner_id=1,
        )


def test_non_utc_aware_times_are_converted_to_utc() -> None:
    local = START.astimezone(ZoneInfo("Asia/Kathmandu"))
    after = scheduling.review(
        scheduling.Schedule(), 3, now=local, config=NO_FUZZ, card_id=1, learner_id=1
    )
    assert after.due.tzinfo == UTC
    assert after.due == START + timedelta(minutes=10)


def test_intervals_never_exceed_the_maximum() -> None:
    config = scheduling.Config(enable_fuzzing=False, maximum_interval=30)
    schedule, now = scheduling.Schedule(), START
    for _ in range(12):
        schedule = scheduling.review(schedule, 4, now=now, config=config, card_id=3, learner_id=1)
        assert schedule.due - now <= timedelta(days=30)
        now = schedule.due


def test_huge_maximum_interval_does_not_overflow() -> None:
    config = scheduling.Config(enable_fuzzing=False, maximum_interval=36500)
    schedule = scheduling.Schedule(
        status=CardStatus.REVIEW,
        stability=36000.0,
        difficulty=1.0,
        due=START,
        last_review=START - timedelta(days=36000),
        reps=30,
    )
    after = scheduling.review(schedule, 4, now=START, config=config, card_id=3, learner_id=1)
    assert after.due <= START + timedelta(days=36500)


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("America/New_York", date(2026, 3, 7), 23),  # spring forward overnight
        ("America/New_York", date(2026, 10, 31), 25),  # fall back overnight
        ("Australia/Lord_Howe", date(2026, 4, 4), 24.5),  # half-hour DST ends
        ("Australia/Lord_Howe", date(2026, 10, 3), 23.5),  # half-hour DST starts
        ("Asia/Kathmandu", date(2026, 3, 2), 24),  # +05:45, no DST
        ("Pacific/Kiritimati", date(2026, 3, 2), 24),  # +14:00
    ],
)
def test_learner_days_have_their_real_length_around_dst(tz: str, day: date, hours: float) -> None:
    start, end = scheduling.date_bounds(day, tz_name=tz, day_start_hour=4)
    assert (end - start) == timedelta(hours=hours)
    local_start = start.astimezone(ZoneInfo(tz))
    assert (local_start.date(), local_start.hour, local_start.minute) == (day, 4, 0)


@pytest.mark.parametrize(
    ("tz", "local", "expected_day"),
    [
        ("America/New_York", datetime(2026, 3, 8, 3, 59), date(2026, 3, 7)),
        ("America/New_York", datetime(2026, 3, 8, 4, 0), date(2026, 3, 8)),
        ("Asia/Kathmandu", datetime(2026, 3, 2, 3, 59), date(2026, 3, 1)),
        ("Asia/Kathmandu", datetime(2026, 3, 2, 4, 0), date(2026, 3, 2)),
        ("Pacific/Kiritimati", datetime(2026, 3, 2, 0, 30), date(2026, 3, 1)),
        ("Australia/Lord_Howe", datetime(2026, 4, 5, 4, 0), date(2026, 4, 5)),
    ],
)
def test_the_day_rolls_over_at_the_learners_local_hour(
    tz: str, local: datetime, expected_day: date
) -> None:
    now = local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    assert scheduling.learner_date(now, tz_name=tz, day_start_hour=4) == expected_day
    start, end = scheduling.day_bounds(now, tz_name=tz, day_start_hour=4)
    assert start <= now < end


def test_a_day_start_inside_a_dst_gap_still_contains_now() -> None:
    # 02:00 does not exist in New York on 2026-03-08; the day starts when the clocks jump.
    now = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    start, end = scheduling.day_bounds(now, tz_name="America/New_York", day_start_hour=2)
    assert start <= now < end
    assert end - start == timedelta(hours=23)


def test_unknown_timezone_falls_back_to_utc() -> None:
    start, _end = scheduling.day_bounds(START, tz_name="Mars/Olympus", day_start_hour=4)
    assert start == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (30, "<1m"),
        (600, "<10m"),
        (3 * 3600, "<3h"),
        (3 * 86400, "3d"),
        (90 * 86400, "3.0mo"),
        (800 * 86400, "2.2y"),
    ],
)
def test_interval_labels(seconds: int, label: str) -> None:
    assert scheduling.format_interval(timedelta(seconds=seconds)) == label


def test_retrievability_falls_with_time() -> None:
    schedule = scheduling.Schedule(
        status=CardStatus.REVIEW, stability=10.0, difficulty=5.0, due=START, last_review=START
    )
    r0 = scheduling.retrievability(schedule, now=START, config=NO_FUZZ)
    r10 = scheduling.retrievability(schedule, now=START + timedelta(days=10), config=NO_FUZZ)
    assert r0 == pytest.approx(1.0)
    assert r10 == pytest.approx(0.9, abs=1e-6)  # by definition of stability
    assert scheduling.retrievability(scheduling.Schedule(), now=START, config=NO_FUZZ) == 0.0


def test_schedule_json_round_trip() -> None:
    s = scheduling.review(
        scheduling.Schedule(), 3, now=START, config=NO_FUZZ, card_id=1, learner_id=1
    )
    assert scheduling.Schedule.from_json(s.to_json()) == s


def test_the_fuzz_seed_includes_the_learner() -> None:
    fuzzy = scheduling.Config(enable_fuzzing=True)
    schedule = scheduling.Schedule(
        status=CardStatus.REVIEW,
        stability=40.0,
        difficulty=5.0,
        due=START,
        last_review=START - timedelta(days=40),
        reps=6,
    )
    dues = {
        scheduling.review(schedule, 3, now=START, config=fuzzy, card_id=9, learner_id=learner).due
        for learner in range(1, 30)
    }
    assert len(dues) > 1  # the same card, the same history: not fuzzed alike for everyone
    again = scheduling.review(schedule, 3, now=START, config=fuzzy, card_id=9, learner_id=1)
    assert (
        again.due
        == scheduling.review(schedule, 3, now=START, config=fuzzy, card_id=9, learner_id=1).due
    )


# Histories that reach every state: new, learning, graduating, review, lapsed and relearning.
_histories = st.lists(st.sampled_from([1, 2, 3, 3, 3, 4]), min_size=0, max_size=10)


@settings(max_examples=300, deadline=None)
@given(
    history=_histories,
    delays=st.lists(st.integers(0, 400), min_size=10, max_size=10),
    fuzz=st.booleans(),
    card_id=st.integers(1, 10_000),
    learner_id=st.integers(1, 10_000),
    retention=st.sampled_from([0.7, 0.8, 0.9, 0.95, 0.99]),
)
def test_passing_intervals_of_a_day_or_more_are_strictly_increasing(
    history, delays, fuzz, card_id, learner_id, retention
) -> None:
    config = scheduling.Config(enable_fuzzing=fuzz, desired_retention=retention)
    schedule, now = scheduling.Schedule(), START
    for rating, hours in zip(history, delays, strict=False):
        schedule = scheduling.review(
            schedule, rating, now=now, config=config, card_id=card_id, learner_id=learner_id
        )
        now = max(now, schedule.due) + timedelta(hours=hours)
    previews = scheduling.preview(
        schedule, now=now, config=config, card_id=card_id, learner_id=learner_id
    )
    long = [previews[r] for r in (2, 3, 4) if previews[r] - now >= timedelta(days=1)]
    cap = now + timedelta(days=config.maximum_interval)  # the maximum caps them all
    for shorter, longer in zip(long, long[1:], strict=False):
        assert longer - shorter >= timedelta(days=1) or longer == cap, (schedule, previews)
    for rating in scheduling.RATINGS:
        after = scheduling.review(
            schedule, rating, now=now, config=config, card_id=card_id, learner_id=learner_id
        )
        assert after.due == previews[rating]


# A card with a tiny stability: FSRS alone gives Hard, Good and Easy all the same one day here
# (on review; Good and Easy on relearning and on the last learning step).
@pytest.mark.parametrize(
    ("status", "step", "expected_days"),
    [
        (CardStatus.REVIEW, None, {2: 1, 3: 2, 4: 3}),  # Good pushed past Hard, Easy past Good
        (CardStatus.RELEARNING, 0, {3: 1, 4: 2}),  # Hard stays a relearning step (minutes)
        (CardStatus.LEARNING, 1, {3: 1, 4: 2}),  # graduating: Hard stays a learning step
    ],
)
def test_hard_good_and_easy_keep_anki_order_on_review_relearning_and_graduation(
    status, step, expected_days
) -> None:
    schedule = scheduling.Schedule(
        status=status,
        step=step,
        stability=0.1,
        difficulty=1.0,
        due=START,
        last_review=START - timedelta(minutes=10),
        reps=3,
    )
    previews = scheduling.preview(schedule, now=START, config=NO_FUZZ, card_id=5, learner_id=2)
    days = {r: (previews[r] - START) / timedelta(days=1) for r in (2, 3, 4)}
    assert {r: d for r, d in days.items() if d >= 1} == expected_days
    for rating, due in previews.items():
        after = scheduling.review(
            schedule, rating, now=START, config=NO_FUZZ, card_id=5, learner_id=2
        )
        assert after.due == due


# --- elapsed time in learner days ---------------------------------------------------------------

LEARNER = scheduling.Config(enable_fuzzing=False, tz_name="Europe/Berlin", day_start_hour=4)
HOURS = scheduling.Config(
    enable_fuzzing=False, tz_name="Europe/Berlin", day_start_hour=4, elapsed=scheduling.HOURS_24
)
# 08:21 UTC is 09:21 in Berlin; two days later the learner studies at 09:00 local.
REVIEWED = datetime(2026, 3, 2, 8, 21, tzinfo=UTC)
SESSION = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


def _in_review(last_review: datetime) -> scheduling.Schedule:
    return scheduling.Schedule(
        status=CardStatus.REVIEW,
        stability=2.3,
        difficulty=5.0,
        due=last_review + timedelta(days=2),
        last_review=last_review,
        reps=2,
    )


def test_a_card_due_at_0921_answered_in_a_0900_session_two_days_on_has_waited_two_days() -> None:
    assert scheduling.elapsed_days(REVIEWED, now=SESSION, config=LEARNER) == 2
    assert scheduling.elapsed_days(REVIEWED, now=SESSION, config=HOURS) == 1  # 47 h 39 min


@pytest.mark.parametrize(
    ("last", "now", "days"),
    [
        # 03:59 and 04:01 Berlin are a day apart (the day starts at 04:00) though 2 minutes apart.
        (datetime(2026, 3, 2, 2, 59, tzinfo=UTC), datetime(2026, 3, 2, 3, 1, tzinfo=UTC), 1),
        # 23:00 and 02:00 Berlin the next night are the same learner day.
        (datetime(2026, 3, 2, 22, 0, tzinfo=UTC), datetime(2026, 3, 3, 1, 0, tzinfo=UTC), 0),
        # Across the spring change (29 March): the 23-hour day still counts as one.
        (datetime(2026, 3, 28, 9, 0, tzinfo=UTC), datetime(2026, 3, 29, 8, 0, tzinfo=UTC), 1),
    ],
)
def test_learner_days_follow_the_day_start_and_dst(
    last: datetime, now: datetime, days: int
) -> None:
    assert scheduling.elapsed_days(last, now=now, config=LEARNER) == days


def test_learner_days_give_the_stability_of_the_days_the_learner_waited() -> None:
    schedule = _in_review(REVIEWED)
    by_day = scheduling.review(schedule, 3, now=SESSION, config=LEARNER, card_id=1, learner_id=1)
    by_24h = scheduling.review(schedule, 3, now=SESSION, config=HOURS, card_id=1, learner_id=1)
    # As if exactly two 24-hour periods had passed: what fsrs gives for an elapsed time of 2.
    two_days = scheduling.review(
        schedule, 3, now=REVIEWED + timedelta(days=2), config=HOURS, card_id=1, learner_id=1
    )
    assert by_day.stability == pytest.approx(two_days.stability)
    assert by_day.stability > by_24h.stability
    assert scheduling.retrievability(schedule, now=SESSION, config=LEARNER) < (
        scheduling.retrievability(schedule, now=SESSION, config=HOURS)
    )


@pytest.mark.parametrize("config", [LEARNER, HOURS], ids=["learner-days", "24h"])
@pytest.mark.parametrize("hours_later", [1, 20, 23.5, 26, 47.6, 49, 200])
def test_previews_equal_reviews_whichever_way_time_is_counted(
    config: scheduling.Config, hours_later: float
) -> None:
    for schedule in (_in_review(REVIEWED), scheduling.Schedule()):
        now = REVIEWED + timedelta(hours=hours_later)
        previews = scheduling.preview(schedule, now=now, config=config, card_id=3, learner_id=2)
        for rating in scheduling.RATINGS:
            after = scheduling.review(
                schedule, rating, now=now, config=config, card_id=3, learner_id=2
            )
            assert after.due == previews[rating]

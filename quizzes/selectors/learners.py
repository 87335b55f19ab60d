"""A learner's settings as the scheduler needs them, their day, and topic subtrees."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from quizzes import conf, scheduling
from quizzes.models import Bank, CardState, LearnerProfile, Topic


def learner_profile_get(*, learner: AbstractBaseUser) -> LearnerProfile:
    """The learner's profile, created with defaults on first use."""
    try:
        return learner.learner_profile  # type: ignore[attr-defined]
    except LearnerProfile.DoesNotExist:
        profile, _ = LearnerProfile.objects.get_or_create(user=learner)
        return profile


def scheduler_config(profile: LearnerProfile) -> scheduling.Config:
    return scheduling.Config(
        desired_retention=profile.desired_retention,
        parameters=tuple(profile.fsrs_parameters or ()),
        maximum_interval=conf.get("MAXIMUM_INTERVAL_DAYS"),
        enable_fuzzing=conf.get("ENABLE_FUZZING"),
        elapsed=conf.get("ELAPSED_DAYS"),
        tz_name=profile.timezone,
        day_start_hour=profile.day_start_hour,
    )


def learner_day(*, profile: LearnerProfile, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the learner's current day."""
    return scheduling.day_bounds(
        now, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )


def schedule_of(state: CardState | None) -> scheduling.Schedule:
    if state is None:
        return scheduling.Schedule()
    return scheduling.Schedule(
        status=state.status,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
        reps=state.reps,
        lapses=state.lapses,
    )


def topic_ids_with_descendants(*, bank: Bank, slugs: list[str]) -> list[int]:
    """Ids of the named topics and every topic below them (by the slug path convention)."""
    if not slugs:
        return []
    query = Q()
    for slug in slugs:
        query |= Q(slug=slug) | Q(slug__startswith=f"{slug}/")
    return list(Topic.objects.filter(query, bank=bank).values_list("id", flat=True))

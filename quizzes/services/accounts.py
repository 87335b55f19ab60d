"""Writes on a user's own settings: the learner profile and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import get_token_model

from quizzes.models import ApiTokenScope, Bank, Enrollment, LearnerProfile
from quizzes.selectors import learner_profile_get
from quizzes.services.daily_stats import daily_stats_rebuild

TIMEZONE_UNKNOWN = "Unknown time zone: use an IANA name such as Europe/Berlin."
EXPIRY_IN_PAST = "The expiry must be in the future."
PROFILE_FIELDS = (
    "timezone",
    "day_start_hour",
    "new_per_day",
    "reviews_per_day",
    "desired_retention",
    "bury_new_siblings",
    "bury_review_siblings",
)


def timezone_is_valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@transaction.atomic
def profile_update(*, learner: AbstractBaseUser, **changes: Any) -> LearnerProfile:
    """Change a learner's settings. New daily limits also apply to every enrolment that still
    had the old ones (limits set for one bank on purpose are left alone)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"profile fields {sorted(unknown)} cannot be changed here")
    if "timezone" in changes and not timezone_is_valid(changes["timezone"]):
        raise ValidationError({"timezone": [TIMEZONE_UNKNOWN]}, code="invalid")
    profile = learner_profile_get(learner=learner)
    old_day = (profile.timezone, profile.day_start_hour)
    enrollments = Enrollment.objects.filter(learner=learner)
    for name in ("new_per_day", "reviews_per_day"):
        if name in changes and changes[name] != getattr(profile, name):
            enrollments.filter(**{name: getattr(profile, name)}).update(**{name: changes[name]})
    for name, value in changes.items():
        setattr(profile, name, value)
    # Field validators hold the same bounds as the CHECK constraints, without extra queries.
    profile.full_clean(
        exclude=["user", "fsrs_parameters"], validate_unique=False, validate_constraints=False
    )
    day_moved = any(
        name in changes and changes[name] != before
        for name, before in (("timezone", old_day[0]), ("day_start_hour", old_day[1]))
    )
    profile.save()
    if day_moved:
        # Past reviews fall on other learner days now: the per-day sums follow.
        daily_stats_rebuild(learner=learner, profile=profile)
    return profile


@transaction.atomic
def api_token_create(
    *,
    user: AbstractBaseUser,
    now: datetime,
    name: str = "",
    read_only: bool = False,
    banks: Iterable[Bank] = (),
    expiry: datetime | None = None,
) -> tuple[ApiTokenScope, str]:
    """A new API token and its scope; returns the scope and the token text, shown only once.

    Only a digest of the token is stored (knox); `expiry` None means it never expires.
    """
    if expiry is not None and expiry <= now:
        raise ValidationError({"expires_at": [EXPIRY_IN_PAST]}, code="invalid")
    token, text = get_token_model().objects.create(user=user, expiry=None)
    if expiry is not None:
        # knox's manager takes a TTL from its own clock; store the absolute instant asked for.
        token.expiry = expiry
        token.save(update_fields=["expiry"])
    scope = ApiTokenScope.objects.create(token=token, name=name, read_only=read_only)
    scope.banks.set(list(banks))
    return scope, text


def api_token_revoke(*, scope: ApiTokenScope) -> None:
    """Revoke a token at once: it is deleted (its scope goes with it)."""
    scope.token.delete()

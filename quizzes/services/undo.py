"""Undo: the learner's latest review of today is taken back, its verdict kept."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from quizzes import errors
from quizzes.models import Bank, Card, ReviewLog
from quizzes.selectors import learner_day, learner_profile_get
from quizzes.services.attempts import attempt_reopen
from quizzes.services.daily_stats import daily_stat_unrecord
from quizzes.services.states import state_for_update, state_restore


@dataclass(frozen=True)
class UndoResult:
    log: ReviewLog
    card: Card


def review_undo(
    *,
    learner: AbstractBaseUser,
    now: datetime,
    bank: Bank | None = None,
    bank_ids: Collection[int] | None = None,
) -> UndoResult:
    """Undo the learner's latest live review of today: restore the state it held before, and
    re-open its attempt — the card comes back with that verdict and answer, to be rated again.

    `bank` or `bank_ids` narrow the search (an API token limited to some banks never reaches,
    nor names, a review in another bank)."""
    profile = learner_profile_get(learner=learner)
    start, end = learner_day(profile=profile, now=now)
    with transaction.atomic():
        logs = ReviewLog.objects.select_for_update().filter(
            learner=learner, undone_at__isnull=True, reviewed_at__gte=start, reviewed_at__lt=end
        )
        if bank is not None:
            logs = logs.filter(bank=bank)
        if bank_ids is not None:
            logs = logs.filter(bank_id__in=list(bank_ids))
        log = logs.select_related("card__question").order_by("-reviewed_at", "-id").first()
        if log is None:
            raise ValidationError(errors.NOTHING_TO_UNDO, code="nothing_to_undo")
        state = state_for_update(learner=learner, card=log.card)
        state_restore(state, log.state_before)
        state.save()
        log.undone_at = now
        log.save(update_fields=["undone_at"])
        daily_stat_unrecord(log=log, profile=profile)
        attempt_reopen(log=log, now=now)
    return UndoResult(log=log, card=log.card)

"""A learner's state row of a card: who may touch it, locking it, and its snapshots in the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes import errors, scheduling
from quizzes.models import Attempt, Card, CardState, Enrollment
from quizzes.selectors import open_attempt, schedule_of, state_locked


def enrollment_for_card(*, learner: AbstractBaseUser, card: Card) -> Enrollment:
    """The learner's enrolment in the card's bank; refuses retired cards and other banks."""
    try:
        enrollment = Enrollment.objects.get(learner=learner, bank_id=card.bank_id)
    except Enrollment.DoesNotExist:
        raise errors.NotEnrolled(errors.CARD_NOT_IN_ENROLLED_BANK) from None
    if card.retired_at is not None:
        raise ValidationError(errors.CARD_RETIRED, code="retired")
    return enrollment


def state_for_update(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """The learner's state row of a card, locked; created (as new) when missing."""
    return state_and_attempt_for_update(learner=learner, card=card)[0]


def state_and_attempt_for_update(
    *, learner: AbstractBaseUser, card: Card
) -> tuple[CardState, Attempt | None]:
    """The learner's state row of a card, locked (created, as new, when missing), and the open
    attempt at the card: read with the lock when the row exists, else once it is made."""
    found = state_locked(learner_id=learner.pk, card_id=card.pk)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            state = CardState.objects.create(
                learner=learner,
                card=card,
                bank_id=card.bank_id,
                retired=card.retired_at is not None,
            )
    except IntegrityError:
        # Another request created it first; take the row it made, waiting for its lock.
        found = state_locked(learner_id=learner.pk, card_id=card.pk)
        assert found is not None
        return found
    return state, open_attempt(learner_id=learner.pk, card_id=card.pk)


def state_snapshot(state: CardState | None) -> dict[str, Any]:
    """The state's fields as the log keeps them (state_before, state_after)."""
    if state is None:
        return {
            **scheduling.Schedule().to_json(),
            "suspended": False,
            "is_leech": False,
            "buried_until": None,
        }
    return {
        **schedule_of(state).to_json(),
        "suspended": state.suspended,
        "is_leech": state.is_leech,
        "buried_until": state.buried_until.isoformat() if state.buried_until else None,
    }


def state_restore(state: CardState, snapshot: dict[str, Any]) -> None:
    """Set the state's fields from a snapshot (undo, reset, a review's result); not saved."""
    schedule = scheduling.Schedule.from_json(snapshot)
    state.status = schedule.status
    state.step = schedule.step
    state.stability = schedule.stability
    state.difficulty = schedule.difficulty
    state.due = schedule.due
    state.last_review = schedule.last_review
    state.reps = schedule.reps
    state.lapses = schedule.lapses
    state.suspended = bool(snapshot.get("suspended"))
    state.is_leech = bool(snapshot.get("is_leech"))
    buried = snapshot.get("buried_until")
    state.buried_until = datetime.fromisoformat(buried) if buried else None

"""Card actions of one learner: suspend, unsuspend, bury (with cloze siblings), reset."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quizzes import scheduling
from quizzes.models import (
    Card,
    CardState,
)
from quizzes.selectors import (
    learner_day,
    learner_profile_get,
    schedule_of,
    scheduler_config,
)
from quizzes.services.attempts import attempt_close
from quizzes.services.states import enrollment_for_card, state_for_update, state_restore


def card_suspend(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """Take a card out of the queue until unsuspended."""
    enrollment_for_card(learner=learner, card=card)
    with transaction.atomic():
        state = state_for_update(learner=learner, card=card)
        state.suspended = True
        state.save(update_fields=["suspended"])
    return state


def card_unsuspend(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """Return a suspended card (a leech too) to the queue."""
    enrollment_for_card(learner=learner, card=card)
    with transaction.atomic():
        state = state_for_update(learner=learner, card=card)
        state.suspended = False
        state.save(update_fields=["suspended"])
    return state


def card_bury(*, learner: AbstractBaseUser, card: Card, now: datetime) -> list[CardState]:
    """Hide a card, and its cloze siblings, until the learner's next day starts."""
    enrollment_for_card(learner=learner, card=card)
    _start, end = learner_day(profile=learner_profile_get(learner=learner), now=now)
    siblings = list(Card.objects.filter(question_id=card.question_id, retired_at__isnull=True))
    states = []
    with transaction.atomic():
        for sibling in siblings:
            state = state_for_update(learner=learner, card=sibling)
            state.buried_until = end
            state.save(update_fields=["buried_until"])
            states.append(state)
    return states


def card_reset(*, learner: AbstractBaseUser, card: Card, now: datetime) -> CardState:
    """Forget a card: it is new again (its review history stays in the log), and the next
    answer to it is a fresh first attempt."""
    enrollment_for_card(learner=learner, card=card)
    with transaction.atomic():
        attempt_close(learner=learner, card=card, now=now)
        state = state_for_update(learner=learner, card=card)
        state_restore(
            state,
            {
                **scheduling.reset(schedule_of(state)).to_json(),
                "suspended": False,
                "is_leech": False,
                "buried_until": None,
            },
        )
        state.save()
    return state


def retrievability_now(
    *, learner: AbstractBaseUser, state: CardState | None, now: datetime
) -> float:
    config = scheduler_config(learner_profile_get(learner=learner))
    return scheduling.retrievability(schedule_of(state), now=now, config=config)

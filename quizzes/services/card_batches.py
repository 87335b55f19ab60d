"""Actions on many of a learner's cards at once (the card browser's bulk actions), through the
one-card services of quizzes.services.cards: all of them or none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from quizzes.models import Card, CardState, CardStatus, Enrollment
from quizzes.services.cards import card_bury, card_reset, card_suspend, card_unsuspend

BULK_ACTIONS = ("suspend", "unsuspend", "reset", "bury")
MAX_BULK_CARDS = 1000
BULK_ACTION_UNKNOWN = "Unknown action {action!r}: one of suspend, unsuspend, reset, bury."
BULK_NO_CARDS = "Choose at least one card."
BULK_TOO_MANY = "At most {limit} cards at once; narrow the search."
BULK_NOT_YOURS = "Not cards of a bank you study: {ids}."


@dataclass(frozen=True)
class BulkResult:
    action: str
    cards: list[int]  # the cards asked for, in order
    changed: list[int]  # those the action changed (a card already suspended is not)

    def to_json(self) -> dict[str, object]:
        return {"action": self.action, "cards": self.cards, "changed": self.changed}


def _changes(action: str, state: CardState | None, now: datetime) -> bool:
    """Whether `action` would change a card in this state (None: never touched)."""
    if action == "suspend":
        return state is None or not state.suspended
    if action == "unsuspend":
        return state is not None and state.suspended
    if action == "reset":
        return state is not None and (state.status != CardStatus.NEW or state.suspended)
    return state is None or state.buried_until is None or state.buried_until <= now


def cards_bulk_apply(
    *, learner: AbstractBaseUser, card_ids: Iterable[int], action: str, now: datetime
) -> BulkResult:
    """Suspend, unsuspend, reset or bury the learner's cards `card_ids`, all or none.

    Every id must be an active card of a bank the learner is enrolled in, else nothing is done
    and ValidationError names the others. Cards the action would not change are left alone;
    burying a card buries its cloze siblings too, as card_bury does.
    """
    if action not in BULK_ACTIONS:
        raise ValidationError(BULK_ACTION_UNKNOWN.format(action=action), code="invalid_action")
    ids = list(dict.fromkeys(int(i) for i in card_ids))
    if not ids:
        raise ValidationError(BULK_NO_CARDS, code="no_cards")
    if len(ids) > MAX_BULK_CARDS:
        raise ValidationError(BULK_TOO_MANY.format(limit=MAX_BULK_CARDS), code="too_many")
    enrolled = Enrollment.objects.filter(learner=learner).values("bank_id")
    cards = Card.objects.filter(pk__in=ids, bank_id__in=enrolled, retired_at__isnull=True)
    found = {card.pk: card for card in cards.select_related("question")}
    if missing := [i for i in ids if i not in found]:
        shown = ", ".join(str(i) for i in missing[:20]) + (" …" if len(missing) > 20 else "")
        raise ValidationError(BULK_NOT_YOURS.format(ids=shown), code="not_your_cards")
    states = {s.card_id: s for s in CardState.objects.filter(learner=learner, card_id__in=ids)}
    changed = []
    with transaction.atomic():
        for card_id in ids:
            if not _changes(action, states.get(card_id), now):
                continue
            card = found[card_id]
            if action == "suspend":
                card_suspend(learner=learner, card=card)
            elif action == "unsuspend":
                card_unsuspend(learner=learner, card=card)
            elif action == "reset":
                card_reset(learner=learner, card=card, now=now)
            else:
                card_bury(learner=learner, card=card, now=now)
            changed.append(card_id)
    return BulkResult(action=action, cards=ids, changed=changed)

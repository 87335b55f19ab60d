"""Hot-path lookups of the study loop (see quizzes/rawfetch.py for why these are hand-written)."""

from __future__ import annotations

from functools import lru_cache

from django.db import connection

from quizzes import rawfetch
from quizzes.models import Card, CardState, Question


@lru_cache(maxsize=8)
def _lookup_sql(name: str, vendor: str) -> str:
    state, card, question = (
        CardState._meta.db_table,
        Card._meta.db_table,
        Question._meta.db_table,
    )
    if name == "card":
        return (
            f"SELECT {rawfetch.columns(Card, 'c')}, {rawfetch.columns(Question, 'q')} FROM {card} c"
            f" JOIN {question} q ON q.id = c.question_id WHERE c.id = %s"
        )
    if name == "state":
        return (
            f"SELECT {rawfetch.columns(CardState, 's')}, {rawfetch.columns(Card, 'c')},"
            f" {rawfetch.columns(Question, 'q')} FROM {state} s JOIN {card} c ON c.id = s.card_id"
            f" JOIN {question} q ON q.id = c.question_id WHERE s.id = %s"
        )
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {rawfetch.columns(CardState, 's')} FROM {state} s"
        f" WHERE s.learner_id = %s AND s.card_id = %s{lock}"
    )


def card_with_question(*, card_id: int) -> Card | None:
    """The card and its question (one indexed lookup), or None."""
    got = rawfetch.fetch_one(_lookup_sql("card", connection.vendor), [card_id], [Card, Question])
    if got is None:
        return None
    card, question = got
    card.question = question
    return card


def state_with_card(*, state_id: int) -> CardState | None:
    """A card state with its card and question loaded, or None."""
    got = rawfetch.fetch_one(
        _lookup_sql("state", connection.vendor), [state_id], [CardState, Card, Question]
    )
    if got is None:
        return None
    state, card, question = got
    card.question = question
    state.card = card
    return state


def state_locked(*, learner_id: int, card_id: int) -> CardState | None:
    """The learner's state row of a card, locked for this transaction (FOR UPDATE where the
    database has row locks; SQLite's IMMEDIATE transactions already serialise writers)."""
    got = rawfetch.fetch_one(
        _lookup_sql("lock", connection.vendor), [learner_id, card_id], [CardState]
    )
    return got[0] if got else None

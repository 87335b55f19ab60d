"""Hot-path lookups of the study loop (see quizzes/rawfetch.py for why these are hand-written).

Each joins the learner's open attempt at the card (if any), so that serving, checking or
reviewing a card learns whether its first verdict is already given without another query.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection

from quizzes import rawfetch
from quizzes.models import Attempt, Card, CardState, Question


@lru_cache(maxsize=16)
def _lookup_sql(name: str, vendor: str) -> str:
    state, card, question, attempt = (
        CardState._meta.db_table,
        Card._meta.db_table,
        Question._meta.db_table,
        Attempt._meta.db_table,
    )
    open_attempt = (
        f" LEFT JOIN {attempt} a ON a.card_id = {{card}} AND a.learner_id = {{learner}}"
        " AND a.closed_at IS NULL"
    )
    if name == "card":
        return (
            f"SELECT {rawfetch.columns(Card, 'c')}, {rawfetch.columns(Question, 'q')} FROM {card} c"
            f" JOIN {question} q ON q.id = c.question_id WHERE c.id = %s"
        )
    if name == "card_for_learner":
        return (
            f"SELECT {rawfetch.columns(Card, 'c')}, {rawfetch.columns(Question, 'q')},"
            f" {rawfetch.columns(CardState, 's')}, {rawfetch.columns(Attempt, 'a')} FROM {card} c"
            f" JOIN {question} q ON q.id = c.question_id"
            f" LEFT JOIN {state} s ON s.card_id = c.id AND s.learner_id = %s"
            + open_attempt.format(card="c.id", learner="%s")
            + " WHERE c.id = %s"
        )
    if name == "state":
        return (
            f"SELECT {rawfetch.columns(CardState, 's')}, {rawfetch.columns(Card, 'c')},"
            f" {rawfetch.columns(Question, 'q')}, {rawfetch.columns(Attempt, 'a')}"
            f" FROM {state} s JOIN {card} c ON c.id = s.card_id"
            f" JOIN {question} q ON q.id = c.question_id"
            + open_attempt.format(card="s.card_id", learner="s.learner_id")
            + " WHERE s.id = %s"
        )
    if name == "attempt":
        return (
            f"SELECT {rawfetch.columns(Attempt, 'a')} FROM {attempt} a"
            " WHERE a.learner_id = %s AND a.card_id = %s AND a.closed_at IS NULL"
        )
    # PostgreSQL cannot lock the nullable side of an outer join: lock the state row only.
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {rawfetch.columns(CardState, 's')}, {rawfetch.columns(Attempt, 'a')}"
        f" FROM {state} s"
        + open_attempt.format(card="s.card_id", learner="s.learner_id")
        + f" WHERE s.learner_id = %s AND s.card_id = %s{lock}"
    )


def card_with_question(*, card_id: int) -> Card | None:
    """The card and its question (one indexed lookup), or None."""
    got = rawfetch.fetch_one(_lookup_sql("card", connection.vendor), [card_id], [Card, Question])
    if got is None:
        return None
    card, question = got
    card.question = question
    return card


def card_for_learner(
    *, card_id: int, learner_id: int
) -> tuple[Card, CardState | None, Attempt | None] | None:
    """A card with its question, the learner's state of it and open attempt at it (either may
    be missing), in one indexed lookup; None when there is no such card."""
    got = rawfetch.fetch_one(
        _lookup_sql("card_for_learner", connection.vendor),
        [learner_id, learner_id, card_id],
        [Card, Question, CardState, Attempt],
    )
    if got is None:
        return None
    card, question, state, attempt = got
    card.question = question
    if state is not None:
        state.card = card
    return card, state, attempt


def state_with_card(*, state_id: int) -> tuple[CardState, Attempt | None] | None:
    """A card state with its card and question loaded, and the learner's open attempt at the
    card (or None); None when there is no such state."""
    got = rawfetch.fetch_one(
        _lookup_sql("state", connection.vendor),
        [state_id],
        [CardState, Card, Question, Attempt],
    )
    if got is None:
        return None
    state, card, question, attempt = got
    card.question = question
    state.card = card
    return state, attempt


def open_attempt(*, learner_id: int, card_id: int) -> Attempt | None:
    """The learner's open attempt at a card, if any."""
    got = rawfetch.fetch_one(
        _lookup_sql("attempt", connection.vendor), [learner_id, card_id], [Attempt]
    )
    return got[0] if got else None


def state_locked(*, learner_id: int, card_id: int) -> tuple[CardState, Attempt | None] | None:
    """The learner's state row of a card, locked for this transaction (FOR UPDATE where the
    database has row locks; SQLite's IMMEDIATE transactions already serialise writers), with
    the open attempt at the card read in the same statement."""
    got = rawfetch.fetch_one(
        _lookup_sql("lock", connection.vendor), [learner_id, card_id], [CardState, Attempt]
    )
    if got is None:
        return None
    state, attempt = got
    return state, attempt

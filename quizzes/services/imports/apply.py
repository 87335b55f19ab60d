"""Writing an import plan: bulk statements, so the number of queries grows with batches of
BATCH rows, not with questions. Runs inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quizzes.importers.base import ParsedQuestion
from quizzes.models import Bank, Card, CardState, CardStatus, Question, Topic
from quizzes.services.banks import question_sync_cards
from quizzes.services.imports.plan import ImportPlan

BATCH = 500
_T = TypeVar("_T")

_CONTENT_FIELDS = [
    "kind",
    "prompt",
    "explanation",
    "spec",
    "difficulty",
    "source",
    "since",
    "tags",
    "content_hash",
    "retired_at",
    "updated_at",
]
# A card made new again, as services.cards.card_reset does it (reps and lapses stay as history).
_NEW_STATE: dict[str, Any] = {
    "status": CardStatus.NEW,
    "step": None,
    "stability": None,
    "difficulty": None,
    "due": None,
    "last_review": None,
    "suspended": False,
    "is_leech": False,
    "buried_until": None,
}


def chunks(items: Sequence[_T], size: int = BATCH) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fill(question: Question, pq: ParsedQuestion, digest: str) -> None:
    question.kind = pq.kind
    question.prompt = pq.prompt
    question.explanation = pq.explanation
    question.spec = pq.spec
    question.difficulty = pq.difficulty
    question.source = pq.source
    question.since = pq.since
    question.tags = list(pq.tags)
    question.content_hash = digest


def plan_apply(
    *,
    plan: ImportPlan,
    user: AbstractBaseUser | None,
    now: datetime,
    reset_changed: bool = False,
    new_title: str = "",
) -> tuple[Bank, int]:
    """Make every change of `plan`; return the bank and how many learners' cards were reset.

    Must run in a transaction (the caller's): an error anywhere leaves the bank as it was.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("plan_apply must run inside transaction.atomic()")
    parsed = plan.parsed
    bank = plan.bank
    if bank is None:
        bank = Bank.objects.create(
            slug=plan.slug,
            title=(new_title or parsed.title or plan.slug)[:200],
            description=parsed.description,
            version=parsed.version[:50],
            owner=user if user is not None and user.pk else None,
        )
    elif plan.bank_changes:
        fields: dict[str, Any] = {
            c.field: c.after for c in plan.bank_changes if c.field != "status"
        }
        Bank.objects.filter(pk=bank.pk).update(**fields, retired_at=None, updated_at=now)

    topic_ids = _write_topics(plan, bank)

    created = []
    for pq in plan.created:
        question = Question(bank=bank, external_id=pq.external_id, updated_at=now)
        _fill(question, pq, plan.hashes[pq.external_id])
        created.append(question)
    Question.objects.bulk_create(created, batch_size=BATCH)

    updated = []
    for update in plan.updated:
        _fill(update.question, update.parsed, plan.hashes[update.parsed.external_id])
        update.question.retired_at = None
        update.question.updated_at = now
        updated.append(update.question)
    Question.objects.bulk_update(updated, _CONTENT_FIELDS, batch_size=BATCH)
    for question, digest in plan.rehash:
        question.content_hash = digest
    Question.objects.bulk_update([q for q, _d in plan.rehash], ["content_hash"], batch_size=BATCH)

    # Topic links in the file's order (the first is the primary topic): new questions, and
    # updated ones whose topics changed.
    relink = [u for u in plan.updated if any(c.field == "topics" for c in u.changes)]
    through = Question.topics.through
    for part in chunks([u.question.pk for u in relink]):
        through.objects.filter(question_id__in=part).delete()
    pairs = [(q.pk, pq) for q, pq in zip(created, plan.created, strict=True)]
    pairs += [(u.question.pk, u.parsed) for u in relink]
    through.objects.bulk_create(
        [
            through(question_id=pk, topic_id=topic_ids[slug])
            for pk, pq in pairs
            for slug in dict.fromkeys(pq.topics)
        ],
        batch_size=BATCH,
    )

    for part in chunks([q.pk for q in plan.retired]):
        Question.objects.filter(pk__in=part).update(retired_at=now, updated_at=now)
    for question in plan.retired:
        question.retired_at = now
    question_sync_cards(questions=[*created, *updated, *plan.retired], now=now)

    cards_reset = _reset_changed_answers(plan) if reset_changed else 0
    return bank, cards_reset


def _write_topics(plan: ImportPlan, bank: Bank) -> dict[str, int]:
    ids = dict(plan.topic_ids)
    # Created in the file's order (their ids keep it: exports list topics in creation order),
    # then linked to their parents: two statements whatever the depth of the tree.
    rows = Topic.objects.bulk_create(
        [Topic(bank=bank, slug=t.slug, title=t.title) for t in plan.topics_created],
        batch_size=BATCH,
    )
    ids.update({row.slug: row.pk for row in rows})
    linked = []
    for row, pt in zip(rows, plan.topics_created, strict=True):
        if pt.parent:
            if pt.parent not in ids:
                raise ValueError(f"topic {pt.slug!r} has an unknown parent")
            row.parent_id = ids[pt.parent]
            linked.append(row)
    Topic.objects.bulk_update(linked, ["parent"], batch_size=BATCH)
    changed = []
    for topic, pt, _changes in plan.topics_updated:
        topic.title = pt.title
        topic.parent_id = ids.get(pt.parent) if pt.parent else None
        changed.append(topic)
    Topic.objects.bulk_update(changed, ["title", "parent"], batch_size=BATCH)
    return ids


def _reset_changed_answers(plan: ImportPlan) -> int:
    """Make the learners' cards whose right answer changed new again; their logs are kept."""
    wanted = {u.question.pk: set(u.answer_changed) for u in plan.updated if u.answer_changed}
    card_ids: list[int] = []
    for part in chunks(list(wanted)):
        for pk, question_id, deletion in Card.objects.filter(question_id__in=part).values_list(
            "pk", "question_id", "deletion"
        ):
            if deletion in wanted[question_id]:
                card_ids.append(pk)
    reset = 0
    for part in chunks(card_ids):
        reset += CardState.objects.filter(card_id__in=part).update(**_NEW_STATE)
    return reset

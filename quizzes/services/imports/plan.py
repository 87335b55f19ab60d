"""What an import would change: a parsed file compared with its bank, question by question.

Reads only: three queries, and two per batch of questions that may have changed (none for a
file that changes nothing). The plan is both the preview shown to the instructor (created,
updated with a field-by-field diff, unchanged, retired) and the exact list of writes
`apply.plan_apply` makes; its digest lets a confirmation check that the bank has not changed
since the preview.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from quizzes.grading import parse_cloze
from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from quizzes.models import Bank, Question, QuestionKind, Topic

# Characters of one value kept in a stored or shown diff: a 3 MB prompt is never repeated.
CLIP = 300
_MISSING = object()


def clip(value: Any, limit: int = CLIP) -> Any:
    """A value cut short for display: long strings end with how long they really were."""
    if value is _MISSING:
        return None
    if isinstance(value, str):
        if len(value) <= limit:
            return value
        return f"{value[:limit]}… ({len(value):,} characters)"
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value if len(text) <= limit else clip(text, limit)


@dataclass(frozen=True)
class Change:
    """One field of a question (or topic, or bank) that the import changes."""

    field: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "before": clip(self.before), "after": clip(self.after)}


@dataclass
class QuestionUpdate:
    """An existing question the file changes; its cards, states and logs are kept."""

    question: Question
    parsed: ParsedQuestion
    changes: list[Change]
    # Cards ("" or a cloze deletion key) whose right answer is no longer the same.
    answer_changed: tuple[str, ...] = ()

    @property
    def revived(self) -> bool:
        return self.question.retired_at is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.parsed.external_id,
            "line": self.parsed.line,
            "kind": self.parsed.kind,
            "answer_changed": bool(self.answer_changed),
            "revived": self.revived,
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass
class ImportPlan:
    """Every change an import makes, in the file's order."""

    slug: str
    bank: Bank | None  # None: the import creates the bank
    parsed: ParsedBank
    bank_changes: list[Change] = field(default_factory=list)
    topics_created: list[ParsedTopic] = field(default_factory=list)
    topics_updated: list[tuple[Topic, ParsedTopic, list[Change]]] = field(default_factory=list)
    created: list[ParsedQuestion] = field(default_factory=list)
    updated: list[QuestionUpdate] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[Question] = field(default_factory=list)
    # Unchanged questions whose stored digest is stale (written outside imports): refreshed.
    rehash: list[tuple[Question, str]] = field(default_factory=list)
    # The bank's topics by slug (ids), for linking questions.
    topic_ids: dict[str, int] = field(default_factory=dict)
    # Each question's content digest, by external id (computed once).
    hashes: dict[str, str] = field(default_factory=dict)
    digest: str = ""

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "retired": len(self.retired),
        }

    @property
    def writes_nothing(self) -> bool:
        return not (
            self.bank is None
            or self.bank_changes
            or self.topics_created
            or self.topics_updated
            or self.created
            or self.updated
            or self.retired
            or self.rehash
        )

    def to_json(self) -> dict[str, Any]:
        """The diff as stored on the ImportRun and returned by the API (values clipped)."""
        return {
            "bank": [c.to_json() for c in self.bank_changes],
            "topics": {
                "created": [t.slug for t in self.topics_created],
                "updated": [
                    {"slug": t.slug, "changes": [c.to_json() for c in changes]}
                    for t, _p, changes in self.topics_updated
                ],
            },
            "created": [
                {"id": q.external_id, "line": q.line, "kind": q.kind, "prompt": clip(q.prompt, 120)}
                for q in self.created
            ],
            "updated": [u.to_json() for u in self.updated],
            "unchanged": list(self.unchanged),
            "retired": [q.external_id for q in self.retired],
        }


# --- comparing ----------------------------------------------------------------------------------

_QUESTION_FIELDS = ("kind", "prompt", "explanation", "difficulty", "source", "since", "tags")


def value_changes(path: str, before: Any, after: Any, *, depth: int = 0) -> list[Change]:
    """The leaves that differ between two JSON values, as dotted paths (`spec.options[b].text`).

    Lists of objects with unique ids are matched by id, so inserting an option shows as one
    added option, not as every later option changed.
    """
    if before == after:
        return []
    if depth >= 12:
        return [Change(path, before, after)]
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[Change] = []
        for key in [*before, *(k for k in after if k not in before)]:
            out += value_changes(
                f"{path}.{key}",
                before.get(key, _MISSING),
                after.get(key, _MISSING),
                depth=depth + 1,
            )
        return out
    if isinstance(before, list) and isinstance(after, list):
        by_id_before, by_id_after = _by_id(before), _by_id(after)
        if by_id_before is not None and by_id_after is not None:
            out = []
            keys = [*by_id_before, *(k for k in by_id_after if k not in by_id_before)]
            for key in keys:
                out += value_changes(
                    f"{path}[{key}]",
                    by_id_before.get(key, _MISSING),
                    by_id_after.get(key, _MISSING),
                    depth=depth + 1,
                )
            if not out:  # same items, another order
                out.append(Change(f"{path} (order)", [*by_id_before], [*by_id_after]))
            return out
        if len(before) == len(after) and all(isinstance(v, dict | list) for v in before + after):
            out = []
            for index, (b, a) in enumerate(zip(before, after, strict=True)):
                out += value_changes(f"{path}[{index}]", b, a, depth=depth + 1)
            return out
    return [
        Change(path, None if before is _MISSING else before, None if after is _MISSING else after)
    ]


def _by_id(items: list[Any]) -> dict[str, Any] | None:
    if not items or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        return None
    found = {i["id"]: i for i in items}
    return found if len(found) == len(items) else None


def card_answers(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """What counts as the right answer of each card of a question (by deletion key).

    Texts rather than ids, so renaming an option id is not a new answer while rewording the
    right option is. Display-only settings (shuffle, hints) are left out.
    """
    try:
        if kind == QuestionKind.CLOZE:
            alternatives = spec.get("alternatives") or {}
            answers: dict[str, Any] = {}
            for d in parse_cloze(spec.get("text", "")):
                answers.setdefault(d.key, [sorted(alternatives.get(d.key, []))]).append(d.answer)
            return answers
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            correct = spec.get("correct")
            chosen = {correct} if isinstance(correct, str) else set(correct or [])
            texts = sorted(o.get("text") for o in spec.get("options", []) if o.get("id") in chosen)
            return {"": texts}
        if kind == QuestionKind.ORDERING:
            texts = {i.get("id"): i.get("text") for i in spec.get("items", [])}
            return {"": [texts.get(i) for i in spec.get("correct_order", [])]}
        if kind == QuestionKind.MATCHING:
            left = {i.get("id"): i.get("text") for i in spec.get("left", [])}
            right = {i.get("id"): i.get("text") for i in spec.get("right", [])}
            pairs = spec.get("pairs", {})
            return {"": sorted((left.get(k), right.get(v)) for k, v in pairs.items())}
        if kind == QuestionKind.FLASHCARD:
            return {"": spec.get("back")}
    except (AttributeError, TypeError):
        pass
    # True/false, short answers and command lines: everything in the spec decides the verdict.
    return {"": spec}


def _answer_changed(before: Question, after: ParsedQuestion) -> tuple[str, ...]:
    if before.kind != after.kind:
        old = card_answers(before.kind, before.spec)
        return tuple(dict.fromkeys([*old, *card_answers(after.kind, after.spec)]))
    old = card_answers(before.kind, before.spec)
    new = card_answers(after.kind, after.spec)
    return tuple(k for k in old if k in new and old[k] != new[k])


def _question_changes(question: Question, topics: list[str], pq: ParsedQuestion) -> list[Change]:
    changes: list[Change] = []
    if question.retired_at is not None:
        changes.append(Change("status", "retired", "active"))
    for name in _QUESTION_FIELDS:
        before = getattr(question, name)
        after = list(pq.tags) if name == "tags" else getattr(pq, name)
        if name == "tags":
            before = list(before or [])
        if before != after:
            changes.append(Change(name, before, after))
    if topics != list(dict.fromkeys(pq.topics)):
        changes.append(Change("topics", topics, list(dict.fromkeys(pq.topics))))
    changes += value_changes("spec", question.spec, pq.spec)
    return changes


def import_plan(
    *,
    slug: str,
    parsed: ParsedBank,
    bank_fields_from_file: bool,
    retire_missing: bool = True,
) -> ImportPlan:
    """Compare `parsed` with the bank `slug` (which may not exist yet). Writes nothing."""
    bank = Bank.objects.filter(slug=slug).first()
    plan = ImportPlan(slug=slug, bank=bank, parsed=parsed)
    existing_topics: dict[str, Topic] = {}
    existing: dict[str, Question] = {}
    if bank is not None:
        if bank_fields_from_file:
            for name in ("title", "description", "version"):
                after = getattr(parsed, name)
                if name == "version" and not after:
                    continue  # a file without a version keeps the bank's
                if getattr(bank, name) != after:
                    plan.bank_changes.append(Change(name, getattr(bank, name), after))
        if bank.retired_at is not None:
            plan.bank_changes.append(Change("status", "retired", "active"))
        existing_topics = {t.slug: t for t in Topic.objects.filter(bank=bank)}
        # Only what tells unchanged from changed; the changed ones are read whole below.
        existing = {
            q.external_id: q
            for q in Question.objects.filter(bank=bank)
            .only("id", "bank_id", "external_id", "content_hash", "retired_at")
            .order_by("id")
        }
    plan.topic_ids = {s: t.pk for s, t in existing_topics.items()}
    parents = {t.pk: t.slug for t in existing_topics.values()}

    for pt in parsed.topics:
        topic = existing_topics.get(pt.slug)
        if topic is None:
            plan.topics_created.append(pt)
            continue
        changes = []
        if topic.title != pt.title:
            changes.append(Change("title", topic.title, pt.title))
        before_parent = parents.get(topic.parent_id) if topic.parent_id else None
        if before_parent != (pt.parent or None):
            changes.append(Change("parent", before_parent, pt.parent or None))
        if changes:
            plan.topics_updated.append((topic, pt, changes))

    hashes = plan.hashes = {pq.external_id: pq.content_hash() for pq in parsed.questions}
    candidates = [
        existing[pq.external_id]
        for pq in parsed.questions
        if pq.external_id in existing
        and (
            existing[pq.external_id].content_hash != hashes[pq.external_id]
            or existing[pq.external_id].retired_at is not None
        )
    ]
    whole, links = _read_whole(candidates, {t.pk: s for s, t in existing_topics.items()})
    for pq in parsed.questions:
        question = existing.get(pq.external_id)
        if question is None:
            plan.created.append(pq)
            continue
        digest = hashes[pq.external_id]
        if question.content_hash == digest and question.retired_at is None:
            plan.unchanged.append(pq.external_id)
            continue
        question = whole[question.pk]
        changes = _question_changes(question, links.get(question.pk, []), pq)
        if not changes:
            plan.unchanged.append(pq.external_id)
            plan.rehash.append((question, digest))
            continue
        plan.updated.append(QuestionUpdate(question, pq, changes, _answer_changed(question, pq)))

    if retire_missing:
        in_file = {pq.external_id for pq in parsed.questions}
        plan.retired = [
            q for q in existing.values() if q.external_id not in in_file and q.retired_at is None
        ]
    plan.digest = _digest(plan, existing, hashes)
    return plan


def _read_whole(
    questions: list[Question], slugs: dict[int, str]
) -> tuple[dict[int, Question], dict[int, list[str]]]:
    """The questions that may have changed, read whole, and their topics in link order: a
    query per batch of them, none for a file that changes nothing."""
    whole: dict[int, Question] = {}
    links: dict[int, list[str]] = {}
    through = Question.topics.through
    ids = [q.pk for q in questions]
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        whole.update({q.pk: q for q in Question.objects.filter(pk__in=part)})
        for question_id, topic_id in (
            through.objects.filter(question_id__in=part)
            .order_by("id")
            .values_list("question_id", "topic_id")
        ):
            links.setdefault(question_id, []).append(slugs[topic_id])
    return whole, links


def _digest(plan: ImportPlan, existing: dict[str, Question], hashes: dict[str, str]) -> str:
    """A fingerprint of the bank's state and the file's content that the plan rests on."""
    rows: list[Any] = []
    for pq in plan.parsed.questions:
        before = existing.get(pq.external_id)
        rows.append(
            [
                pq.external_id,
                before.content_hash if before else "",
                bool(before and before.retired_at),
                hashes[pq.external_id],
            ]
        )
    payload = {
        "slug": plan.slug,
        "bank": plan.bank.pk if plan.bank else None,
        "bank_changes": [[c.field, c.before, c.after] for c in plan.bank_changes],
        "topics_created": [[t.slug, t.title, t.parent] for t in plan.topics_created],
        "topics_updated": [[t.slug, p.title, p.parent] for t, p, _c in plan.topics_updated],
        "questions": rows,
        "retired": sorted(q.external_id for q in plan.retired),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()

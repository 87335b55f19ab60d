"""Cards and questions as JSON for learners: what to show, in the order to show it, and never
the answer before it has been given.

Choice options (unless the spec says `"shuffle": false`), ordering items and the right-hand
column of a matching question are shuffled with a random source seeded by the learner, the card
and its review count: the same card shows the same order until it is reviewed again.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from quizzes import grading
from quizzes.cloze_html import Mode as ClozeMode
from quizzes.cloze_html import cloze_to_html
from quizzes.models import Card, Question, QuestionKind
from quizzes.rendering import markdown_inline, markdown_to_html
from quizzes.selectors import QuestionAttempts

# What the answer payload of each kind looks like (docs/formats.md).
ANSWER_FORMATS = {
    QuestionKind.FLASHCARD: "none",
    QuestionKind.SINGLE_CHOICE: "option_id",
    QuestionKind.MULTIPLE_CHOICE: "option_ids",
    QuestionKind.TRUE_FALSE: "boolean",
    QuestionKind.SHORT_ANSWER: "text",
    QuestionKind.SHELL_COMMAND: "command_line",
    QuestionKind.CLOZE: "blanks",
    QuestionKind.ORDERING: "item_ids",
    QuestionKind.MATCHING: "pairs",
}


def markdown(text: str) -> dict[str, str]:
    """Raw Markdown and its sanitised HTML."""
    return {"markdown": text, "html": markdown_to_html(text)}


def seeded_random(*parts: object) -> random.Random:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _choices(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"id": item["id"], "text": item["text"], "html": markdown_inline(item["text"])}
        for item in items
    ]


def _shuffled(items: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    items = list(items)
    rng.shuffle(items)
    return items


def content(question: Question, *, rng: random.Random, deletion: str | None) -> dict[str, Any]:
    """The controls a question needs (options, items, pairs, blanks), without the answer."""
    spec = question.spec or {}
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = spec.get("options", [])
        if spec.get("shuffle", True):
            options = _shuffled(options, rng)
        return {"options": _choices(options)}
    if kind == QuestionKind.ORDERING:
        return {"items": _choices(_shuffled(spec.get("items", []), rng))}
    if kind == QuestionKind.MATCHING:
        return {
            "left": _choices(spec.get("left", [])),
            "right": _choices(_shuffled(spec.get("right", []), rng)),
        }
    if kind == QuestionKind.CLOZE:
        text = spec.get("text", "")
        shown = grading.render_cloze(text, hide=deletion)
        blanks = {}
        for d in grading.parse_cloze(text):
            if deletion is None or d.key == deletion:
                blanks.setdefault(d.key, d.hint)
        return {
            "cloze": {
                "markdown": shown,
                # The same pipeline as the study page: blanks are Markdown tokens, nh3 runs last.
                "html": cloze_to_html(text, key=deletion, mode=ClozeMode.MASK),
                "blanks": [{"key": key, "hint": hint} for key, hint in blanks.items()],
            }
        }
    return {}


def card_payload(*, card: Card, learner_id: int, reps: int, bank_slug: str) -> dict[str, Any]:
    """A card ready to show: prompt, controls in display order, and the answer format."""
    question = card.question
    rng = seeded_random(learner_id, card.pk, reps)
    return {
        "id": card.pk,
        "question": question.pk,
        "external_id": question.external_id,
        "bank": bank_slug,
        "kind": question.kind,
        "deletion": card.deletion or None,
        "difficulty": question.difficulty,
        "source": question.source,
        "since": question.since,
        "prompt": markdown(question.prompt),
        "answer_format": ANSWER_FORMATS[QuestionKind(question.kind)],
        **content(question, rng=rng, deletion=card.deletion or None),
    }


def solution_payload(question: Question, *, deletion: str | None = None) -> dict[str, Any]:
    """The answer side: the expected answer (payload shape) and the explanation."""
    spec = question.spec or {}
    solution: dict[str, Any] = {
        "expected": grading.expected_answer(question.kind, spec, deletion=deletion),
        "explanation": markdown(question.explanation),
    }
    if question.kind == QuestionKind.FLASHCARD:
        solution["back"] = markdown(spec.get("back", ""))
    if question.kind == QuestionKind.CLOZE:
        text = spec.get("text", "")
        solution["text"] = {
            "markdown": grading.render_cloze(text, hide=None, reveal=True),
            "html": cloze_to_html(text, key=deletion, mode=ClozeMode.REVEAL),
        }
    return solution


def question_payload(
    question: Question,
    *,
    viewer_id: int,
    instructor: bool,
    answered: bool,
    topics: list[str],
    cards: list[int],
    statistics: QuestionAttempts | None = None,
) -> dict[str, Any]:
    """A question for reading (not studying): the answer only for instructors, or for a learner
    who has already answered one of its cards; instructors also get its `statistics`."""
    rng = seeded_random(viewer_id, "question", question.pk)
    payload: dict[str, Any] = {
        "id": question.pk,
        "bank": question.bank.slug,
        "external_id": question.external_id,
        "kind": question.kind,
        "difficulty": question.difficulty,
        "source": question.source,
        "since": question.since,
        "tags": list(question.tags or []),
        "topics": topics,
        "prompt": markdown(question.prompt),
        "answer_format": ANSWER_FORMATS[QuestionKind(question.kind)],
        "cards": cards,
        "answered": answered,
        **content(question, rng=rng, deletion=None),
        "solution": solution_payload(question) if (answered or instructor) else None,
    }
    if instructor:
        payload["spec"] = question.spec
        payload["retired_at"] = question.retired_at
        payload["updated_at"] = question.updated_at
        payload["statistics"] = (statistics or QuestionAttempts()).to_json()
    return payload

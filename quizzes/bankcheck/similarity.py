"""How alike two questions are: TF-IDF cosine similarity of their prompt and expected answer.

Each question becomes one document: its prompt and the text of its expected answer (the right
option, the first accepted spelling, the cloze text, the ordered items, the matched pairs, the
back of a flashcard). Words are runs of letters, digits and `_./-` (so `modules.dep`, `-r`,
`snd_hda_intel` stay whole), weighted by sublinear term frequency times inverse document frequency
over the bank, so that words every question uses (`module`, `kernel`) count for little and a rare
word two questions share (`softdep`, `i915`) counts for much. docs/bank.md gives the distribution
over the bank and why pairs at or above the threshold are duplicates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from quizzes.importers.base import ParsedQuestion

THRESHOLD = 0.6
_WORD = re.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)*")


def answer_text(kind: str, spec: dict[str, Any]) -> str:
    """The expected answer of a question as plain text."""
    if kind == "flashcard":
        return str(spec.get("back", ""))
    if kind in ("single_choice", "multiple_choice"):
        correct = spec["correct"] if kind == "multiple_choice" else [spec["correct"]]
        return " ".join(o["text"] for o in spec["options"] if o["id"] in correct)
    if kind == "true_false":
        return "true" if spec["correct"] else "false"
    if kind in ("short_answer", "shell_command"):
        return str(spec["accepted"][0])
    if kind == "cloze":
        return str(spec["text"])
    if kind == "ordering":
        items = {i["id"]: i["text"] for i in spec["items"]}
        return " ".join(items[i] for i in spec["correct_order"])
    if kind == "matching":
        left = {i["id"]: i["text"] for i in spec["left"]}
        right = {i["id"]: i["text"] for i in spec["right"]}
        return " ".join(f"{left[k]} {right[v]}" for k, v in sorted(spec["pairs"].items()))
    return ""


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _vectors(documents: list[list[str]]) -> list[dict[str, float]]:
    frequency = Counter(word for words in documents for word in set(words))
    total = len(documents)
    vectors = []
    for words in documents:
        weights = {
            word: (1 + math.log(count)) * math.log(total / frequency[word])
            for word, count in Counter(words).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({word: w / norm for word, w in weights.items()})
    return vectors


def pair_scores(questions: Iterable[ParsedQuestion]) -> list[tuple[float, str, str]]:
    """(score, id, id) for every pair of questions, highest first."""
    items = list(questions)
    vectors = _vectors([_words(f"{q.prompt} {answer_text(q.kind, q.spec)}") for q in items])
    scores = []
    for (a, va), (b, vb) in combinations(zip(items, vectors, strict=True), 2):
        small, large = (va, vb) if len(va) <= len(vb) else (vb, va)
        score = sum(w * large.get(word, 0.0) for word, w in small.items())
        scores.append((round(score, 3), a.external_id, b.external_id))
    scores.sort(key=lambda s: (-s[0], s[1], s[2]))
    return scores


def similar_pairs(
    questions: Iterable[ParsedQuestion], threshold: float = THRESHOLD
) -> list[tuple[float, str, str]]:
    """The pairs whose prompt-and-answer similarity reaches the threshold."""
    return [s for s in pair_scores(questions) if s[0] >= threshold]

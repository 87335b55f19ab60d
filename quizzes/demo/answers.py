"""What a simulated learner answers: the right answer when they know it, else a plausible wrong
one (each question has its favourite wrong options), and how the demo bank's three deliberately
flawed questions fool the learners who know the subject."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from quizzes import grading
from quizzes.models import Card, QuestionKind, Rating

# The demo bank's flawed questions (fixtures/demo/quick-check.json) and what a learner who knows
# the subject answers there.
WRONG_KEY = "qc-flaw-wrong-key"  # the key says modinfo; lsmod ("a") is right
TWO_RIGHT = "qc-flaw-two-right"  # the key is modprobe -r ("a"); rmmod ("b") is right too
AMBIGUOUS = "qc-flaw-ambiguous"  # only lsmod is accepted; cat /proc/modules shows the same
AMBIGUOUS_ALSO_RIGHT = "cat /proc/modules"

# Mean answer time in seconds by kind (a first answer; reviews are quicker).
SECONDS = {
    QuestionKind.FLASHCARD: 6.0,
    QuestionKind.SINGLE_CHOICE: 9.0,
    QuestionKind.MULTIPLE_CHOICE: 14.0,
    QuestionKind.TRUE_FALSE: 6.0,
    QuestionKind.SHORT_ANSWER: 12.0,
    QuestionKind.SHELL_COMMAND: 16.0,
    QuestionKind.CLOZE: 12.0,
    QuestionKind.ORDERING: 20.0,
    QuestionKind.MATCHING: 20.0,
}


@dataclass(frozen=True)
class Answer:
    payload: Any
    wanted: int | None  # the rating the learner picks (None: the default for the verdict)
    override: bool = False  # says "I was right" after a wrong verdict


def guess_chance(card: Card) -> float:
    """The chance of getting it right without knowing it."""
    kind = card.question.kind
    spec = card.question.spec or {}
    if kind == QuestionKind.TRUE_FALSE:
        return 0.5
    if kind == QuestionKind.SINGLE_CHOICE:
        return 1 / max(2, len(spec.get("options", [])))
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return 0.1
    return 0.0


def _weights(card: Card, count: int) -> list[float]:
    """Each wrong option's pull, fixed per question: one distractor usually fools most."""
    rng = random.Random(f"distractors:{card.question_id}")
    return [rng.paretovariate(1.2) for _ in range(count)]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 3:
        return text + "s"
    cut = rng.randrange(1, len(text) - 1)
    return text[:cut] + text[cut + 1 :]


def _wrong_typed(card: Card, rng: random.Random) -> str:
    question = card.question
    accepted = str((question.spec or {}).get("accepted", [""])[0])
    words = accepted.split()
    swaps = {"modprobe": "insmod", "insmod": "modprobe", "rmmod": "modprobe", "lsmod": "modinfo"}
    candidates = [_typo(accepted, rng), "not sure"]
    if question.kind == QuestionKind.SHELL_COMMAND and words:
        if words[0] in swaps:
            candidates.append(" ".join([swaps[words[0]], *words[1:]]))
        if len(words) > 2:
            candidates.append(" ".join(words[:-1]))
        candidates.append(f"man {words[0]}")
    pull = _weights(card, len(candidates))
    return rng.choices(candidates, weights=pull)[0]


def wrong_answer(card: Card, rng: random.Random) -> Any:
    """A plausible wrong answer payload for the card (docs/formats.md shapes)."""
    question = card.question
    kind, spec = question.kind, question.spec or {}
    if kind == QuestionKind.SINGLE_CHOICE:
        wrong = [o["id"] for o in spec["options"] if o["id"] != spec["correct"]]
        return rng.choices(wrong, weights=_weights(card, len(wrong)))[0]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        right = list(spec["correct"])
        wrong = [o["id"] for o in spec["options"] if o["id"] not in right]
        picked = right[:-1] if len(right) > 1 else []
        if wrong:
            picked.append(rng.choices(wrong, weights=_weights(card, len(wrong)))[0])
        return picked or right[:1] + wrong[:1]
    if kind == QuestionKind.TRUE_FALSE:
        return not spec["correct"]
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND):
        return _wrong_typed(card, rng)
    if kind == QuestionKind.CLOZE:
        expected = grading.expected_answer(kind, spec, deletion=card.deletion or None)
        return {key: _typo(str(value), rng) for key, value in expected.items()}
    if kind == QuestionKind.ORDERING:
        order = list(spec["correct_order"])
        i = rng.randrange(len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
        return order
    if kind == QuestionKind.MATCHING:
        lefts = list(spec["pairs"])
        rights = [spec["pairs"][k] for k in lefts]
        return dict(zip(lefts, rights[1:] + rights[:1], strict=True))
    return None


def _passing_rating(rng: random.Random) -> int | None:
    return rng.choices([Rating.HARD, None, Rating.EASY], [10, 80, 10])[0]


def choose(card: Card, *, knows: bool, first: bool, rng: random.Random) -> Answer:
    """The learner's answer: right if they know it (or guess it), else a wrong one; on the
    demo bank's flawed questions, the first time, what those who know the subject really
    answer (afterwards they have seen the key and give it when they remember it)."""
    question = card.question
    kind = question.kind
    flaw = question.external_id if first else None
    if flaw == WRONG_KEY:
        # Those who do not know it are drawn to modinfo, the key: it discriminates negatively.
        return Answer("a" if knows else rng.choices("abcd", [1, 3, 1, 1])[0], None)
    if flaw == TWO_RIGHT:
        return Answer(rng.choice(["a", "b"]) if knows else rng.choice(["a", "b", "c", "d"]), None)
    if flaw == AMBIGUOUS and knows and rng.random() < 0.45:
        return Answer(AMBIGUOUS_ALSO_RIGHT, Rating.GOOD, override=rng.random() < 0.8)
    if kind == QuestionKind.FLASHCARD:
        if not knows:
            return Answer(None, Rating.AGAIN)
        return Answer(None, rng.choices([Rating.HARD, Rating.GOOD, Rating.EASY], [15, 70, 15])[0])
    right = knows or rng.random() < guess_chance(card)
    if not right:
        return Answer(wrong_answer(card, rng), None)
    expected = grading.expected_answer(kind, question.spec, deletion=card.deletion or None)
    return Answer(expected, _passing_rating(rng))


def seconds(card: Card, *, first: bool, wrong: bool, rng: random.Random) -> float:
    """How long the learner takes to answer (lognormal about the kind's mean)."""
    mean = SECONDS.get(card.question.kind, 10.0) * (1.0 if first else 0.7) * (1.3 if wrong else 1)
    return mean * rng.lognormvariate(0, 0.45)

"""What the answer editor says, in words: the messages of each kind, where a path inside a
spec is shown on the form, and which sections each kind shows."""

from __future__ import annotations

import re

from quizzes.models import QuestionKind

NEED_BACK = "Write the answer shown on the back of the card."
NEED_OPTIONS = "Give at least 3 options."
NEED_ONE_CORRECT = "Tick the one correct option."
ONLY_ONE_CORRECT = (
    "Tick only one option: a single-choice question has one right answer "
    "(make it multiple choice for more)."
)
NEED_SOME_CORRECT = "Tick at least one correct option."
NEED_TRUE_FALSE = "Say whether the statement is true or false."
NEED_ACCEPTED = "Give at least one accepted answer (one per line)."
NEED_COMMAND = "Give at least one accepted command line (one per line)."
BAD_TOLERANCE = "The tolerance is a number of 0 or more, e.g. 0.5."
TOLERANCE_NEEDS_NUMBERS = "With a tolerance, every accepted answer must be a number."
NEED_DELETION = "Mark at least one deletion in the text as {{c1::answer}}."
BAD_ALTERNATIVE = "Line {n}: write it as “c1: another answer | one more”."
UNKNOWN_DELETION = "Line {n}: the text has no deletion {key}."
NEED_ITEMS = "Give at least 3 items, in the right order."
NEED_PAIRS = "Give at least 3 pairs."
HALF_PAIR = "Pair {n}: give both sides, or leave both empty."

# A line of "other accepted answers" of a cloze: `c2: another | one more`.
ALTERNATIVE_LINE = re.compile(r"^\s*(c\d+)\s*:\s*(.*)$")


ROW_WORDS = {"options": "Option", "items": "Item", "pairs": "Pair", "distractors": "Distractor"}
FIELD_SECTION = {"true_false": "true_false", "tolerance": "tolerance", "back": "back"}
_SECTIONS = {
    "back": ("back", "Back"),
    "options": ("options", "Options"),
    "shuffle": ("options", "Shuffle"),
    "accepted": ("accepted", "Accepted answers"),
    "case_sensitive": ("accepted", "Case"),
    "tolerance": ("tolerance", "Tolerance"),
    "allow_literal_release": ("accepted", "Kernel release"),
    "strict_options": ("accepted", "Strict options"),
    "text": ("cloze_text", "Text"),
    "alternatives": ("alternatives", "Other accepted answers"),
    "items": ("items", "Items"),
    "correct_order": ("items", "Order"),
    "left": ("pairs", "Left side"),
    "right": ("pairs", "Right side"),
    "pairs": ("pairs", "Pairs"),
}
_INDEX = re.compile(r"^\[(\d+)\](?:\.(\w+))?")


def describe_spec_path(kind: str, path: str) -> tuple[str, str]:
    """(section of the form, words) for a path inside a spec: "options[2].text" ->
    ("options", "Option 3, text")."""
    name, rest = re.match(r"^(\w*)(.*)$", path).groups()  # type: ignore[union-attr]
    if name == "correct":
        section = {
            QuestionKind.TRUE_FALSE: ("true_false", "The statement"),
            QuestionKind.ORDERING: ("items", "Order"),
        }.get(QuestionKind(kind) if kind in QuestionKind.values else kind)
        section = section or ("options", "Correct answer")
    else:
        section = _SECTIONS.get(name, ("form", name.replace("_", " ").capitalize() or "Answer"))
    words = section[1]
    if index := _INDEX.match(rest):
        singular = {"options": "Option", "items": "Item", "accepted": "Accepted answer"}
        words = f"{singular.get(name, words)} {int(index.group(1)) + 1}"
        if index.group(2):
            words += f", {index.group(2)}"
    return section[0], words


KIND_SECTIONS = {
    QuestionKind.FLASHCARD: ["back"],
    QuestionKind.SINGLE_CHOICE: ["options", "shuffle"],
    QuestionKind.MULTIPLE_CHOICE: ["options", "shuffle"],
    QuestionKind.TRUE_FALSE: ["true_false"],
    QuestionKind.SHORT_ANSWER: ["accepted", "case_sensitive", "tolerance"],
    QuestionKind.SHELL_COMMAND: ["accepted", "allow_literal_release", "strict_options"],
    QuestionKind.CLOZE: ["cloze_text", "alternatives"],
    QuestionKind.ORDERING: ["items"],
    QuestionKind.MATCHING: ["pairs", "distractors"],
}

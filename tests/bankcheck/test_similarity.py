"""Question similarity: rare shared words weigh most; answers count as much as prompts."""

from __future__ import annotations

from quizzes.bankcheck.similarity import answer_text, pair_scores, similar_pairs
from quizzes.importers.base import ParsedQuestion


def question(qid: str, prompt: str, accepted: str) -> ParsedQuestion:
    return ParsedQuestion(qid, "shell_command", prompt, "Why.", {"accepted": [accepted]})


FILLER = [
    question(f"f{i}", f"Show something about module number {i} and its kernel state", f"lsmod x{i}")
    for i in range(8)
]


def test_a_reworded_question_with_the_same_answer_scores_high_and_a_different_one_low():
    a = question(
        "a",
        "Print modprobe's effective configuration, keeping the i915 lines.",
        "modprobe -c | grep i915",
    )
    b = question(
        "b",
        "Dump modprobe's effective configuration and keep the lines with i915.",
        "modprobe -c | grep i915",
    )
    c = question("c", "Unload the vfat module and its unused dependencies.", "modprobe -r vfat")
    scores = {(x, y): s for s, x, y in pair_scores([a, b, c, *FILLER])}
    assert scores[("a", "b")] >= 0.6 > scores[("a", "c")]
    assert [(x, y) for _, x, y in similar_pairs([a, b, c, *FILLER])] == [("a", "b")]


def test_the_answer_text_of_each_kind():
    options = [{"id": "a", "text": "yes"}, {"id": "b", "text": "no"}, {"id": "c", "text": "maybe"}]
    assert answer_text("single_choice", {"options": options, "correct": "b"}) == "no"
    assert (
        answer_text("multiple_choice", {"options": options, "correct": ["a", "c"]}) == "yes maybe"
    )
    assert answer_text("true_false", {"correct": False}) == "false"
    assert answer_text("shell_command", {"accepted": ["lsmod", "cat /proc/modules"]}) == "lsmod"
    items = [
        {"id": "x", "text": "first"},
        {"id": "y", "text": "second"},
        {"id": "z", "text": "third"},
    ]
    assert (
        answer_text("ordering", {"items": items, "correct_order": ["z", "x", "y"]})
        == "third first second"
    )
    pairs = {"left": items, "right": options, "pairs": {"x": "b", "y": "a", "z": "c"}}
    assert answer_text("matching", pairs) == "first no second yes third maybe"
    assert answer_text("flashcard", {"back": "the back"}) == "the back"

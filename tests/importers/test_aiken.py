"""The Aiken parser: single choice in plain text, True/False pairs as true/false questions."""

from __future__ import annotations

from tests.importers.formats import fixture, moodle_sample, parsed, problems


def test_fixture_questions_options_and_answers():
    bank = parsed(fixture("kernel.aiken.txt"), "aiken")
    first, second, third = bank.questions
    assert (first.kind, first.spec["correct"], first.line) == ("single_choice", "a", 1)
    assert [o["text"] for o in second.spec["options"]][0] == "modules.dep"
    assert second.prompt == "Which file lists module dependencies?\nThink of depmod's output."
    assert (third.kind, third.spec) == ("true_false", {"correct": True})
    assert all(q.external_id.startswith("aiken-") for q in bank.questions)


def test_moodle_sample_imports_as_moodle_shows_it():
    bank = parsed(moodle_sample("questions.aiken.txt"), "aiken")
    choice, statement = bank.questions
    assert choice.kind == "single_choice" and len(choice.spec["options"]) == 4
    assert choice.spec["options"][1]["text"] == "Martin Dougiamas"
    assert choice.spec["correct"] == "b"
    # Aiken is plain text: the HTML is shown as typed, not rendered (nor stripped).
    assert statement.prompt.endswith('includes \\<html class="cool"\\> \\& images:')
    assert statement.spec == {"correct": True}


def test_every_problem_at_once():
    text = (
        "A) orphan\n\nQ1?\nA) a\nB) b\nC) c\nANSWER: E\n\n"
        "Q2?\nA) a\nC) b\nD) c\nANSWER: A\n\nQ3?\nA) x\n"
    )
    found = problems(text, "aiken")
    assert [p.line for p in found] == [1, 7, 10, 15]
    assert "before any question" in found[0].message
    assert "one of the option letters" in found[1].message and found[1].text == "E"
    assert "lettered A, B, C" in found[2].message
    assert "no 'ANSWER:' line" in found[3].message


def test_two_options_that_are_not_true_and_false_are_unsupported():
    text = "Pick one?\nA) this\nB) that\nANSWER: A\n"
    assert "at least 3" in problems(text, "aiken")[0].message
    bank = parsed(text + "\nOK?\nA) True\nB) False\nANSWER: B\n", "aiken", skip_unsupported=True)
    assert [q.spec for q in bank.questions] == [{"correct": False}]
    assert bank.unsupported[0].line == 1

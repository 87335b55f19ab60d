"""The GIFT parser reads every construct of Moodle's syntax as Moodle does, and reports every
problem at once with its line and column."""

from __future__ import annotations

from collections import Counter

import pytest

from quizzes.importers.gift_answers import NO_MODEL_ANSWER
from tests.importers.formats import by_id, fixture, moodle_sample, parsed, problems


@pytest.fixture(scope="module")
def bank():
    return parsed(fixture("kernel.gift.txt"), "gift")


def test_titles_are_the_external_ids_and_categories_nested_topics(bank):
    questions = by_id(bank)
    assert list(questions)[:3] == ["mc-single", "mc-weights", "mc-multi"]
    assert [(t.slug, t.title, t.parent) for t in bank.topics] == [
        ("module-commands", "Module commands", None),
        ("module-commands/modprobe", "modprobe", "module-commands"),
    ]
    assert questions["mc-single"].topics == ("module-commands",)
    assert questions["tf-true"].topics == ("module-commands/modprobe",)
    assert questions["mc-single"].line == 6


def test_choice_with_one_right_answer_keeps_feedback_in_the_explanation(bank):
    q = by_id(bank)["mc-single"]
    assert q.kind == "single_choice"
    assert [o["text"] for o in q.spec["options"]] == ["lsmod", "modinfo", "depmod"]
    assert q.spec["correct"] == "a"
    assert q.explanation.startswith("\\`lsmod\\` reads")  # general feedback, moodle format
    assert "- **lsmod**: Right: it formats /proc/modules." in q.explanation


def test_weights_partial_credit_becomes_wrong_with_a_notice(bank):
    q = by_id(bank)["mc-weights"]
    assert q.spec["correct"] == "c"
    assert any("partial credit (50%)" in n.message and n.line == 13 for n in bank.notices)


def test_several_positive_weights_make_a_multiple_choice(bank):
    q = by_id(bank)["mc-multi"]
    assert (q.kind, q.spec["correct"]) == ("multiple_choice", ["a", "b"])


def test_true_false_in_every_spelling_with_feedback(bank):
    questions = by_id(bank)
    assert questions["tf-true"].spec == {"correct": True}
    false = questions["tf-false"]
    assert false.spec == {"correct": False}
    assert false.explanation.startswith("Use modprobe for dependencies.")
    assert "- **True**: No: insmod loads one file." in false.explanation


def test_short_answer_keeps_the_fully_right_answers(bank):
    assert by_id(bank)["short"].spec == {"accepted": ["modules.dep", "modules.dep.bin"]}


def test_missing_word_puts_a_blank_in_the_prompt(bank):
    q = by_id(bank)["missing-word"]
    assert q.prompt == "The \\_\\_\\_\\_\\_ command loads a module with its dependencies."
    assert q.kind == "single_choice"


def test_matching_keeps_unmatched_distractors(bank):
    spec = by_id(bank)["match"].spec
    assert [r["text"] for r in spec["right"]][-1] == "signs a module"
    assert spec["pairs"] == {"l1": "r1", "l2": "r2", "l3": "r3"}
    assert len(spec["left"]) == 3 and len(spec["right"]) == 4


def test_numerical_becomes_a_short_answer_with_a_tolerance(bank):
    questions = by_id(bank)
    assert questions["numeric"].spec == {"accepted": ["6"], "tolerance": 0}
    assert questions["range"].spec == {"accepted": ["2"], "tolerance": 1}


def test_essay_becomes_a_flashcard_and_a_description_is_skipped_with_a_notice(bank):
    q = by_id(bank)["essay"]
    assert q.kind == "flashcard"
    assert q.spec["back"].startswith("A kernel is tainted")
    assert any("description" in n.message and n.line == 51 for n in bank.notices)
    assert len(bank.questions) == 14


def test_text_formats_html_plain_and_markdown(bank):
    questions = by_id(bank)
    html = questions["html"]
    assert html.prompt == "Which **flag** makes modprobe remove?"
    assert [o["text"] for o in html.spec["options"]] == ["\\-r", "*-a*", "\\-n"]
    assert questions["plain"].prompt == "Is 2 \\< 3 \\*always\\*?"
    markdown = parsed("::m::[markdown]Is `lsmod` **bold**?{T}", "gift")
    assert markdown.questions[0].prompt == "Is `lsmod` **bold**?"


def test_escaped_control_characters_are_literal(bank):
    q = by_id(bank)["escapes"]
    assert q.prompt == "Escapes: {braces} = ~ # and a new\nline?"
    assert q.spec["options"][0]["text"] == "yes: {ok}"


def test_every_problem_is_reported_at_once_with_line_and_column():
    text = "::a::Q?{=x ~y\n\n::b::Q2 has a } stray\n\n::c::Fine?{T}\n\n::d::Num?{#abc}\n"
    found = problems(text, "gift")
    assert [(p.line, p.column) for p in found] == [(1, 8), (3, 15), (7, 12)]
    assert "no closing '}'" in found[0].message
    assert "without its '{'" in found[1].message
    assert "numerical answer" in found[2].message and found[2].text == "abc"


def test_a_choice_of_two_is_unsupported_unless_skipped():
    text = "::two::Pick?{=a ~b}\n\n::ok::Fine?{T}\n"
    found = problems(text, "gift")
    assert len(found) == 1 and found[0].line == 1 and "multiple choice" in found[0].message
    bank = parsed(text, "gift", skip_unsupported=True)
    assert [q.external_id for q in bank.questions] == ["ok"]
    assert [(u.line, u.type, u.title) for u in bank.unsupported] == [(1, "multiple choice", "two")]


def test_ids_without_titles_are_content_hashes_stable_and_unique():
    text = "Same?{T}\n\nSame?{F}\n\n::Two words::X?{T}\n"
    first, again = parsed(text, "gift"), parsed(text, "gift")
    ids = [q.external_id for q in first.questions]
    assert ids == [q.external_id for q in again.questions]
    assert ids[0].startswith("gift-") and ids[1] == ids[0] + "-2"
    assert ids[2] == "Two-words"
    assert any("used by an earlier question" in n.message and n.line == 3 for n in first.notices)


def test_a_huge_value_is_a_problem_that_repeats_only_an_excerpt():
    found = problems("::big::" + "x" * 3_000_000 + "?{T}", "gift")
    assert "characters long" in found[0].message
    assert len(str(found[0])) < 400


def test_nul_characters_and_non_utf8_are_problems():
    assert "NUL" in problems("::n::A\x00?{T}", "gift")[0].message
    found = problems(b"::e::caf\xe9?{T}", "gift")
    assert "not UTF-8" in found[0].message and (found[0].line, found[0].column) == (1, 9)


def test_an_over_long_title_is_cut_to_the_id_column_with_a_hash():
    bank = parsed("::" + "t" * 300 + "::Q?{T}", "gift")
    assert len(bank.questions[0].external_id) == 100


def test_moodle_examples_import_as_moodle_reads_them():
    bank = parsed(moodle_sample("examples.txt"), "gift")
    assert len(bank.questions) == 43
    assert Counter(q.kind for q in bank.questions) == {
        "single_choice": 16,
        "short_answer": 17,  # 8 of them numerical, with a tolerance
        "true_false": 5,
        "matching": 3,
        "multiple_choice": 2,
    }
    assert sum("tolerance" in q.spec for q in bank.questions) == 8
    questions = by_id(bank)
    assert questions["Kanji-Origins"].spec == {"accepted": ["China"]}
    assert questions["Numerical-example"].spec == {"accepted": ["1822"], "tolerance": 0}
    assert questions["Jesus-hometown"].spec["correct"] == "d"
    control = questions["GIFT-Control-Characters"]
    assert [o["text"] for o in control.spec["options"]][-1] == "\\\\"  # a literal backslash
    assert control.spec["correct"] == "f"


def test_moodle_sample_questions_gift():
    bank = parsed(moodle_sample("questions.gift.txt"), "gift")
    questions = by_id(bank)
    assert len(bank.questions) == 9
    assert questions["Q8"].spec == {"back": NO_MODEL_ANSWER}
    assert [r["text"] for r in questions["Moodle-activities"].spec["right"]] == [
        "Forum", "Choice", "Database", "Wiki", "Chat",
    ]  # fmt: skip
    assert questions["colours"].spec["correct"] == ["a", "c"]
    assert questions["Q5"].spec == {"accepted": ["3"], "tolerance": 2}
    assert questions["Q1"].explanation.startswith("This is, of course, a Hitchiker")
    assert questions["Shortanswer"].spec == {"accepted": ["Frog"]}

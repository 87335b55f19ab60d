from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import (
    ClozeDeletion,
    InvalidAnswer,
    Verdict,
    cloze_keys,
    expected_answer,
    grade,
    parse_cloze,
    render_cloze,
)

OPTIONS = [{"id": i, "text": f"option {i}"} for i in "abcd"]
SPECS: dict[str, dict[str, Any]] = {
    "flashcard": {"back": "`modprobe` resolves dependencies; `insmod` does not."},
    "single_choice": {"options": OPTIONS[:3], "correct": "a", "shuffle": True},
    "multiple_choice": {"options": OPTIONS, "correct": ["a", "c"], "shuffle": True},
    "true_false": {"correct": False},
    "short_answer": {"accepted": ["modules.dep", "modules.dep.bin"], "case_sensitive": False},
    "shell_command": {"accepted": ["modprobe -r snd_hda_intel"], "allow_literal_release": True},
    "cloze": {
        "text": "{{c1::modprobe}} reads {{c2::modules.dep::a file}} to find dependencies.",
        "alternatives": {"c2": ["modules.dep.bin"]},
    },
    "ordering": {
        "items": [
            {"id": "a", "text": "make"},
            {"id": "b", "text": "insmod"},
            {"id": "c", "text": "dmesg"},
        ],
        "correct_order": ["a", "b", "c"],
    },
    "matching": {
        "left": [
            {"id": "l1", "text": "lsmod"},
            {"id": "l2", "text": "depmod"},
            {"id": "l3", "text": "rmmod"},
        ],
        "right": [
            {"id": "r1", "text": "lists loaded modules"},
            {"id": "r2", "text": "builds modules.dep"},
            {"id": "r3", "text": "unloads a module"},
            {"id": "r4", "text": "a distractor"},
        ],
        "pairs": {"l1": "r1", "l2": "r2", "l3": "r3"},
    },
}
RIGHT_ANSWERS: dict[str, Any] = {
    "single_choice": "a",
    "multiple_choice": ["c", "a"],
    "true_false": False,
    "short_answer": "modules.dep",
    "shell_command": "sudo modprobe --remove snd_hda_intel",
    "cloze": {"c1": "modprobe", "c2": "modules.dep"},
    "ordering": ["a", "b", "c"],
    "matching": {"l1": "r1", "l2": "r2", "l3": "r3"},
}


def check(kind: str, answer: Any, **spec_changes: Any) -> Verdict:
    return grade(kind, {**SPECS[kind], **spec_changes}, answer)


# --- every kind ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "answer"), sorted(RIGHT_ANSWERS.items()))
def test_a_right_answer_is_correct_with_full_score(kind: str, answer: Any):
    verdict = check(kind, answer)
    assert (verdict.correct, verdict.score) == (True, 1.0)
    assert verdict.feedback == "Correct."


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_the_verdict_shows_the_expected_answer_in_the_payload_shape(kind: str):
    verdict = grade(kind, SPECS[kind], RIGHT_ANSWERS.get(kind))
    assert verdict.expected == expected_answer(kind, SPECS[kind])
    if kind != "flashcard":
        assert grade(kind, SPECS[kind], verdict.expected).correct is True


def test_unknown_kind_is_an_invalid_answer():
    with pytest.raises(InvalidAnswer, match="unknown question kind"):
        grade("essay", {}, "text")


def test_a_spec_missing_its_fields_is_reported_as_invalid_not_as_a_crash():
    with pytest.raises(InvalidAnswer, match="spec is malformed"):
        grade("single_choice", {"options": OPTIONS}, "a")


# --- flashcard -----------------------------------------------------------------------------------


def test_a_flashcard_has_no_verdict_and_shows_its_back():
    verdict = grade("flashcard", SPECS["flashcard"], None)
    assert verdict.correct is None
    assert verdict.score == 0.0
    assert verdict.expected == SPECS["flashcard"]["back"]


@pytest.mark.parametrize("answer", ["modprobe", True, {}, []])
def test_a_flashcard_takes_no_answer(answer: Any):
    with pytest.raises(InvalidAnswer, match="takes no answer"):
        grade("flashcard", SPECS["flashcard"], answer)


# --- single choice and true/false ----------------------------------------------------------------


def test_a_wrong_single_choice_names_the_right_option():
    verdict = check("single_choice", "b")
    assert (verdict.correct, verdict.score, verdict.expected) == (False, 0.0, "a")
    assert "option a" in verdict.feedback


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "one option id"),
        (1, "one option id"),
        (["a"], "one option id"),
        ("z", "option id of this question"),
    ],
)
def test_a_single_choice_answer_must_be_one_known_option_id(answer: Any, message: str):
    with pytest.raises(InvalidAnswer, match=message):
        check("single_choice", answer)


@pytest.mark.parametrize(("answer", "correct"), [(False, True), (True, False)])
def test_true_false_is_right_only_when_equal(answer: bool, correct: bool):
    verdict = check("true_false", answer)
    assert verdict.correct is correct
    assert verdict.score == (1.0 if correct else 0.0)


@pytest.mark.parametrize("answer", ["false", 0, 1, None, [False]])
def test_a_true_false_answer_must_be_a_boolean(answer: Any):
    with pytest.raises(InvalidAnswer, match="true or false"):
        check("true_false", answer)


# --- multiple choice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "correct", "score"),
    [
        (["a", "c"], True, 1.0),
        (["c", "a", "a"], True, 1.0),  # duplicates are ignored
        (["a"], False, 0.5),
        (["a", "c", "b"], False, 0.5),
        (["a", "b"], False, 0.0),
        (["b", "d"], False, 0.0),  # never below zero
        ([], False, 0.0),
    ],
)
def test_multiple_choice_scores_right_minus_wrong_picks(answer: list[str], correct, score):
    verdict = check("multiple_choice", answer)
    assert (verdict.correct, verdict.score) == (correct, pytest.approx(score))


def test_partly_right_multiple_choice_counts_the_picks():
    assert (
        "1 of 2 correct options chosen, 1 wrong option chosen"
        in check("multiple_choice", ["a", "b"]).feedback
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("a", "list of option ids"),
        ([1], "list of option ids"),
        ({"a": True}, "list of option ids"),
        (None, "list of option ids"),
        (["a", "z"], r"not \['z'\]"),
    ],
)
def test_a_multiple_choice_answer_must_be_a_list_of_known_ids(answer: Any, message: str):
    with pytest.raises(InvalidAnswer, match=message):
        check("multiple_choice", answer)


# --- short answer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "case_sensitive", "correct"),
    [
        ("  modules.dep ", False, True),
        ("MODULES.DEP", False, True),
        ("modules.dep.bin", False, True),
        ("MODULES.DEP", True, False),
        ("modules.alias", False, False),
        ("", False, False),
    ],
)
def test_short_answers_are_trimmed_and_case_insensitive_unless_asked(
    answer: str, case_sensitive: bool, correct: bool
):
    assert check("short_answer", answer, case_sensitive=case_sensitive).correct is correct


def test_short_answer_white_space_inside_is_collapsed():
    assert check("short_answer", "insmod \t hello.ko", accepted=["insmod hello.ko"]).correct


def test_a_case_sensitive_short_answer_in_the_wrong_case_says_so():
    assert "case" in check("short_answer", "Modules.dep", case_sensitive=True).feedback


@pytest.mark.parametrize("answer", [None, 3, ["modules.dep"], {"a": "b"}])
def test_a_short_answer_must_be_a_string(answer: Any):
    with pytest.raises(InvalidAnswer, match="must be a string"):
        check("short_answer", answer)


# --- cloze ---------------------------------------------------------------------------------------

CLOZE = (
    "Load with {{c1::modprobe}}; {{c2::depmod::a tool}} builds {{c3::modules.dep}} for {{c1::it}}."
)


def test_parse_cloze_returns_the_deletions_in_text_order():
    deletions = parse_cloze(CLOZE)
    assert [(d.key, d.answer, d.hint) for d in deletions] == [
        ("c1", "modprobe", None),
        ("c2", "depmod", "a tool"),
        ("c3", "modules.dep", None),
        ("c1", "it", None),
    ]
    assert deletions[0] == ClozeDeletion("c1", "modprobe", None, 10, 26)
    assert CLOZE[deletions[0].start : deletions[0].end] == "{{c1::modprobe}}"


def test_cloze_keys_are_distinct_in_first_appearance_order():
    assert cloze_keys("{{c2::a}} {{c1::b}} {{c2::c}} {{c10::d}}") == ["c2", "c1", "c10"]
    assert cloze_keys("no deletions here") == []


@pytest.mark.parametrize(
    ("hide", "reveal", "expected"),
    [
        ("c1", False, "Load with [...]; depmod builds modules.dep for [...]."),
        ("c2", False, "Load with modprobe; [a tool] builds modules.dep for it."),
        ("c2", True, "Load with modprobe; depmod builds modules.dep for it."),
        (None, False, "Load with [...]; [a tool] builds [...] for [...]."),
        (None, True, "Load with modprobe; depmod builds modules.dep for it."),
    ],
)
def test_render_cloze_blanks_the_card_deletion_and_shows_the_others(hide, reveal, expected):
    assert render_cloze(CLOZE, hide=hide, reveal=reveal) == expected


@pytest.mark.parametrize(
    ("deletion", "answer", "correct"),
    [
        ("c1", {"c1": "modprobe"}, True),
        ("c1", {"c1": "  ModProbe "}, True),
        ("c1", {"c1": "insmod"}, False),
        ("c2", {"c2": "modules.dep"}, True),
        ("c2", {"c2": "MODULES.DEP.BIN"}, True),  # an alternative
        ("c2", {"c2": "modules.alias"}, False),
    ],
)
def test_a_cloze_card_grades_only_its_deletion(deletion: str, answer: dict, correct: bool):
    verdict = grade("cloze", SPECS["cloze"], answer, deletion=deletion)
    assert verdict.correct is correct
    assert verdict.expected == {deletion: {"c1": "modprobe", "c2": "modules.dep"}[deletion]}


def test_a_cloze_graded_whole_scores_the_share_of_right_deletions():
    verdict = check("cloze", {"c1": "modprobe", "c2": "wrong"})
    assert (verdict.correct, verdict.score) == (False, 0.5)
    assert "c2" in verdict.feedback and "c1" not in verdict.feedback


def test_a_cloze_answer_in_markdown_code_matches_the_typed_text():
    spec = {"text": "Unload with {{c1::`modprobe -r`}}."}
    assert grade("cloze", spec, {"c1": "modprobe  -r"}, deletion="c1").correct


@pytest.mark.parametrize(
    ("typed", "correct"), [("__init", True), ("`__init`", True), ("init", False)]
)
def test_only_a_code_span_around_a_cloze_answer_is_ignored(typed: str, correct: bool):
    spec = {"text": "Mark it {{c1::`__init`}} so its memory is freed after loading."}
    assert grade("cloze", spec, {"c1": typed}, deletion="c1").correct is correct


def test_a_cloze_key_used_twice_asks_for_both_answers():
    assert expected_answer("cloze", {"text": CLOZE}, deletion="c1") == {"c1": "modprobe, it"}


@pytest.mark.parametrize(
    ("deletion", "answer", "message"),
    [
        ("c1", "modprobe", "exactly the keys"),
        ("c1", {"c2": "modules.dep"}, "exactly the keys"),
        ("c1", {"c1": "modprobe", "c2": "x"}, "exactly the keys"),
        (None, {"c1": "modprobe"}, "exactly the keys"),
        ("c1", {"c1": 3}, "must be a string"),
        ("c9", {"c9": "x"}, "no deletion 'c9'"),
    ],
)
def test_a_cloze_answer_must_name_exactly_the_card_deletions(deletion, answer, message):
    with pytest.raises(InvalidAnswer, match=message):
        grade("cloze", SPECS["cloze"], answer, deletion=deletion)


# --- ordering and matching -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "score"),
    [(["a", "b", "c"], 1.0), (["a", "c", "b"], 1 / 3), (["c", "a", "b"], 0.0)],
)
def test_ordering_scores_the_share_of_items_in_place(answer: list[str], score: float):
    verdict = check("ordering", answer)
    assert verdict.correct is (score == 1.0)
    assert verdict.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("abc", "list of item ids"),
        (["a", "b", 3], "list of item ids"),
        (["a", "b"], "every item id"),
        (["a", "b", "b"], "every item id"),
        (["a", "b", "c", "z"], "every item id"),
    ],
)
def test_an_ordering_answer_must_list_every_item_once(answer: Any, message: str):
    with pytest.raises(InvalidAnswer, match=message):
        check("ordering", answer)


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        ({"l1": "r1", "l2": "r2", "l3": "r3"}, 1.0),
        ({"l1": "r1", "l2": "r3", "l3": "r2"}, 1 / 3),
        ({"l1": "r1", "l2": "r2"}, 2 / 3),  # an unanswered pair is simply wrong
        ({"l1": "r1", "l2": "r2", "l3": None}, 2 / 3),
        ({"l1": "r4", "l2": "r4", "l3": "r4"}, 0.0),
    ],
)
def test_matching_scores_the_share_of_right_pairs(answer: dict, score: float):
    verdict = check("matching", answer)
    assert verdict.correct is (score == 1.0)
    assert verdict.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (["r1", "r2", "r3"], "object mapping"),
        ({"l9": "r1"}, "left item ids"),
        ({"l1": "r9"}, "right item ids"),
        ({"l1": ["r1"]}, "right item ids"),
    ],
)
def test_a_matching_answer_must_pair_known_ids(answer: Any, message: str):
    with pytest.raises(InvalidAnswer, match=message):
        check("matching", answer)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["a", "c", "c1", "c2", "l1", "r1", "modprobe"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["c1", "c2", "l1", "l2", "x"]) | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def assert_grades_or_rejects_the_shape(kind: str, answer: Any) -> None:
    try:
        verdict = grade(kind, SPECS[kind], answer)
    except InvalidAnswer as exc:
        assert str(exc) and "spec is malformed" not in str(exc)
    else:
        assert 0.0 <= verdict.score <= 1.0
        assert verdict.feedback


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(sorted(SPECS)), st.text())
def test_random_text_never_raises_anything_but_invalid_answer(kind: str, answer: str):
    assert_grades_or_rejects_the_shape(kind, answer)


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(sorted(SPECS)), JSON)
def test_random_json_never_raises_anything_but_invalid_answer(kind: str, answer: Any):
    assert_grades_or_rejects_the_shape(kind, answer)


# --- numeric short answers (GIFT and Moodle numerical questions) ---------------------------------


@pytest.mark.parametrize(
    ("answer", "correct"),
    [("1822", True), ("1824", True), ("1819.5", False), (" 1820 ", True), ("1822.0", True),
     ("abc", False), ("", False)],
)  # fmt: skip
def test_a_numeric_short_answer_is_right_within_its_tolerance(answer, correct):
    verdict = grade("short_answer", {"accepted": ["1822"], "tolerance": 2}, answer)
    assert verdict.correct is correct


def test_a_numeric_answer_may_use_a_decimal_comma_and_says_the_margin_when_wrong():
    spec = {"accepted": ["3.1415"], "tolerance": 0.0005}
    assert grade("short_answer", spec, "3,1412").correct is True
    wrong = grade("short_answer", spec, "3.2")
    assert wrong.feedback == "Not quite: the answer is 3.1415 (± 0.0005)."
    assert grade("short_answer", spec, "pi").feedback.startswith("Not quite: a number is expected")


def test_with_a_tolerance_every_accepted_answer_must_be_a_number():
    from quizzes.importers.checks import spec_problems

    assert spec_problems("short_answer", {"accepted": ["6", "six"], "tolerance": 0}) == [
        ("accepted", "with a tolerance every answer is a number, not 'six'")
    ]

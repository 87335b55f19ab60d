"""The answer of each kind edited as a form: a spec round-trips through its form, blank rows are
left out, new rows get ids, and what is missing is said in words."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.http import QueryDict

from quizzes import spec_forms
from quizzes.spec_forms import SpecEditor, describe_spec_path
from tests.factories import KINDS, spec_for


def as_post(editor: SpecEditor, **changes: Any) -> QueryDict:
    """What a browser sends for the editor as rendered (unticked boxes are left out)."""
    data = QueryDict(mutable=True)
    parts = [editor.fields]
    for formset in (editor.options, editor.items, editor.pairs, editor.distractors):
        parts += [formset.management_form, *formset.forms]
    for form in parts:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = str(value)
    for key, value in changes.items():
        data[key] = value
    return data


EXTRA_SPECS = [
    ("single_choice", {**spec_for("single_choice", 1), "shuffle": False}),
    ("short_answer", {"accepted": ["42", "42.0"], "tolerance": 0.5}),
    ("short_answer", {"accepted": ["Modules.dep"], "case_sensitive": True}),
    ("shell_command", {"accepted": ["modprobe -r vfat"], "strict_options": True}),
    ("shell_command", {"accepted": ["depmod -a"], "allow_literal_release": False}),
    ("cloze", {"text": "{{c1::a}} and {{c2::b::hint}}", "alternatives": {"c2": ["B", "bee"]}}),
    (
        "matching",
        {
            "left": [{"id": f"l{i}", "text": f"left {i}"} for i in range(3)],
            "right": [{"id": f"r{i}", "text": f"right {i}"} for i in range(5)],
            "pairs": {"l0": "r2", "l1": "r0", "l2": "r4"},
        },
    ),
    ("true_false", {"correct": False}),
]


@pytest.mark.parametrize(("kind", "spec"), [(k, spec_for(k, 1)) for k in KINDS] + EXTRA_SPECS)
def test_every_spec_round_trips_through_its_form(kind, spec):
    editor = SpecEditor.bind(as_post(SpecEditor.from_spec(kind, spec)))
    assert editor.spec(kind) == spec, editor.errors


def test_blank_rows_are_left_out_and_new_rows_get_free_ids():
    post = as_post(
        SpecEditor.from_spec("single_choice", {}),
        **{
            "options-0-text": "modprobe",
            "options-0-correct": "on",
            "options-2-text": "insmod",
            "options-3-text": "rmmod",
            "options-3-id": "a",
        },
    )
    spec = SpecEditor.bind(post).spec("single_choice")
    assert spec == {
        "options": [
            {"id": "b", "text": "modprobe"},
            {"id": "c", "text": "insmod"},
            {"id": "a", "text": "rmmod"},
        ],
        "correct": "b",
    }


def test_a_matching_question_is_pairs_plus_distractors():
    post = as_post(SpecEditor.from_spec("matching", {}))
    for i, (left, right) in enumerate(
        [("lsmod", "lists"), ("depmod", "indexes"), ("rmmod", "unloads")]
    ):
        post[f"pairs-{i}-left"], post[f"pairs-{i}-right"] = left, right
    post["distractors-0-text"] = "compiles"
    spec = SpecEditor.bind(post).spec("matching")
    assert spec["pairs"] == {"l1": "r1", "l2": "r2", "l3": "r3"}
    assert [r["text"] for r in spec["right"]] == ["lists", "indexes", "unloads", "compiles"]


@pytest.mark.parametrize(
    ("kind", "changes", "section", "message"),
    [
        ("flashcard", {"back": ""}, "back", spec_forms.NEED_BACK),
        ("single_choice", {"options-0-correct": ""}, "options", spec_forms.NEED_ONE_CORRECT),
        ("single_choice", {"options-1-correct": "on"}, "options", spec_forms.ONLY_ONE_CORRECT),
        (
            "multiple_choice",
            {"options-2-text": "", "options-3-text": ""},
            "options",
            spec_forms.NEED_OPTIONS,
        ),
        ("true_false", {"true_false": ""}, "true_false", spec_forms.NEED_TRUE_FALSE),
        ("short_answer", {"accepted": " \n "}, "accepted", spec_forms.NEED_ACCEPTED),
        ("short_answer", {"tolerance": "-1"}, "tolerance", spec_forms.BAD_TOLERANCE),
        ("short_answer", {"tolerance": "0.1"}, "accepted", spec_forms.TOLERANCE_NEEDS_NUMBERS),
        ("shell_command", {"accepted": ""}, "accepted", spec_forms.NEED_COMMAND),
        ("cloze", {"cloze_text": "no deletion"}, "cloze_text", spec_forms.NEED_DELETION),
        (
            "cloze",
            {"alternatives": "c9: x"},
            "alternatives",
            "Line 1: the text has no deletion c9.",
        ),
        (
            "cloze",
            {"alternatives": "just words"},
            "alternatives",
            spec_forms.BAD_ALTERNATIVE.format(n=1),
        ),
        ("ordering", {"items-2-text": ""}, "items", spec_forms.NEED_ITEMS),
        ("matching", {"pairs-1-right": ""}, "pairs", spec_forms.HALF_PAIR.format(n=2)),
    ],
)
def test_what_is_missing_is_said_in_words_at_its_section(kind, changes, section, message):
    post = as_post(SpecEditor.from_spec(kind, spec_for(kind, 1)), **changes)
    editor = SpecEditor.bind(post)
    assert editor.spec(kind) is None
    assert message in editor.errors[section]


def test_lists_the_form_did_not_send_count_as_empty():
    editor = SpecEditor.bind(QueryDict("back=hello"))
    assert editor.spec("flashcard") == {"back": "hello"}
    assert editor.spec("ordering") is None and editor.errors == {"items": [spec_forms.NEED_ITEMS]}


def test_more_rows_keeps_the_values_and_adds_blank_rows():
    post = as_post(SpecEditor.from_spec("ordering", spec_for("ordering", 1)))
    editor = SpecEditor.bind(post, more=True)
    assert not editor.items.is_bound
    assert len(editor.items.forms) == 3 + spec_forms.MORE_ROWS + spec_forms.BLANK_ROWS
    assert [f.initial.get("text") for f in editor.items.forms[:3]] == ["step a", "step b", "step c"]


@pytest.mark.parametrize(
    ("kind", "path", "section", "words"),
    [
        ("single_choice", "options[2].text", "options", "Option 3, text"),
        ("single_choice", "correct", "options", "Correct answer"),
        ("true_false", "correct", "true_false", "The statement"),
        ("ordering", "correct_order", "items", "Order"),
        ("cloze", "text", "cloze_text", "Text"),
        ("shell_command", "accepted[0]", "accepted", "Accepted answer 1"),
        ("matching", "pairs", "pairs", "Pairs"),
    ],
)
def test_service_errors_are_placed_and_named_in_words(kind, path, section, words):
    assert describe_spec_path(kind, path) == (section, words)

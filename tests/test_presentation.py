"""A card as the study page shows it, and the study form read back as a gradable answer."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from quizzes import grading, presentation
from quizzes.models import Card, Question
from tests.factories import spec_for


def card(kind: str, spec: dict | None = None, deletion: str = "", pk: int = 7) -> Card:
    question = Question(kind=kind, spec=spec or spec_for(kind, 1), prompt="P?", explanation="E")
    return Card(pk=pk, question=question, deletion=deletion)


def form(**fields: object) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_the_shuffle_depends_on_learner_card_and_reps_and_is_repeatable():
    c = card("single_choice")
    orders = {
        tuple(x.id for x in presentation.card_view(card=c, learner_id=lid, reps=reps).choices)
        for lid in range(6)
        for reps in range(3)
    }
    assert len(orders) > 1
    again = presentation.card_view(card=c, learner_id=3, reps=1).choices
    assert again == presentation.card_view(card=c, learner_id=3, reps=1).choices


def test_ordering_items_never_start_in_the_right_order():
    spec = spec_for("ordering", 1)
    for lid in range(40):
        shown = presentation.card_view(card=card("ordering", spec), learner_id=lid, reps=0)
        assert [c.id for c in shown.choices] != spec["correct_order"]


def test_a_cloze_blank_replaces_only_the_cards_deletion_with_an_input():
    spec = {"text": "{{c1::`modprobe`::tool}} reads {{c2::modules.dep}}; {{c1::`modprobe`}} again."}
    html = presentation.cloze_with_blanks(spec["text"], key="c1")
    assert html.count('name="blank"') == 2 and "modprobe" not in html
    assert "modules.dep" in html and 'placeholder="tool"' in html
    revealed = presentation.cloze_revealed(spec["text"], key="c1")
    assert revealed.count("<mark><code>modprobe</code></mark>") == 2


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("single_choice", {"choice": "a"}, "a"),
        ("multiple_choice", {"choice": ["c", "a", "a"]}, ["c", "a"]),
        ("true_false", {"choice": "false"}, False),
        ("short_answer", {"text": " answer1 "}, " answer1 "),
        ("shell_command", {"text": "modprobe -r mod1"}, "modprobe -r mod1"),
        ("cloze", {"blank": [" modprobe ", ""]}, {"c1": "modprobe"}),
        (
            "ordering",
            {"item": ["c", "a", "b"], "pos-a": "1", "pos-b": "2", "pos-c": "3"},
            ["a", "b", "c"],
        ),
        ("ordering", {"item": ["c", "a", "b"]}, ["c", "a", "b"]),
        ("matching", {"match-l0": "r0", "match-l1": ""}, {"l0": "r0", "l1": None, "l2": None}),
        ("flashcard", {}, None),
    ],
)
def test_the_form_reads_back_as_the_answer_payload(kind, fields, expected):
    c = card(kind, deletion="c1" if kind == "cloze" else "")
    answer = presentation.answer_from_post(card=c, data=form(**fields))
    assert answer == expected
    grading.grade(kind, c.question.spec, answer, deletion=c.deletion or None)  # a valid shape


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("single_choice", presentation.CHOOSE_ONE),
        ("multiple_choice", presentation.CHOOSE_SOME),
        ("true_false", presentation.CHOOSE_TRUE_FALSE),
    ],
)
def test_an_unchosen_choice_is_an_invalid_answer(kind, message):
    with pytest.raises(grading.InvalidAnswer, match=message):
        presentation.answer_from_post(card=card(kind), data=form())


def test_rating_buttons_show_the_allowed_ratings_with_intervals(now):
    from datetime import timedelta

    previews = {r: now + timedelta(days=d) for r, d in ((2, 1), (3, 3), (4, 8))}
    buttons = presentation.rating_buttons(allowed=(2, 3, 4), previews=previews, now=now)
    assert [(b.label, b.interval, b.key) for b in buttons] == [
        ("Hard", "1d", "2"),
        ("Good", "3d", "3"),
        ("Easy", "8d", "4"),
    ]
    assert [b.default for b in buttons] == [False, True, False]
    again = presentation.rating_buttons(
        allowed=(1,), previews={1: now + timedelta(minutes=10)}, now=now
    )
    assert (again[0].label, again[0].interval, again[0].default) == ("Again", "<10m", True)


def test_the_answered_view_marks_chosen_and_right_options():
    c = card("multiple_choice")
    verdict = grading.grade("multiple_choice", c.question.spec, ["a", "b"])
    view = presentation.answered_view(
        card=c, learner_id=1, reps=0, answer=["a", "b"], verdict=verdict
    )
    flags = {x.id: (x.chosen, x.correct) for x in view.choices}
    assert flags == {"a": (True, True), "b": (True, False), "c": (False, True), "d": (False, False)}


def test_feedback_drops_the_prefix_the_verdict_heading_already_says():
    verdict = grading.grade("true_false", {"correct": True}, False)
    assert verdict.feedback.startswith("Not quite: ")
    assert presentation.feedback_text(verdict) == "The statement is true."

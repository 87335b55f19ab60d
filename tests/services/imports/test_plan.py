"""The plan of an import: what it creates, updates (field by field), leaves and retires."""

from __future__ import annotations

import copy
import json

import pytest

from quizzes import services
from quizzes.importers import native
from quizzes.models import Question
from quizzes.services.imports import import_plan
from quizzes.services.imports.plan import card_answers, clip, value_changes
from tests.importers.test_native import question

pytestmark = pytest.mark.django_db


def plan_for(doc, **kw):
    return import_plan(
        slug="demo", parsed=native.parse(json.dumps(doc)), bank_fields_from_file=True, **kw
    )


def test_a_new_bank_plans_every_question_as_created_and_writes_nothing(doc):
    plan = plan_for(doc)
    assert plan.bank is None and plan.counts()["created"] == 3
    assert [t.slug for t in plan.topics_created] == ["commands", "commands/modprobe"]
    assert not Question.objects.exists()


def test_the_diff_names_each_changed_field_and_spec_leaf(doc, now):
    services.bank_import(parsed=native.parse(json.dumps(doc)), user=None, now=now)
    changed = copy.deepcopy(doc)
    changed["questions"][0]["spec"]["options"][1]["text"] = "insmod -f"
    changed["questions"][0]["prompt"] = "Which one, really?"
    changed["questions"][0]["tags"] = ["scenario"]
    del changed["questions"][2]
    changed["questions"].append(question("q4", "flashcard"))
    plan = plan_for(changed)
    assert [q.external_id for q in plan.created] == ["q4"]
    assert plan.unchanged == ["q2"] and [q.external_id for q in plan.retired] == ["q3"]
    [update] = plan.updated
    fields = {c.field: (c.before, c.after) for c in update.changes}
    assert fields["prompt"] == ("Which?", "Which one, really?")
    assert fields["tags"] == ([], ["scenario"])
    option = doc["questions"][0]["spec"]["options"][1]
    assert fields[f"spec.options[{option['id']}].text"] == (option["text"], "insmod -f")
    assert set(fields) == {"prompt", "tags", f"spec.options[{option['id']}].text"}


def test_a_changed_right_answer_is_told_apart_from_a_changed_distractor(doc, now):
    services.bank_import(parsed=native.parse(json.dumps(doc)), user=None, now=now)
    spec = doc["questions"][0]["spec"]
    right = next(o for o in spec["options"] if o["id"] == spec["correct"])
    wrong = next(o for o in spec["options"] if o["id"] != spec["correct"])
    distractor = copy.deepcopy(doc)
    next(o for o in distractor["questions"][0]["spec"]["options"] if o["id"] == wrong["id"])[
        "text"
    ] = "something else"
    assert plan_for(distractor).updated[0].answer_changed == ()
    answer = copy.deepcopy(doc)
    next(o for o in answer["questions"][0]["spec"]["options"] if o["id"] == right["id"])["text"] = (
        "the new right answer"
    )
    assert plan_for(answer).updated[0].answer_changed == ("",)


def test_a_cloze_reports_only_the_deletions_whose_answer_changed(doc, now):
    services.bank_import(parsed=native.parse(json.dumps(doc)), user=None, now=now)
    text = doc["questions"][1]["spec"]["text"]
    changed = copy.deepcopy(doc)
    first = text.index("{{c2::") + len("{{c2::")
    changed["questions"][1]["spec"]["text"] = (
        text[:first] + "other" + text[text.index("}}", first) :]
    )
    assert plan_for(changed).updated[0].answer_changed == ("c2",)


def test_the_digest_changes_when_the_bank_or_the_file_does(doc, now):
    services.bank_import(parsed=native.parse(json.dumps(doc)), user=None, now=now)
    before = plan_for(doc).digest
    assert plan_for(doc).digest == before
    Question.objects.filter(external_id="q1").update(content_hash="edited since")
    assert plan_for(doc).digest != before


def test_lists_of_items_with_ids_are_compared_by_id():
    before = {"options": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]}
    after = {
        "options": [{"id": "a", "text": "x"}, {"id": "n", "text": "new"}, {"id": "b", "text": "y"}]
    }
    [change] = value_changes("spec", before, after)
    assert (change.field, change.before, change.after) == (
        "spec.options[n]",
        None,
        {"id": "n", "text": "new"},
    )
    reordered = {"options": list(reversed(before["options"]))}
    [change] = value_changes("spec", before, reordered)
    assert change.field == "spec.options (order)" and change.after == ["b", "a"]


def test_long_values_are_clipped_with_their_real_length():
    assert clip("x" * 5000).endswith("… (5,000 characters)") and len(clip("x" * 5000)) < 340
    assert clip({"a": "y" * 1000}).endswith("characters)")
    assert clip(3) == 3


def test_card_answers_use_texts_not_ids():
    one = {"options": [{"id": "a", "text": "modprobe"}, {"id": "b", "text": "x"}], "correct": "a"}
    renamed = {
        "options": [{"id": "z", "text": "modprobe"}, {"id": "b", "text": "x"}],
        "correct": "z",
    }
    assert card_answers("single_choice", one) == card_answers("single_choice", renamed)


def test_planning_an_unchanged_file_costs_the_same_queries_whatever_its_size(now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.services.imports.test_apply import many

    counts = []
    for n in (10, 600):
        doc = many(n)
        doc["bank"]["slug"] = f"size-{n}"
        services.bank_import(parsed=native.parse(json.dumps(doc)), user=None, now=now)
        with CaptureQueriesContext(connection) as ctx:
            plan = import_plan(
                slug=f"size-{n}",
                parsed=native.parse(json.dumps(doc)),
                bank_fields_from_file=True,
            )
        assert plan.writes_nothing and len(plan.unchanged) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 3

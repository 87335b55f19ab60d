"""Applying an import: in place, in bulk, all or nothing; an unchanged file writes nothing."""

from __future__ import annotations

import copy
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.importers import ParseError, native
from quizzes.models import Card, CardState, CardStatus, Question, ReviewLog
from tests.factories import UserFactory, right_answer
from tests.importers.test_native import KINDS, bank_doc, question

pytestmark = pytest.mark.django_db

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b.*?\b(?:INTO|FROM|UPDATE)?\s*\"?(\w+)\"?", re.I)


def load(doc, now, **kw):
    return services.bank_import(parsed=native.parse(json.dumps(doc)), user=None, now=now, **kw)


def writes(queries) -> list[str]:
    """The tables written by the captured statements."""
    tables = []
    for query in queries:
        sql = query["sql"].lstrip()
        verb = sql.split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            tables.append(re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.I).group(1))
    return tables


def many(n: int, start: int = 0) -> dict:
    return bank_doc([question(f"q{i}", KINDS[i % len(KINDS)]) for i in range(start, start + n)])


def test_the_number_of_queries_grows_with_batches_not_questions(now):
    counts = {}
    for n in (20, 40, 1000):
        doc = many(n)
        doc["bank"]["slug"] = f"b{n}"
        with CaptureQueriesContext(connection) as ctx:
            load(doc, now)
        counts[n] = len(ctx.captured_queries)
    assert counts[20] == counts[40]  # one statement per table either way
    # A statement per batch (as many rows as the database takes at once), never per question.
    assert counts[1000] - counts[20] <= 1000 // 40


def test_re_importing_an_unchanged_file_writes_nothing_but_its_record(now):
    doc = many(60)
    load(doc, now)
    with CaptureQueriesContext(connection) as ctx:
        summary = load(doc, now + timedelta(days=1))
    assert summary.counts() == {"created": 0, "updated": 0, "unchanged": 60, "retired": 0}
    assert writes(ctx.captured_queries) == ["quizzes_importrun"]


def test_an_update_keeps_cards_states_and_logs_and_resets_only_when_asked(now):
    doc = many(3)
    load(doc, now)
    learner = UserFactory()
    services.enroll(learner=learner, bank=Question.objects.first().bank)
    question_row = Question.objects.get(external_id="q1")  # single choice
    card = Card.objects.get(question=question_row)
    services.review_submit(
        learner=learner, card=card, answer=right_answer(question_row), rating=None, now=now
    )
    changed = copy.deepcopy(doc)
    spec = changed["questions"][1]["spec"]
    next(o for o in spec["options"] if o["id"] == spec["correct"])["text"] = "A new right answer"
    summary = load(changed, now + timedelta(days=1))
    assert summary.updated == ["q1"] and summary.run.cards_reset == 0
    state = CardState.objects.get(learner=learner, card=card)
    assert state.status != CardStatus.NEW and state.reps == 1
    spec["options"][0]["text"] += " (again)"
    if spec["options"][0]["id"] != spec["correct"]:
        next(o for o in spec["options"] if o["id"] == spec["correct"])["text"] = "Newer still"
    summary = load(changed, now + timedelta(days=2), reset_changed=True)
    assert summary.run.cards_reset == 1
    state.refresh_from_db()
    assert (state.status, state.due, state.reps) == (CardStatus.NEW, None, 1)
    assert Card.objects.get(question=question_row).pk == card.pk
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_questions_missing_from_the_file_are_retired_never_deleted(now):
    doc = many(4)
    load(doc, now)
    smaller = copy.deepcopy(doc)
    smaller["questions"] = smaller["questions"][:2]
    summary = load(smaller, now)
    assert summary.retired == ["q2", "q3"]
    assert Question.objects.count() == 4
    assert Question.objects.filter(retired_at__isnull=False).count() == 2
    assert not Card.objects.filter(question__external_id="q2", retired_at__isnull=True).exists()
    kept = load(smaller, now, retire_missing=False)
    assert kept.retired == [] and kept.counts()["unchanged"] == 2


def test_an_import_with_any_error_changes_nothing(now):
    doc = many(5)
    load(doc, now)
    broken = copy.deepcopy(doc)
    broken["questions"][0]["prompt"] = "changed"
    broken["questions"][4]["spec"] = {"nonsense": True}
    with pytest.raises(ParseError):
        load(broken, now)
    assert Question.objects.get(external_id="q0").prompt == "Which?"


def test_topics_are_created_parents_first_and_links_keep_the_files_order(now):
    doc = bank_doc([question("q1", "flashcard", topics=["commands/modprobe", "commands"])])
    doc["topics"].append(
        {"slug": "commands/modprobe/x", "title": "X", "parent": "commands/modprobe"}
    )
    load(doc, now)
    q = Question.objects.get()
    through = Question.topics.through
    order = list(
        through.objects.filter(question=q).order_by("id").values_list("topic__slug", flat=True)
    )
    assert order == ["commands/modprobe", "commands"]
    renamed = copy.deepcopy(doc)
    renamed["topics"][0]["title"] = "Module commands"
    summary = load(renamed, now)
    assert summary.plan.topics_updated and summary.counts()["unchanged"] == 1
    assert q.bank.topics.get(slug="commands").title == "Module commands"

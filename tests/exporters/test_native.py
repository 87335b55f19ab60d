"""The native exporter is lossless: the fixture bank exports back to the same document, and an
export re-imports as unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizzes import services
from quizzes.exporters.native import bank_export, bank_export_text
from quizzes.importers import native
from quizzes.models import Bank, Topic
from tests.factories import BankFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "linux-kernel-modules.json"


def test_the_fixture_bank_round_trips_to_the_same_document(now):
    original = json.loads(FIXTURE.read_text(encoding="utf-8"))
    services.bank_import(parsed=native.parse(FIXTURE.read_bytes()), user=None, now=now)
    exported = bank_export(Bank.objects.get(slug=original["bank"]["slug"]))
    assert exported == original


def test_an_export_reimports_as_unchanged_and_retired_questions_stay_out(now):
    bank = BankFactory(slug="rt", title="Round trip", description="*Desc*", version="3")
    parent = TopicFactory(bank=bank, slug="a", title="A")
    child = Topic.objects.create(bank=bank, slug="a/b", title="B", parent=parent)
    questions = [QuestionFactory(bank=bank) for _ in range(9)]
    for question in questions:  # one link at a time: the first added is the primary topic
        question.topics.add(child)
        question.topics.add(parent)
    services.question_retire(question=questions[0], now=now)
    text = bank_export_text(bank)
    parsed = native.parse(text)  # valid against the schema, parents before children
    assert [t.slug for t in parsed.topics] == ["a", "a/b"]
    assert parsed.questions[0].topics == ("a/b", "a")  # the primary topic stays first
    first = services.bank_import(parsed=parsed, user=None, now=now)
    # Factory rows had no content digest yet: same content, so unchanged (the digest is stored).
    assert first.counts() == {"created": 0, "updated": 0, "unchanged": 8, "retired": 0}
    assert len(first.plan.rehash) == 8
    again = services.bank_import(parsed=native.parse(bank_export_text(bank)), user=None, now=now)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 8, "retired": 0}
    assert questions[0].external_id not in {q.external_id for q in parsed.questions}


def test_topics_keep_creation_order_and_a_child_waits_only_for_its_parent():
    bank = BankFactory(slug="order", title="Order")
    a = TopicFactory(bank=bank, slug="a")
    TopicFactory(bank=bank, slug="b")
    Topic.objects.create(bank=bank, slug="a/late", title="Late", parent=a)  # appended at the end
    z = TopicFactory(bank=bank, slug="z")
    c = TopicFactory(bank=bank, slug="c")
    Topic.objects.create(bank=bank, slug="z/child", title="Child", parent=z)
    z.parent = c  # reparented under a topic created after it: z now waits for c
    z.save()
    slugs = [t["slug"] for t in bank_export(bank)["topics"]]
    assert slugs == ["a", "b", "a/late", "c", "z", "z/child"]


def test_optional_fields_are_left_out_when_empty(now):
    bank = BankFactory(slug="bare", title="Bare")
    TopicFactory(bank=bank, slug="t")
    document = bank_export(bank)
    assert document["bank"] == {"slug": "bare", "title": "Bare"}
    assert document["questions"] == []


def test_since_is_exported_when_stated_and_reimports_unchanged(now):
    bank = BankFactory(slug="dated", title="Dated")
    topic = TopicFactory(bank=bank, slug="t")
    QuestionFactory(bank=bank, kind="true_false", since="Linux 5.13", topics=[topic])
    QuestionFactory(bank=bank, kind="true_false", topics=[topic])
    dated, plain = bank_export(bank)["questions"]
    assert dated["since"] == "Linux 5.13" and "since" not in plain
    services.bank_import(parsed=native.parse(bank_export_text(bank)), user=None, now=now)
    again = services.bank_import(parsed=native.parse(bank_export_text(bank)), user=None, now=now)
    assert again.counts()["unchanged"] == 2

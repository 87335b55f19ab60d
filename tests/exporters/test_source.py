"""parsed_bank_from_db reads a bank as authored, in a constant number of queries."""

from __future__ import annotations

import pytest

from quizzes import services
from quizzes.exporters.source import parsed_bank_from_db
from quizzes.models import Topic
from tests.factories import BankFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _bank(questions: int):
    bank = BankFactory(slug=f"b{questions}", title="B", description="D", version="2")
    parent = TopicFactory(bank=bank, slug="a", title="A")
    child = Topic.objects.create(bank=bank, slug="a/b", title="B", parent=parent)
    made = [QuestionFactory(bank=bank) for _ in range(questions)]
    for question in made:
        question.topics.add(child)
        question.topics.add(parent)
    return bank, made


@pytest.mark.parametrize("size", [2, 12])
def test_three_queries_whatever_the_size(django_assert_num_queries, size):
    bank, _ = _bank(size)
    with django_assert_num_queries(3):
        parsed = parsed_bank_from_db(bank)
    assert len(parsed.questions) == size


def test_fields_topics_in_order_and_retired_questions_left_out(now):
    bank, made = _bank(3)
    services.question_retire(question=made[0], now=now)
    parsed = parsed_bank_from_db(bank)
    assert (parsed.slug, parsed.title, parsed.description, parsed.version) == ("b3", "B", "D", "2")
    assert [(t.slug, t.parent) for t in parsed.topics] == [("a", None), ("a/b", "a")]
    assert [q.external_id for q in parsed.questions] == [q.external_id for q in made[1:]]
    first = parsed.questions[0]
    assert first.topics == ("a/b", "a")  # the primary topic stays first
    assert (first.kind, first.spec, first.prompt) == (made[1].kind, made[1].spec, made[1].prompt)

"""The card browser: every card of the learner's banks (new ones too), searched and sorted."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from quizzes import services
from quizzes.analytics import CardFilters, card_browser_page
from quizzes.models import CardState, CardStatus, LearnerProfile
from tests.factories import (
    BankFactory,
    EnrollmentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    card_of,
)

pytestmark = pytest.mark.django_db


def study(learner, card, now, **fields):
    """Give the learner a state of `card` (status review unless told)."""
    values = {
        "status": CardStatus.REVIEW,
        "due": now + timedelta(days=3),
        "last_review": now - timedelta(days=2),
        "stability": 5.0,
        "difficulty": 5.0,
        "reps": 3,
    }
    values.update(fields)
    return CardState.objects.create(learner=learner, card=card, bank_id=card.bank_id, **values)


def page(learner, now, **filters):
    options = {k: filters.pop(k) for k in ("page", "per_page") if k in filters}
    return card_browser_page(learner=learner, filters=CardFilters(**filters), now=now, **options)


def ids(result):
    return [row.card_id for row in result.rows]


@pytest.fixture
def learner(db):
    user = UserFactory()
    LearnerProfile.objects.create(user=user, timezone="UTC", day_start_hour=4)
    return user


def test_new_cards_without_a_state_are_listed_after_the_studied_ones(learner, now):
    bank = BankFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    studied, fresh = (QuestionFactory(bank=bank, kind="true_false") for _ in range(2))
    study(learner, card_of(studied), now)
    result = page(learner, now)
    assert result.total == 2
    assert ids(result) == [card_of(studied).pk, card_of(fresh).pk]
    assert [row.state for row in result.rows] == ["Review", "New"]
    assert result.rows[1].due is None and result.rows[1].reps == 0


def test_only_the_learners_own_banks_and_states_are_seen(learner, now):
    mine, theirs = BankFactory(), BankFactory()
    EnrollmentFactory(learner=learner, bank=mine)
    question = QuestionFactory(bank=mine, kind="true_false")
    QuestionFactory(bank=theirs, kind="true_false")
    other = UserFactory()
    study(other, card_of(question), now, lapses=7)
    QuestionFactory(bank=mine, kind="true_false", retired_at=now)  # retired: not listed
    result = page(learner, now)
    assert ids(result) == [card_of(question).pk]
    assert result.rows[0].state == "New" and result.rows[0].lapses == 0


def test_a_cloze_question_lists_one_row_per_deletion(learner, now):
    bank = BankFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    cloze = QuestionFactory(bank=bank, kind="cloze", prompt="")
    rows = page(learner, now).rows
    assert [row.deletion for row in rows] == ["c1", "c2"]
    assert "[...] loads" in rows[0].prompt and "depmod" in rows[0].prompt
    assert cloze.pk == rows[0].question_id


@pytest.fixture
def shelf(learner, now):
    """Two banks with a topic tree and cards in every state."""
    bank = BankFactory(slug="kmod")
    other = BankFactory(slug="extra")
    for b in (bank, other):
        EnrollmentFactory(learner=learner, bank=b)
    commands = TopicFactory(bank=bank, slug="commands")
    modprobe = TopicFactory(bank=bank, slug="commands/modprobe", parent=commands)
    locking = TopicFactory(bank=bank, slug="locking")
    q = {
        "new": QuestionFactory(bank=bank, kind="true_false", topics=[locking]),
        "learning": QuestionFactory(
            bank=bank, kind="short_answer", topics=[modprobe], prompt="Which file holds deps?"
        ),
        "review": QuestionFactory(bank=bank, kind="true_false", topics=[commands]),
        "relearning": QuestionFactory(bank=bank, kind="true_false", topics=[commands]),
        "suspended": QuestionFactory(bank=bank, kind="true_false"),
        "leech": QuestionFactory(bank=bank, kind="true_false"),
        "buried": QuestionFactory(bank=bank, kind="true_false"),
        "elsewhere": QuestionFactory(bank=other, kind="true_false"),
    }
    c = {name: card_of(question) for name, question in q.items()}
    study(learner, c["learning"], now, status=CardStatus.LEARNING, due=now + timedelta(minutes=10))
    study(learner, c["review"], now, due=now + timedelta(days=1), lapses=1)
    study(learner, c["relearning"], now, status=CardStatus.RELEARNING, due=now - timedelta(hours=1))
    study(learner, c["suspended"], now, suspended=True, due=now + timedelta(days=9))
    study(learner, c["leech"], now, suspended=True, is_leech=True, lapses=8)
    study(learner, c["buried"], now, buried_until=now + timedelta(hours=5), lapses=2)
    study(learner, c["elsewhere"], now, due=now + timedelta(days=30))
    return c


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"state": "new"}, {"new"}),
        ({"state": "learning"}, {"learning"}),
        ({"state": "relearning"}, {"relearning"}),
        ({"state": "review", "bank": "kmod"}, {"review", "suspended", "leech", "buried"}),
        ({"suspended": True}, {"suspended", "leech"}),
        ({"leech": True}, {"leech"}),
        ({"buried": True}, {"buried"}),
        (
            {"buried": False, "suspended": False, "bank": "kmod"},
            {"new", "learning", "review", "relearning"},
        ),
        ({"bank": "extra"}, {"elsewhere"}),
        ({"topic": "commands"}, {"learning", "review", "relearning"}),
        ({"topic": "commands/modprobe"}, {"learning"}),
        ({"kind": "short_answer"}, {"learning"}),
        ({"text": "deps?"}, {"learning"}),
        ({"lapses_min": 2}, {"leech", "buried"}),
        (
            {"lapses_max": 1, "bank": "kmod", "suspended": False, "buried": False},
            {"new", "learning", "review", "relearning"},
        ),
    ],
)
def test_each_filter_narrows_the_cards(learner, now, shelf, filters, expected):
    result = page(learner, now, **filters)
    by_card = {card.pk: name for name, card in shelf.items()}
    assert {by_card[i] for i in ids(result)} == expected
    assert result.total == len(expected)


def test_text_search_reads_the_answer_spec_and_the_external_id(learner, now, shelf):
    question = shelf["learning"].question
    answer = question.spec["accepted"][0]
    assert ids(page(learner, now, text=answer)) == [shelf["learning"].pk]
    assert ids(page(learner, now, text=question.external_id)) == [shelf["learning"].pk]


def test_the_due_range_is_in_the_learners_days(learner, now, shelf):
    # The learner's day starts at 04:00 UTC: `now` (12:00 on 2 March) is in 2 March.
    today = date(2026, 3, 2)
    due_today = page(learner, now, due_from=today, due_to=today)
    assert {shelf["learning"].pk, shelf["relearning"].pk} == set(ids(due_today))
    tomorrow = page(
        learner, now, due_from=today + timedelta(days=1), due_to=today + timedelta(days=1)
    )
    assert ids(tomorrow) == [shelf["review"].pk]


SORTS = ["due", "interval", "difficulty", "lapses", "reviews", "last_review", "question"]


def expected_order(learner, cards, sort, descending):
    """The browser's order computed in Python: values missing (new cards) last, ties by card."""
    states = {s.card_id: s for s in CardState.objects.filter(learner=learner)}

    def value(card):
        state = states.get(card.pk)
        if sort == "question":
            return card.question.external_id
        if sort in ("lapses", "reviews"):
            return getattr(state, "lapses" if sort == "lapses" else "reps", 0) if state else 0
        if state is None:
            return None
        if sort == "interval":
            return (state.due - state.last_review) if state.due and state.last_review else None
        return getattr(state, sort)

    present = [c for c in cards if value(c) is not None]
    missing = [c for c in cards if value(c) is None]
    present.sort(key=lambda c: (value(c), c.pk), reverse=descending)
    missing.sort(key=lambda c: c.pk, reverse=descending)
    return [c.pk for c in present + missing]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_pages_through_every_card_in_order(learner, now, sort, descending):
    bank = BankFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    rng = random.Random(sort)
    cards = [card_of(QuestionFactory(bank=bank, kind="true_false")) for _ in range(23)]
    for card in cards[:17]:
        last = now - timedelta(days=rng.randint(1, 20))
        study(
            learner,
            card,
            now,
            due=None if rng.random() < 0.15 else last + timedelta(days=rng.randint(0, 9)),
            last_review=last,
            difficulty=rng.choice([3.0, 5.5, 8.0]),
            lapses=rng.randint(0, 3),
            reps=rng.randint(1, 9),
        )
    seen = []
    for number in range(1, 6):
        result = page(learner, now, sort=sort, descending=descending, page=number, per_page=5)
        assert result.total == 23 and result.pages == 5 and result.number == number
        seen += ids(result)
    assert seen == expected_order(learner, cards, sort, descending)


def test_a_page_past_the_end_is_the_last_page(learner, now):
    bank = BankFactory()
    EnrollmentFactory(learner=learner, bank=bank)
    for _ in range(3):
        QuestionFactory(bank=bank, kind="true_false")
    result = page(learner, now, page=99, per_page=2)
    assert (result.number, len(result.rows)) == (2, 1)


def test_an_unknown_sort_is_refused(learner, now):
    with pytest.raises(ValueError, match="cannot sort by 'ease'"):
        page(learner, now, sort="ease")


def make_cards(learner, bank, now, count):
    """`count` cards, four in five studied (a due time each), the rest new."""
    for index in range(count):
        card = card_of(QuestionFactory(bank=bank, kind="true_false"))
        if index % 5:
            study(learner, card, now, due=now + timedelta(hours=index))


# Sorted by due: the count and the page of studied cards; on a page of new cards only, also the
# count of studied cards, then the new cards' ids and rows. Other sorts: count, ids, rows.
@pytest.mark.parametrize(
    ("sort", "number", "queries"),
    [("due", 1, 2), ("due", "last", 5), ("lapses", 1, 3), ("lapses", "last", 3)],
)
def test_a_page_takes_the_same_queries_at_10_and_500_cards(
    learner, now, django_assert_num_queries, sort, number, queries
):
    profile = LearnerProfile.objects.get(user=learner)
    for count in (10, 500):
        bank = BankFactory()
        services.enroll(learner=learner, bank=bank)
        make_cards(learner, bank, now, count)
        filters = CardFilters(sort=sort, bank=bank.slug)
        last = -(-count // 4)
        with django_assert_num_queries(queries):
            result = card_browser_page(
                learner=learner,
                filters=filters,
                now=now,
                profile=profile,
                per_page=4,
                page=last if number == "last" else 1,
            )
        assert len(result.rows) == (2 if number == "last" and count == 10 else 4)
        assert result.total == count

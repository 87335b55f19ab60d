"""factory-boy factories for every model, building mixed kinds with options and cloze siblings."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes.models import (
    Attempt,
    Bank,
    BankMembership,
    Card,
    Enrollment,
    LearnerProfile,
    Question,
    QuestionKind,
    Topic,
)

KINDS = [k.value for k in QuestionKind]


def spec_for(kind: str, n: int) -> dict[str, Any]:
    """A valid answer spec of each kind (the right answer is always the first/`a`)."""
    options = [{"id": i, "text": f"option {i} of {n}"} for i in ("a", "b", "c", "d")]
    return {
        "flashcard": {"back": f"back {n}"},
        "single_choice": {"options": options, "correct": "a"},
        "multiple_choice": {"options": options, "correct": ["a", "c"]},
        "true_false": {"correct": True},
        "short_answer": {"accepted": [f"answer{n}"]},
        "shell_command": {"accepted": [f"modprobe -r mod{n}"]},
        "cloze": {"text": f"{{{{c1::modprobe}}}} loads mod{n} and {{{{c2::depmod}}}} indexes it."},
        "ordering": {
            "items": [{"id": x, "text": f"step {x}"} for x in ("a", "b", "c")],
            "correct_order": ["a", "b", "c"],
        },
        "matching": {
            "left": [{"id": f"l{i}", "text": f"left {i}"} for i in range(3)],
            "right": [{"id": f"r{i}", "text": f"right {i}"} for i in range(3)],
            "pairs": {f"l{i}": f"r{i}" for i in range(3)},
        },
    }[kind]


RIGHT_ANSWERS: dict[str, Any] = {
    "single_choice": "a",
    "multiple_choice": ["a", "c"],
    "true_false": True,
    "ordering": ["a", "b", "c"],
    "matching": {"l0": "r0", "l1": "r1", "l2": "r2"},
}


def right_answer(question: Question, deletion: str = "") -> Any:
    """The correct answer payload for a factory-made question."""
    if question.kind == "short_answer":
        return question.spec["accepted"][0]
    if question.kind == "shell_command":
        return question.spec["accepted"][0]
    if question.kind == "cloze":
        return {deletion or "c1": "modprobe" if (deletion or "c1") == "c1" else "depmod"}
    if question.kind == "flashcard":
        return None
    return RIGHT_ANSWERS[question.kind]


def wrong_answer(question: Question, deletion: str = "") -> Any:
    return {
        "single_choice": "b",
        "multiple_choice": ["b"],
        "true_false": False,
        "short_answer": "nope",
        "shell_command": "insmod nope.ko",
        "cloze": {deletion or "c1": "nope"},
        "ordering": ["c", "b", "a"],
        "matching": {"l0": "r1", "l1": "r0", "l2": "r2"},
        "flashcard": None,
    }[question.kind]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")


class LearnerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"bank-{n}")
    title = factory.LazyAttribute(lambda b: b.slug.replace("-", " ").title())
    owner = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankMembership

    bank = factory.SubFactory(BankFactory)
    user = factory.SubFactory(UserFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    bank = factory.SubFactory(BankFactory)
    slug = factory.Sequence(lambda n: f"topic-{n}")
    title = factory.LazyAttribute(lambda t: t.slug.title())


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with its cards; `kind` cycles through all nine unless given."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    bank = factory.SubFactory(BankFactory)
    external_id = factory.Sequence(lambda n: f"q-{n:05d}")
    kind = factory.Iterator(KINDS)
    prompt = factory.LazyAttribute(lambda q: f"Prompt for {q.external_id}?")
    explanation = "Because the man page says so."
    spec = factory.LazyAttributeSequence(lambda q, n: spec_for(q.kind, n))
    difficulty = 2
    source = "modprobe(8)"

    @factory.post_generation
    def topics(self, create: bool, extracted: list[Topic] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.topics.add(*extracted)

    @factory.post_generation
    def cards(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            from quizzes.services import question_sync_cards

            question_sync_cards(questions=[self], now=timezone.now())


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment
        django_get_or_create = ("learner", "bank")

    learner = factory.SubFactory(UserFactory)
    bank = factory.SubFactory(BankFactory)


class AttemptFactory(factory.django.DjangoModelFactory):
    """A closed attempt at a card (bank and question follow the card); score 1 when right."""

    class Meta:
        model = Attempt

    learner = factory.SubFactory(UserFactory)
    card = factory.LazyFunction(lambda: QuestionFactory(kind="single_choice").cards.get())
    bank = factory.LazyAttribute(lambda a: a.card.bank)
    question = factory.LazyAttribute(lambda a: a.card.question)
    correct = factory.LazyAttribute(lambda a: a.score == 1.0)
    score = 1.0
    answer = None
    elapsed_ms = 5000
    attempted_at = factory.LazyFunction(timezone.now)
    closed_at = factory.LazyAttribute(lambda a: a.attempted_at)


def card_of(question: Question, deletion: str = "") -> Card:
    return Card.objects.get(question=question, deletion=deletion)

"""Fixtures of the page tests: a bank of all nine kinds, learners and instructors around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from quizzes import services
from quizzes.models import Bank, Question
from tests.factories import (
    KINDS,
    BankFactory,
    MembershipFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    """A cheap hasher: these tests make many users and never test hashing itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    bank: Bank
    other_bank: Bank
    questions: dict[str, Question]
    learner: AbstractBaseUser
    other_learner: AbstractBaseUser
    instructor: AbstractBaseUser
    other_instructor: AbstractBaseUser


@pytest.fixture
def world(db) -> World:
    """One bank with a question of each kind (owned by `instructor`, studied by `learner`);
    another bank taught by `other_instructor`, studied by `other_learner`."""
    instructor = UserFactory(username="teacher")
    other_instructor = UserFactory(username="stranger-teacher")
    bank = BankFactory(slug="kmods", title="Kernel modules", owner=instructor)
    other_bank = BankFactory(slug="other", title="Other bank", owner=other_instructor)
    topic = TopicFactory(bank=bank, slug="commands", title="Commands")
    TopicFactory(bank=bank, slug="commands/modprobe", title="modprobe")
    questions = {
        kind: QuestionFactory(bank=bank, kind=kind, topics=[topic], external_id=f"q-{kind}")
        for kind in KINDS
    }
    QuestionFactory(bank=other_bank, kind="true_false", external_id="other-tf")
    learner = UserFactory(username="ada")
    other_learner = UserFactory(username="bob")
    services.enroll(learner=learner, bank=bank)
    services.enroll(learner=other_learner, bank=other_bank)
    return World(
        bank=bank,
        other_bank=other_bank,
        questions=questions,
        learner=learner,
        other_learner=other_learner,
        instructor=instructor,
        other_instructor=other_instructor,
    )


@pytest.fixture
def learner_client(world: World) -> Client:
    client = Client()
    client.force_login(world.learner)
    return client


@pytest.fixture
def instructor_client(world: World) -> Client:
    client = Client()
    client.force_login(world.instructor)
    return client


@pytest.fixture
def member_instructor(world: World) -> AbstractBaseUser:
    """An instructor of `bank` through a membership row, not as its owner."""
    user = UserFactory(username="assistant")
    MembershipFactory(bank=world.bank, user=user)
    return user

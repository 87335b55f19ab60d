"""Fixtures for the API tests: pinned time, a clean throttle cache, and a small world of users
(a learner, another learner, the bank's instructor and another bank's instructor)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.test import APIClient

from quizzes import services
from quizzes.api import clock
from quizzes.models import (
    Bank,
    Card,
    Course,
    LearnerProfile,
    Question,
    QuestionReport,
    Rating,
)
from quizzes.services import accounts, authoring, courses
from tests.factories import (
    BankFactory,
    EnrollmentFactory,
    MembershipFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    card_of,
)


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """Every view reads the time from quizzes.api.clock: pin it."""
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Users are made by the dozen here: PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Throttle counters live in the cache: start every test with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user: Any, *, now: datetime, **scope: Any) -> APIClient:
    """An APIClient authenticated by a fresh API token of `user` (optionally scoped)."""
    _scope, text = accounts.api_token_create(user=user, now=now, **scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    return client


@dataclass
class World:
    bank: Bank  # private: only its learners and instructors see it
    other_bank: Bank
    learner: Any
    other_learner: Any
    instructor: Any  # owns `bank`
    member: Any  # instructor of `bank` through a membership
    other_instructor: Any  # owns `other_bank`
    question: Question  # single choice, reviewed once by the learner
    card: Card
    flashcard: Question
    cloze: Question
    report: QuestionReport
    course: Course  # studies `bank`; the learner is a member
    now: datetime

    def user(self, role: str) -> Any:
        return getattr(self, role)


@pytest.fixture
def world(db: Any, now: datetime) -> World:
    add_bank = Permission.objects.get(codename="add_bank")
    instructor = UserFactory(username="instructor")
    other_instructor = UserFactory(username="other_instructor")
    for user in (instructor, other_instructor):
        user.user_permissions.add(add_bank)
    member = UserFactory(username="member")
    learner = UserFactory(username="learner")
    other_learner = UserFactory(username="other_learner")
    for user in (learner, other_learner):
        LearnerProfile.objects.create(user=user, timezone="UTC", day_start_hour=4)
    bank = BankFactory(slug="kmod", owner=instructor, visibility=Bank.Visibility.PRIVATE)
    MembershipFactory(bank=bank, user=member)
    other_bank = BankFactory(slug="other", owner=other_instructor)
    topic = TopicFactory(bank=bank, slug="commands", title="Commands")
    TopicFactory(bank=bank, slug="commands/modprobe", title="modprobe", parent=topic)
    question = QuestionFactory(bank=bank, kind="single_choice", topics=[topic])
    flashcard = QuestionFactory(bank=bank, kind="flashcard", topics=[topic])
    cloze = QuestionFactory(bank=bank, kind="cloze", topics=[topic])
    QuestionFactory(bank=other_bank, kind="true_false")
    EnrollmentFactory(learner=learner, bank=bank)
    EnrollmentFactory(learner=other_learner, bank=other_bank)
    card = card_of(question)
    services.review_submit(
        learner=learner, card=card, answer="a", rating=Rating.GOOD, now=now, idempotency_key="w1"
    )
    report = authoring.report_create(
        reporter=learner, question=question, text="Option b is also right.", now=now
    )
    course = Course.objects.create(title="Kernel modules 101", platform="https://lms.example")
    courses.course_bank_add(course=course, bank=bank)
    courses.course_member_join(course=course, user=learner, role="learner", now=now)
    return World(
        bank=bank,
        other_bank=other_bank,
        learner=learner,
        other_learner=other_learner,
        instructor=instructor,
        member=member,
        other_instructor=other_instructor,
        question=question,
        card=card,
        flashcard=flashcard,
        cloze=cloze,
        report=report,
        course=course,
        now=now,
    )


ROLES = [
    "anonymous",
    "learner",
    "other_learner",
    "instructor",
    "other_instructor",
    "limited_learner",
]


@pytest.fixture
def client_as(world: World, now: datetime) -> Any:
    """client_as(role) -> an APIClient for that role ("anonymous" has no credentials;
    "limited_learner" is the learner through a token limited to the bank `other`)."""

    def make(role: str, **scope: Any) -> APIClient:
        if role == "anonymous":
            return APIClient()
        if role == "limited_learner":
            return token_client(world.learner, now=now, banks=[world.other_bank], **scope)
        return token_client(world.user(role), now=now, **scope)

    return make

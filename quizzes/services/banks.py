"""Writes on banks: their cards, retiring, enrolling (imports: services.imports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from quizzes import errors
from quizzes.grading import cloze_keys
from quizzes.importers.base import ParsedQuestion
from quizzes.models import (
    Bank,
    BankMembership,
    Card,
    CardState,
    Enrollment,
    Question,
    QuestionKind,
)
from quizzes.selectors import learner_profile_get

# Rows per statement when cards are synced in bulk (imports sync thousands of questions).
_BATCH = 500


def user_is_bank_instructor(*, user: AbstractBaseUser, bank: Bank) -> bool:
    """The owner, a member with the instructor role, or a superuser."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or bank.owner_id == user.pk:
        return True
    return BankMembership.objects.filter(
        bank=bank, user=user, role=BankMembership.Role.INSTRUCTOR
    ).exists()


def card_keys(question: Question | ParsedQuestion) -> list[str]:
    """The deletion keys a question's cards are made for ("" for a one-card question)."""
    if question.kind == QuestionKind.CLOZE:
        return cloze_keys(question.spec.get("text", "")) or [""]
    return [""]


def question_sync_cards(*, questions: list[Question], now: datetime) -> None:
    """Make the cards of each question match its content: create, retire or revive them."""
    if not questions:
        return
    existing: dict[int, dict[str, Card]] = {}
    for start in range(0, len(questions), _BATCH):
        part = [q.pk for q in questions[start : start + _BATCH]]
        for card in Card.objects.filter(question_id__in=part):
            existing.setdefault(card.question_id, {})[card.deletion] = card
    to_create: list[Card] = []
    retire_ids: list[int] = []
    revive_ids: list[int] = []
    for question in questions:
        wanted = [] if question.retired_at else card_keys(question)
        have = existing.get(question.pk, {})
        for ordinal, key in enumerate(wanted):
            card = have.get(key)
            if card is None:
                to_create.append(
                    Card(question=question, bank_id=question.bank_id, deletion=key, ordinal=ordinal)
                )
            elif card.retired_at is not None:
                revive_ids.append(card.pk)
        retire_ids += [c.pk for k, c in have.items() if k not in wanted and c.retired_at is None]
    Card.objects.bulk_create(to_create, batch_size=_BATCH)
    for start in range(0, len(retire_ids), _BATCH):
        part = retire_ids[start : start + _BATCH]
        Card.objects.filter(pk__in=part).update(retired_at=now)
        CardState.objects.filter(card_id__in=part).update(retired=True)
    for start in range(0, len(revive_ids), _BATCH):
        part = revive_ids[start : start + _BATCH]
        Card.objects.filter(pk__in=part).update(retired_at=None)
        CardState.objects.filter(card_id__in=part).update(retired=False)


def question_retire(*, question: Question, now: datetime) -> None:
    """Hide a question from study for good; its cards, states and logs are kept."""
    with transaction.atomic():
        question.retired_at = now
        question.save(update_fields=["retired_at", "updated_at"])
        question_sync_cards(questions=[question], now=now)


def bank_retire(*, bank: Bank, now: datetime) -> None:
    """Retire a bank: it leaves listings and study; its history is kept."""
    bank.retired_at = now
    bank.save(update_fields=["retired_at", "updated_at"])


def enroll(*, learner: AbstractBaseUser, bank: Bank, by_instructor: bool = False) -> Enrollment:
    """Enrol a learner in a bank (idempotent); daily limits default from their profile."""
    if bank.retired_at is not None:
        raise ValidationError(errors.BANK_RETIRED, code="retired")
    if bank.visibility == Bank.Visibility.PRIVATE and not by_instructor:
        raise ValidationError(errors.BANK_NOT_OPEN, code="private")
    profile = learner_profile_get(learner=learner)
    enrollment, _ = Enrollment.objects.get_or_create(
        learner=learner,
        bank=bank,
        defaults={"new_per_day": profile.new_per_day, "reviews_per_day": profile.reviews_per_day},
    )
    return enrollment


def unenroll(*, learner: AbstractBaseUser, bank: Bank) -> None:
    """Leave a bank. Progress (states and logs) is kept, so enrolling again resumes it."""
    Enrollment.objects.filter(learner=learner, bank=bank).delete()


def banks_visible_to(*, user: AbstractBaseUser) -> Any:
    """Banks a user may see: public ones, ones they are enrolled in, and ones they teach."""
    if user.is_superuser:
        return Bank.objects.all()
    return Bank.objects.filter(
        Q(visibility=Bank.Visibility.PUBLIC, retired_at__isnull=True)
        | Q(enrollments__learner=user)
        | Q(owner=user)
        | Q(memberships__user=user)
    ).distinct()

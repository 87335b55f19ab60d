"""Writes on banks: importing (an upsert by external id), retiring, enrolling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from quizzes import errors
from quizzes.grading import cloze_keys
from quizzes.importers.base import ParsedBank, ParsedQuestion
from quizzes.models import (
    Bank,
    BankMembership,
    Card,
    CardState,
    Enrollment,
    ImportRun,
    Question,
    QuestionKind,
    Topic,
)
from quizzes.selectors import learner_profile_get


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do), question by question."""

    bank: Bank | None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    dry_run: bool = False
    run: ImportRun | None = None

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "retired": len(self.retired),
        }


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
    for card in Card.objects.filter(question__in=questions):
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
    Card.objects.bulk_create(to_create, batch_size=500)
    if retire_ids:
        Card.objects.filter(pk__in=retire_ids).update(retired_at=now)
        CardState.objects.filter(card_id__in=retire_ids).update(retired=True)
    if revive_ids:
        Card.objects.filter(pk__in=revive_ids).update(retired_at=None)
        CardState.objects.filter(card_id__in=revive_ids).update(retired=False)


def question_retire(*, question: Question, now: datetime) -> None:
    """Hide a question from study for good; its cards, states and logs are kept."""
    with transaction.atomic():
        question.retired_at = now
        question.save(update_fields=["retired_at", "updated_at"])
        question_sync_cards(questions=[question], now=now)


@transaction.atomic
def bank_import(
    *,
    parsed: ParsedBank,
    user: AbstractBaseUser | None,
    now: datetime,
    fmt: str = "json",
    filename: str = "",
    dry_run: bool = False,
    retire_missing: bool = True,
) -> ImportSummary:
    """Create or update a bank from a parsed file, all or nothing.

    Questions are matched by external id: new ones are created, changed ones updated in place
    (learners keep their progress), identical ones left alone, and — with `retire_missing` —
    those no longer in the file are retired. With `dry_run` everything is done and rolled back,
    so the summary is an exact preview.
    """
    bank, _created = Bank.objects.get_or_create(
        slug=parsed.slug,
        defaults={
            "title": parsed.title,
            "description": parsed.description,
            "version": parsed.version,
            "owner": user if user and user.pk else None,
        },
    )
    if (
        user is not None
        and user.pk
        and not _created
        and not user_is_bank_instructor(user=user, bank=bank)
    ):
        raise ValidationError("Only the bank's instructors can import into it.", code="forbidden")
    Bank.objects.filter(pk=bank.pk).update(
        title=parsed.title,
        description=parsed.description,
        version=parsed.version or bank.version,
        retired_at=None,
    )
    topics = _upsert_topics(bank=bank, parsed=parsed)
    summary = ImportSummary(bank=bank, dry_run=dry_run)

    existing = {q.external_id: q for q in Question.objects.filter(bank=bank)}
    to_create: list[Question] = []
    to_update: list[Question] = []
    touched: list[Question] = []
    for pq in parsed.questions:
        digest = pq.content_hash()
        question = existing.get(pq.external_id)
        if question is None:
            question = Question(bank=bank, external_id=pq.external_id)
            _fill(question, pq, digest)
            to_create.append(question)
            summary.created.append(pq.external_id)
        elif question.content_hash != digest or question.retired_at is not None:
            _fill(question, pq, digest)
            question.retired_at = None
            question.updated_at = now
            to_update.append(question)
            summary.updated.append(pq.external_id)
        else:
            summary.unchanged.append(pq.external_id)
            continue
        touched.append(question)
    Question.objects.bulk_create(to_create, batch_size=500)
    Question.objects.bulk_update(
        to_update,
        [
            "kind",
            "prompt",
            "explanation",
            "spec",
            "difficulty",
            "source",
            "since",
            "tags",
            "content_hash",
            "retired_at",
            "updated_at",
        ],
        batch_size=500,
    )

    # Topic links of the questions that changed, rewritten in bulk.
    through = Question.topics.through
    through.objects.filter(question__in=[q.pk for q in to_update]).delete()
    parsed_by_id = {pq.external_id: pq for pq in parsed.questions}
    through.objects.bulk_create(
        [
            through(question_id=q.pk, topic_id=topics[slug])
            for q in touched
            for slug in dict.fromkeys(parsed_by_id[q.external_id].topics)
        ],
        batch_size=1000,
    )

    retired: list[Question] = []
    if retire_missing:
        in_file = set(parsed_by_id)
        for external_id, question in existing.items():
            if external_id not in in_file and question.retired_at is None:
                question.retired_at = now
                retired.append(question)
                summary.retired.append(external_id)
        Question.objects.bulk_update(retired, ["retired_at"], batch_size=500)
    question_sync_cards(questions=touched + retired, now=now)

    if dry_run:
        transaction.set_rollback(True)
        return summary
    summary.run = ImportRun.objects.create(
        bank=bank,
        user=user if user and user.pk else None,
        format=fmt,
        filename=filename,
        status=ImportRun.Status.APPLIED,
        **summary.counts(),
    )
    return summary


def import_run_failed(
    *,
    user: AbstractBaseUser | None,
    fmt: str,
    filename: str,
    problems: list[dict[str, Any]],
    bank: Bank | None = None,
) -> ImportRun:
    """Record a rejected import (nothing else was changed)."""
    return ImportRun.objects.create(
        bank=bank,
        user=user if user and user.pk else None,
        format=fmt,
        filename=filename,
        status=ImportRun.Status.FAILED,
        errors=problems,
    )


def _fill(question: Question, pq: ParsedQuestion, digest: str) -> None:
    question.kind = pq.kind
    question.prompt = pq.prompt
    question.explanation = pq.explanation
    question.spec = pq.spec
    question.difficulty = pq.difficulty
    question.source = pq.source
    question.since = pq.since
    question.tags = list(pq.tags)
    question.content_hash = digest


def _upsert_topics(*, bank: Bank, parsed: ParsedBank) -> dict[str, int]:
    existing = {t.slug: t for t in Topic.objects.filter(bank=bank)}
    ids: dict[str, int] = {slug: t.pk for slug, t in existing.items()}
    for pt in parsed.topics:  # parents come first (checked by the parser)
        parent_id = ids.get(pt.parent) if pt.parent else None
        topic = existing.get(pt.slug)
        if topic is None:
            topic = Topic.objects.create(
                bank=bank, slug=pt.slug, title=pt.title, parent_id=parent_id
            )
            ids[pt.slug] = topic.pk
        elif topic.title != pt.title or topic.parent_id != parent_id:
            Topic.objects.filter(pk=topic.pk).update(title=pt.title, parent_id=parent_id)
    return ids


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

"""Writes instructors make outside imports: banks, topics and questions one at a time,
bulk enrolment, and question reports. The REST API and the instructor pages share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import jsonschema
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from quizzes.importers.base import ParsedQuestion
from quizzes.importers.checks import spec_problems
from quizzes.importers.native import describe_schema_error, schema, spec_schema_errors
from quizzes.models import (
    Attempt,
    Bank,
    BankMembership,
    Card,
    CardState,
    Enrollment,
    ImportRun,
    Question,
    QuestionReport,
    ReviewLog,
    Topic,
)
from quizzes.services.banks import bank_retire, enroll, question_retire, question_sync_cards

SLUG_TAKEN = "A bank with this slug already exists."
TOPIC_SLUG_TAKEN = "This bank already has a topic with this slug."
TOPIC_PARENT_UNKNOWN = "No topic with this slug in the bank."
TOPIC_CHILD_SLUG = "A subtopic's slug starts with its parent's slug and a slash: {parent}/..."
TOPIC_SLUG_INVALID = "Lower-case letters, digits and hyphens, with '/' between levels."
EXTERNAL_ID_TAKEN = "This bank already has a question with this id."
UNKNOWN_TOPICS = "Unknown topics in this bank: {slugs}."
REPORT_ALREADY_RESOLVED = "This report is already resolved."
BULK_TOO_MANY = "At most {limit} users per request."

BULK_ENROLL_LIMIT = 1000
_TOPIC_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
# The fields of a question an instructor writes, as the native format names them.
QUESTION_FIELDS = (
    "external_id",
    "kind",
    "prompt",
    "explanation",
    "spec",
    "difficulty",
    "source",
    "since",
    "tags",
    "topics",
)


# --- banks and topics ---------------------------------------------------------------------------


def bank_create(
    *,
    user: AbstractBaseUser,
    slug: str,
    title: str,
    description: str = "",
    version: str = "",
    visibility: str = Bank.Visibility.PUBLIC,
) -> Bank:
    """A new, empty bank owned by `user` (who must hold `quizzes.add_bank`; the caller checks)."""
    if Bank.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [SLUG_TAKEN]}, code="slug_taken")
    return Bank.objects.create(
        slug=slug,
        title=title,
        description=description,
        version=version,
        visibility=visibility,
        owner=user,
    )


def bank_update(*, bank: Bank, **fields: Any) -> Bank:
    """Change a bank's title, description, version or visibility."""
    allowed = {"title", "description", "version", "visibility"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"bank field {name!r} cannot be changed here")
        setattr(bank, name, value)
    if fields:
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction stays usable
                bank.save(update_fields=[*fields, "updated_at"])
        except DatabaseError:
            # "did not affect any rows": another request deleted the bank meanwhile.
            if not Bank.objects.filter(pk=bank.pk).exists():
                raise Bank.DoesNotExist(f"bank {bank.pk} was deleted") from None
            raise
    return bank


@transaction.atomic
def bank_delete(*, bank: Bank, now: datetime) -> bool:
    """Delete a bank nobody has answered; retire one with reviews or attempts (the first-attempt
    record item analysis reads). True when it was deleted."""
    if ReviewLog.objects.filter(bank=bank).exists() or Attempt.objects.filter(bank=bank).exists():
        bank_retire(bank=bank, now=now)
        return False
    CardState.objects.filter(bank=bank).delete()
    QuestionReport.objects.filter(bank=bank).delete()
    Card.objects.filter(bank=bank).delete()
    Question.topics.through.objects.filter(question__bank=bank).delete()
    Question.objects.filter(bank=bank).delete()
    ImportRun.objects.filter(bank=bank).update(bank=None)
    bank.delete()  # topics, enrolments and memberships cascade
    return True


def topic_create(*, bank: Bank, slug: str, title: str, parent: str | None = None) -> Topic:
    """A topic of the bank's tree; a subtopic's slug is `parent/child`, by the format's rule."""
    problems: dict[str, list[str]] = {}
    if not _TOPIC_SLUG_RE.match(slug) or len(slug) > 200:
        problems["slug"] = [TOPIC_SLUG_INVALID]
    parent_topic = None
    if parent:
        parent_topic = Topic.objects.filter(bank=bank, slug=parent).first()
        if parent_topic is None:
            problems["parent"] = [TOPIC_PARENT_UNKNOWN]
        elif not slug.startswith(f"{parent}/"):
            problems["slug"] = [TOPIC_CHILD_SLUG.format(parent=parent)]
    if "slug" not in problems and Topic.objects.filter(bank=bank, slug=slug).exists():
        problems["slug"] = [TOPIC_SLUG_TAKEN]
    if problems:
        raise ValidationError(problems)
    return Topic.objects.create(bank=bank, slug=slug, title=title, parent=parent_topic)


# --- questions ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _question_validator() -> jsonschema.Draft202012Validator:
    # The bank schema's own definition of a question: one source of truth with the importer.
    full = schema()
    return jsonschema.Draft202012Validator(
        {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": "#/$defs/question"}
    )


def _schema_path(parts: Any) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = "external_id" if not out and part == "id" else str(part)
            out += f".{name}" if out else name
    return out or "non_field_errors"


def question_validate(*, bank: Bank, data: dict[str, Any]) -> ParsedQuestion:
    """Check a question as the native format would; raise ValidationError keyed by field path."""
    document = {("id" if k == "external_id" else k): v for k, v in data.items()}
    if document.get("since") == "":
        del document["since"]  # blank means "not stated"; the format leaves the field out
    problems: dict[str, list[str]] = {}
    for error in _question_validator().iter_errors(document):
        problems.setdefault(_schema_path(error.absolute_path), []).append(
            describe_schema_error(error)
        )
    if not problems:
        # The spec's inner consistency can only be checked once its shape is right.
        for path, message in spec_problems(data["kind"], data["spec"]):
            problems.setdefault(f"spec.{path}", []).append(message)
    topics = data.get("topics")
    if isinstance(topics, list) and all(isinstance(t, str) for t in topics):
        topics = list(dict.fromkeys(topics))
        known = set(Topic.objects.filter(bank=bank, slug__in=topics).values_list("slug", flat=True))
        if unknown := [t for t in topics if t not in known]:
            problems.setdefault("topics", []).append(
                UNKNOWN_TOPICS.format(slugs=", ".join(unknown))
            )
    if problems:
        raise ValidationError(problems, code="invalid")
    return ParsedQuestion(
        external_id=data["external_id"],
        kind=data["kind"],
        prompt=data["prompt"],
        explanation=data["explanation"],
        spec=data["spec"],
        difficulty=data["difficulty"],
        source=data["source"],
        since=data.get("since", ""),
        tags=tuple(data.get("tags", [])),
        topics=tuple(topics),
    )


def spec_errors(*, kind: str, spec: dict[str, Any]) -> dict[str, list[str]]:
    """Why a spec does not fit its kind, by path inside the spec ({} when it fits)."""
    problems: dict[str, list[str]] = {}
    for parts, message in spec_schema_errors(kind, spec):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
        problems.setdefault(path, []).append(message)
    if not problems and isinstance(spec, dict):
        for path, message in spec_problems(kind, spec):
            problems.setdefault(path, []).append(message)
    return problems


def question_as_data(question: Question) -> dict[str, Any]:
    """A question's authored fields in the native format's shape (with `external_id`)."""
    return {
        "external_id": question.external_id,
        "kind": question.kind,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "spec": question.spec,
        "difficulty": question.difficulty,
        "source": question.source,
        "since": question.since,
        "tags": list(question.tags or []),
        "topics": list(question.topics.order_by("slug").values_list("slug", flat=True)),
    }


def _apply(question: Question, parsed: ParsedQuestion) -> None:
    question.kind = parsed.kind
    question.prompt = parsed.prompt
    question.explanation = parsed.explanation
    question.spec = parsed.spec
    question.difficulty = parsed.difficulty
    question.source = parsed.source
    question.since = parsed.since
    question.tags = list(parsed.tags)
    # The importer's digest: re-importing the same content later finds it unchanged.
    question.content_hash = parsed.content_hash()


def _set_topics(question: Question, slugs: tuple[str, ...]) -> None:
    question.topics.set(Topic.objects.filter(bank_id=question.bank_id, slug__in=slugs))


@transaction.atomic
def question_create(*, bank: Bank, data: dict[str, Any], now: datetime) -> Question:
    """Add one question (and its cards) to a bank."""
    parsed = question_validate(bank=bank, data=data)
    if Question.objects.filter(bank=bank, external_id=parsed.external_id).exists():
        raise ValidationError({"external_id": [EXTERNAL_ID_TAKEN]}, code="invalid")
    question = Question(bank=bank, external_id=parsed.external_id)
    _apply(question, parsed)
    question.save()
    _set_topics(question, parsed.topics)
    question_sync_cards(questions=[question], now=now)
    return question


@transaction.atomic
def question_update(*, question: Question, changes: dict[str, Any], now: datetime) -> Question:
    """Change a question in place (learners keep their progress); its id stays the same."""
    data = {**question_as_data(question), **changes, "external_id": question.external_id}
    parsed = question_validate(bank=question.bank, data=data)
    _apply(question, parsed)
    question.updated_at = now
    question.save()
    _set_topics(question, parsed.topics)
    question_sync_cards(questions=[question], now=now)
    return question


@transaction.atomic
def question_delete(*, question: Question, now: datetime) -> bool:
    """Delete a question nobody has answered; retire one with reviews or attempts (an answer
    checked but not yet rated is an attempt, kept for item analysis). True when deleted."""
    if (
        ReviewLog.objects.filter(card__question=question).exists()
        or Attempt.objects.filter(question=question).exists()
    ):
        question_retire(question=question, now=now)
        return False
    CardState.objects.filter(card__question=question).delete()
    Card.objects.filter(question=question).delete()
    question.delete()
    return True


# --- enrolment ----------------------------------------------------------------------------------


@dataclass
class BulkEnrollResult:
    """What a bulk enrolment did with each identifier it was given."""

    enrolled: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


def enroll_bulk(*, bank: Bank, identifiers: list[str]) -> BulkEnrollResult:
    """Enrol users given by username or e-mail address; running it twice changes nothing."""
    if len(identifiers) > BULK_ENROLL_LIMIT:
        raise ValidationError(
            {"users": [BULK_TOO_MANY.format(limit=BULK_ENROLL_LIMIT)]}, code="invalid"
        )
    wanted = list(dict.fromkeys(i.strip() for i in identifiers if i.strip()))
    user_model = get_user_model()
    lowered = [w.lower() for w in wanted]
    candidates = list(
        user_model.objects.annotate(email_lower=Lower("email")).filter(
            Q(username__in=wanted) | Q(email_lower__in=lowered), is_active=True
        )
    )
    by_username = {u.username: u for u in candidates}
    by_email: dict[str, list[Any]] = {}
    for user in candidates:
        if user.email:
            by_email.setdefault(user.email.lower(), []).append(user)
    enrolled_ids = set(
        Enrollment.objects.filter(bank=bank, learner__in=candidates).values_list(
            "learner_id", flat=True
        )
    )
    result = BulkEnrollResult()
    for ident in wanted:
        user = by_username.get(ident)
        if user is None:
            matches = by_email.get(ident.lower(), [])
            if len(matches) > 1:
                result.ambiguous.append(ident)
                continue
            user = matches[0] if matches else None
        if user is None:
            result.not_found.append(ident)
        elif user.pk in enrolled_ids:
            result.already.append(ident)
        else:
            enroll(learner=user, bank=bank, by_instructor=True)
            enrolled_ids.add(user.pk)
            result.enrolled.append(ident)
    return result


def enrollment_update(
    *, enrollment: Enrollment, new_per_day: int | None = None, reviews_per_day: int | None = None
) -> Enrollment:
    """Set one bank's daily limits for a learner."""
    changed = []
    if new_per_day is not None:
        enrollment.new_per_day = new_per_day
        changed.append("new_per_day")
    if reviews_per_day is not None:
        enrollment.reviews_per_day = reviews_per_day
        changed.append("reviews_per_day")
    if changed:
        enrollment.save(update_fields=changed)
    return enrollment


def bank_instructor_ids(*, bank: Bank) -> set[int]:
    """The owner and the members with the instructor role."""
    ids = set(
        BankMembership.objects.filter(bank=bank, role=BankMembership.Role.INSTRUCTOR).values_list(
            "user_id", flat=True
        )
    )
    if bank.owner_id:
        ids.add(bank.owner_id)
    return ids


# --- reports ------------------------------------------------------------------------------------


def report_create(
    *,
    reporter: AbstractBaseUser,
    question: Question,
    text: str,
    now: datetime,
    card: Card | None = None,
) -> QuestionReport:
    """Record a learner's report of a problem with a question."""
    if card is not None and card.question_id != question.pk:
        raise ValueError("the card must belong to the question")
    return QuestionReport.objects.create(
        question=question,
        bank_id=question.bank_id,
        card=card,
        reporter=reporter,
        text=text.strip(),
        created_at=now,
    )


def report_resolve(
    *, report: QuestionReport, user: AbstractBaseUser, now: datetime, resolution: str = ""
) -> QuestionReport:
    """Mark a report resolved, with an optional note for the reporter."""
    if report.status == QuestionReport.Status.RESOLVED:
        raise ValidationError(REPORT_ALREADY_RESOLVED, code="already_resolved")
    report.status = QuestionReport.Status.RESOLVED
    report.resolved_at = now
    report.resolved_by = user
    report.resolution = resolution.strip()
    report.save(update_fields=["status", "resolved_at", "resolved_by", "resolution"])
    return report

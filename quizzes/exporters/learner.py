"""Everything kmodquiz holds about one person, as JSON (`manage.py export_learner_data`,
`GET /api/v1/me/export`): the right of access and to data portability.

Profile and settings, enrolments, the scheduling state of every card, the whole review log
(undone reviews too), first attempts, problem reports, course memberships, bank roles, the API
tokens' metadata (never a token or its digest), and what optional apps add (the LTI tool: the
LMS accounts linked, through the signal learner_data_collecting). A fixed number of queries,
however long the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from knox.models import get_token_model

from quizzes.models import (
    ApiTokenScope,
    Attempt,
    BankMembership,
    CardState,
    CardStatus,
    CourseMembership,
    DailyStat,
    Enrollment,
    LearnerProfile,
    ParameterFit,
    QuestionReport,
    Rating,
    ReviewLog,
)
from quizzes.signals import learner_data_collecting

FORMAT = "kmodquiz-learner-data"
FORMAT_VERSION = 1


def _status(value: int) -> str:
    return CardStatus(value).label.lower()


def _profile(user: Any) -> dict[str, Any]:
    profile = LearnerProfile.objects.filter(user=user).first()
    settings = {}
    if profile is not None:  # every setting, including ones added later
        settings = {
            f.name: getattr(profile, f.attname)
            for f in LearnerProfile._meta.concrete_fields
            if f.name not in ("id", "user")
        }
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "settings": settings,
    }


def _columns(row: Any, *, skip: set[str]) -> dict[str, Any]:
    fields = row._meta.concrete_fields
    return {f.name: getattr(row, f.attname) for f in fields if f.name not in skip}


def _card_ref(card: Any) -> dict[str, Any]:
    return {
        "card": card.pk,
        "question": card.question_id,
        "external_id": card.question.external_id,
        "deletion": card.deletion or None,
    }


def learner_data_export(*, user: AbstractBaseUser, now: datetime) -> dict[str, Any]:
    """All of `user`'s data as a JSON-ready dict (datetimes stay datetimes for the encoder)."""
    states = CardState.objects.filter(learner=user).select_related("card__question", "bank")
    logs = ReviewLog.objects.filter(learner=user).select_related("card__question", "bank")
    attempts = Attempt.objects.filter(learner=user).select_related("card__question", "bank")
    reports = QuestionReport.objects.filter(reporter=user).select_related("question", "bank")
    scopes = (
        ApiTokenScope.objects.filter(token__user=user)
        .select_related("token")
        .prefetch_related("banks")
    )
    unscoped = get_token_model().objects.filter(user=user, scope__isnull=True)
    courses = CourseMembership.objects.filter(user=user).select_related("course")
    extra: dict[str, Any] = {}
    for _receiver, sections in learner_data_collecting.send(sender=learner_data_export, user=user):
        extra.update(sections or {})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": now,
        "profile": _profile(user),
        "enrollments": [
            {
                "bank": e.bank.slug,
                "new_per_day": e.new_per_day,
                "reviews_per_day": e.reviews_per_day,
                "created_at": e.created_at,
            }
            for e in Enrollment.objects.filter(learner=user).select_related("bank").order_by("pk")
        ],
        "courses": [
            {
                "course": m.course.title,
                "role": m.role,
                "joined_at": m.joined_at,
                "left_at": m.left_at,
            }
            for m in courses.order_by("pk")
        ],
        "bank_roles": [
            {"bank": m.bank.slug, "role": m.role}
            for m in BankMembership.objects.filter(user=user).select_related("bank").order_by("pk")
        ],
        "card_states": [
            {
                "bank": s.bank.slug,
                **_card_ref(s.card),
                "status": _status(s.status),
                "step": s.step,
                "stability": s.stability,
                "difficulty": s.difficulty,
                "due": s.due,
                "last_review": s.last_review,
                "reps": s.reps,
                "lapses": s.lapses,
                "suspended": s.suspended,
                "leech": s.is_leech,
                "buried_until": s.buried_until,
            }
            for s in states.order_by("pk").iterator(chunk_size=2000)
        ],
        "reviews": [
            {
                "id": log.pk,
                "reviewed_at": log.reviewed_at,
                "bank": log.bank.slug,
                **_card_ref(log.card),
                "rating": Rating(log.rating).label.lower(),
                "correct": log.correct,
                "score": log.score,
                "answer": log.answer,
                "elapsed_ms": log.elapsed_ms,
                "status_before": _status(log.status_before),
                "due_after": log.due_after,
                "interval_seconds": log.interval_seconds,
                "undone_at": log.undone_at,
                "overridden": log.overridden,
            }
            for log in logs.order_by("reviewed_at", "pk").iterator(chunk_size=2000)
        ],
        "attempts": [
            {
                "bank": a.bank.slug,
                **_card_ref(a.card),
                "reps": a.reps,
                "correct": a.correct,
                "score": a.score,
                "answer": a.answer,
                "feedback": a.feedback,
                "elapsed_ms": a.elapsed_ms,
                "attempted_at": a.attempted_at,
                "opened_at": a.opened_at,
                "overridden": a.overridden,
                "review": a.review_id,
                "closed_at": a.closed_at,
            }
            for a in attempts.order_by("attempted_at", "pk").iterator(chunk_size=2000)
        ],
        "reports": [
            {
                "id": r.pk,
                "bank": r.bank.slug,
                "question": r.question_id,
                "external_id": r.question.external_id,
                "card": r.card_id,
                "text": r.text,
                "status": r.status,
                "created_at": r.created_at,
                "resolved_at": r.resolved_at,
                "resolution": r.resolution,
            }
            for r in reports.order_by("pk")
        ],
        # The sums per learner day and bank that the progress pages read, and the optimiser's
        # runs (every column, including ones added later).
        "daily_stats": [
            {"bank": d.bank.slug, **_columns(d, skip={"id", "learner", "bank"})}
            for d in DailyStat.objects.filter(learner=user)
            .select_related("bank")
            .order_by("day", "bank_id")
            .iterator(chunk_size=2000)
        ],
        "parameter_fits": [
            _columns(f, skip={"learner"})
            for f in ParameterFit.objects.filter(learner=user).order_by("requested_at", "pk")
        ],
        "api_tokens": [
            {
                "id": s.pk,
                "name": s.name,
                "key_prefix": s.token.token_key[:8],
                "read_only": s.read_only,
                "banks": sorted(b.slug for b in s.banks.all()),
                "created_at": s.created_at,
                "expires_at": s.token.expiry,
            }
            for s in scopes.order_by("pk")
        ]
        + [
            {
                "id": None,
                "name": "",
                "key_prefix": t.token_key[:8],
                "read_only": False,
                "banks": [],
                "created_at": t.created,
                "expires_at": t.expiry,
            }
            for t in unscoped.order_by("pk")
        ],
        **extra,
    }

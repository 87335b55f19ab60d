"""The dashboard and a bank's page: what is due, what is learned, the streak; enrolment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import selectors, services, stats
from quizzes.models import Bank, CardState, CardStatus, Enrollment
from quizzes.views.common import render_local


def _learned(learner: object, bank_ids: list[int]) -> dict[int, int]:
    """Cards in review state (graduated from learning) per bank, in one query."""
    rows = (
        CardState.objects.filter(
            learner=learner, bank_id__in=bank_ids, status=CardStatus.REVIEW, retired=False
        )
        .values("bank_id")
        .annotate(n=Count("id"))
        .values_list("bank_id", "n")
    )
    return dict(rows)


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: enrolled banks with what is due, and banks open for enrolment."""
    if not request.user.is_authenticated:
        return render_local(request, "quizzes/landing.html")
    now = timezone.now()
    learner = request.user
    profile = selectors.learner_profile_get(learner=learner)
    enrollments = list(
        Enrollment.objects.filter(learner=learner, bank__retired_at__isnull=True)
        .select_related("bank")
        .order_by("bank__title")
    )
    bank_ids = [e.bank_id for e in enrollments]
    learned = _learned(learner, bank_ids)
    streak, streak_per_bank = stats.streaks(
        learner=learner, profile=profile, now=now, bank_ids=bank_ids
    )
    rows = []
    for enrollment in enrollments:
        counts = selectors.queue_context(learner=learner, enrollment=enrollment, now=now).counts
        rows.append(
            {
                "bank": enrollment.bank,
                "counts": counts,
                "due_now": counts.learning + counts.review,
                "learned": learned.get(enrollment.bank_id, 0),
                "streak": streak_per_bank[enrollment.bank_id],
            }
        )
    available = (
        services.banks_visible_to(user=learner)
        .filter(retired_at__isnull=True, visibility=Bank.Visibility.PUBLIC)
        .exclude(pk__in=bank_ids)
        .order_by("title")
    )
    return render_local(
        request,
        "quizzes/home.html",
        {
            "rows": rows,
            "available": available,
            "streak": streak,
            "due_total": sum(r["due_now"] + r["counts"].new for r in rows),
        },
    )


@login_required
def bank_detail(request: HttpRequest, slug: str) -> HttpResponse:
    bank = get_object_or_404(services.banks_visible_to(user=request.user), slug=slug)
    enrollment = Enrollment.objects.filter(learner=request.user, bank=bank).first()
    counts = (
        selectors.queue_context(
            learner=request.user, enrollment=enrollment, now=timezone.now()
        ).counts
        if enrollment
        else None
    )
    topics = bank.topics.filter(parent__isnull=True).order_by("title")
    return render_local(
        request,
        "quizzes/bank_detail.html",
        {
            "bank": bank,
            "enrollment": enrollment,
            "counts": counts,
            "topics": topics,
            "question_count": bank.questions.active().count(),
            "teaches": services.user_is_bank_instructor(user=request.user, bank=bank),
        },
    )


@login_required
@require_POST
def bank_enroll(request: HttpRequest, slug: str) -> HttpResponse:
    bank = get_object_or_404(services.banks_visible_to(user=request.user), slug=slug)
    try:
        services.enroll(learner=request.user, bank=bank)
    except ValidationError as exc:
        if exc.code == "private":
            raise Http404 from exc
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You are enrolled in {bank.title}.")
    return redirect("bank-detail", slug=bank.slug)


@login_required
@require_POST
def bank_unenroll(request: HttpRequest, slug: str) -> HttpResponse:
    bank = get_object_or_404(services.banks_visible_to(user=request.user), slug=slug)
    services.unenroll(learner=request.user, bank=bank)
    messages.success(request, f"You left {bank.title}. Your progress is kept if you come back.")
    return redirect("home")

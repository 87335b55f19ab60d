"""Server-rendered pages. Each view checks who may see what, then calls selectors/services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import selectors, services
from quizzes.models import Bank, Enrollment


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: enrolled banks with what is due, and banks open for enrolment."""
    if not request.user.is_authenticated:
        return render(request, "quizzes/landing.html")
    now = timezone.now()
    enrollments = list(
        Enrollment.objects.filter(learner=request.user, bank__retired_at__isnull=True)
        .select_related("bank")
        .order_by("bank__title")
    )
    rows = [
        {
            "bank": e.bank,
            "counts": selectors.queue_context(learner=request.user, enrollment=e, now=now).counts,
        }
        for e in enrollments
    ]
    enrolled_ids = {e.bank_id for e in enrollments}
    available = [
        b
        for b in services.banks_visible_to(user=request.user).filter(
            retired_at__isnull=True, visibility=Bank.Visibility.PUBLIC
        )
        if b.pk not in enrolled_ids
    ]
    return render(request, "quizzes/home.html", {"rows": rows, "available": available})


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
    return render(
        request,
        "quizzes/bank_detail.html",
        {
            "bank": bank,
            "enrollment": enrollment,
            "counts": counts,
            "topics": topics,
            "question_count": bank.questions.active().count(),
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

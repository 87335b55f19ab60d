"""The study page: one card at a time, answer, see the verdict, rate; undo and card actions.

Without JavaScript every step is a plain form: the question (GET), the answer (POST, graded by
answer_check without recording, the verdict shown), the rating (POST to review_submit, then a
redirect to the next card). study.js only adds keyboard shortcuts and the ordering widget.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import presentation, selectors, services
from quizzes.forms import ReportForm
from quizzes.grading import InvalidAnswer
from quizzes.models import Bank, Card, CardState, CardStatus, Rating, ReviewLog, Topic
from quizzes.services.authoring import report_create
from quizzes.views.cards import stability_chart
from quizzes.views.common import enrolled_bank, render_local

# A pause longer than this starts a new study session (for the end-of-session summary).
SESSION_IDLE = timedelta(minutes=30)
CARD_ACTIONS = ("suspend", "unsuspend", "bury", "reset")


def _study_url(bank: Bank, card_id: int | None = None) -> str:
    url = reverse("study", args=[bank.slug])
    return f"{url}?card={card_id}" if card_id else url


def _focus(request: HttpRequest, bank: Bank) -> Topic | None:
    """The topic the learner chose to study in this bank (custom study), kept in the session.

    `?topic=<slug>` on the study page sets it (with its subtopics), `?topic=` clears it; the
    session carries it through the answer and rating posts, so no form needs to repeat it.
    """
    key = f"study-topic:{bank.pk}"
    if "topic" in request.GET:
        slug = request.GET["topic"].strip()
        chosen = bank.topics.filter(slug=slug).first() if slug else None
        request.session[key] = chosen.slug if chosen else ""
        return chosen
    slug = request.session.get(key) or ""
    return bank.topics.filter(slug=slug).first() if slug else None


def _session_start(request: HttpRequest, bank: Bank, now: datetime) -> datetime:
    """When this study session began; a new one starts after a long pause."""
    key = f"study:{bank.pk}"
    seen = request.session.get(key) or {}
    try:
        start = datetime.fromisoformat(seen["start"])
        last = datetime.fromisoformat(seen["last"])
    except (KeyError, TypeError, ValueError):
        start = last = now
    if now - last > SESSION_IDLE:
        start = now
    request.session[key] = {"start": start.isoformat(), "last": now.isoformat()}
    return start


def _card_in_bank(bank: Bank, card_id: Any) -> Card:
    try:
        pk = int(card_id)
    except (TypeError, ValueError):
        pk = 0
    return get_object_or_404(Card.objects.select_related("question"), pk=pk, bank=bank)


def _queue_of(state: CardState | None) -> str:
    if state is None or state.status == CardStatus.NEW:
        return "new"
    return "review" if state.status == CardStatus.REVIEW else "learning"


def _summary(*, learner: Any, bank: Bank, since: datetime, now: datetime) -> dict[str, Any]:
    """What the learner did since `since` in this bank: cards, accuracy, time spent."""
    totals = ReviewLog.objects.filter(
        learner=learner,
        bank=bank,
        undone_at__isnull=True,
        reviewed_at__gte=since,
        reviewed_at__lte=now,
    ).aggregate(
        cards=Count("id"),
        graded=Count("id", filter=Q(correct__isnull=False)),
        right=Count("id", filter=Q(correct=True)),
        again=Count("id", filter=Q(rating=Rating.AGAIN)),
        ms=Sum("elapsed_ms"),
    )
    graded = totals["graded"]
    return {
        "cards": totals["cards"],
        "accuracy": round(100 * totals["right"] / graded) if graded else None,
        "again": totals["again"],
        "minutes": round((totals["ms"] or 0) / 60000, 1),
    }


def _progress(*, done: int, counts: Any) -> dict[str, int]:
    """The session bar: reviews done today and cards left today (both from the queue's read)."""
    left = counts.total
    return {"done": done, "left": left, "total": done + left}


@login_required
def study(request: HttpRequest, slug: str) -> HttpResponse:
    """The next card of the queue (or a given one, after an undo), or the session summary."""
    bank = enrolled_bank(request, slug)
    learner = request.user
    now = timezone.now()
    focus = _focus(request, bank)
    result = services.study_queue_next(
        learner=learner, bank=bank, now=now, topics=[focus.slug] if focus else None
    )
    item = result.item
    card = item.card if item else None
    state = item.state if item else None
    queue = item.queue if item else ""
    token = item.serve_token if item else ""
    if request.GET.get("card"):
        # An undone card comes back at once, as in Anki, whatever the queue would pick.
        wanted = _card_in_bank(bank, request.GET["card"])
        if wanted.retired_at is None and (card is None or wanted.pk != card.pk):
            wanted_state = CardState.objects.filter(learner=learner, card=wanted).first()
            if wanted_state is None or not wanted_state.suspended:
                card, state, queue = wanted, wanted_state, _queue_of(wanted_state)
                token = services.serve_token_make(learner=learner, card=card, now=now)
    session_start = _session_start(request, bank, now)
    progress = _progress(done=result.done_today, counts=result.counts)
    context: dict[str, Any] = {
        "bank": bank,
        "counts": result.counts,
        "progress": progress,
        "answered": False,
        "focus": focus,
    }
    if card is None:
        context["summary"] = _summary(learner=learner, bank=bank, since=session_start, now=now)
        context["next_due"] = result.next_due
        return render_local(request, "quizzes/study_done.html", context)
    context.update(
        card=card,
        queue=queue,
        serve_token=token,
        view=presentation.card_view(
            card=card, learner_id=learner.pk, reps=state.reps if state else 0
        ),
    )
    return render_local(request, "quizzes/study.html", context)


@login_required
@require_POST
def study_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """Grade an answer without recording it: the verdict, the right answer, the ratings."""
    bank = enrolled_bank(request, slug)
    learner = request.user
    now = timezone.now()
    card = _card_in_bank(bank, request.POST.get("card"))
    state = CardState.objects.filter(learner=learner, card=card).first()
    reps = state.reps if state else 0
    enrollment = services.enrollment_get(learner=learner, bank=bank)
    focus = _focus(request, bank)
    topic_ids = selectors.topic_ids_with_descendants(bank=bank, slugs=[focus.slug] if focus else [])
    ctx = selectors.queue_context(
        learner=learner, enrollment=enrollment, now=now, topic_ids=topic_ids
    )
    counts = ctx.counts
    context: dict[str, Any] = {
        "bank": bank,
        "focus": focus,
        "card": card,
        "counts": counts,
        "progress": _progress(done=ctx.done.total, counts=counts),
        "serve_token": request.POST.get("token", ""),
        "queue": request.POST.get("queue", ""),
    }
    try:
        answer = presentation.answer_from_post(card=card, data=request.POST)
        check = services.answer_check(learner=learner, card=card, answer=answer, now=now)
    except (InvalidAnswer, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        context.update(
            view=presentation.card_view(card=card, learner_id=learner.pk, reps=reps),
            answered=False,
            error=message,
        )
        # 200, as Django's form views answer a form with errors: the page is the question again.
        return render_local(request, "quizzes/study.html", context)
    context.update(
        answered=True,
        verdict=check.verdict,
        feedback=presentation.feedback_text(check.verdict),
        view=presentation.answered_view(
            card=card, learner_id=learner.pk, reps=reps, answer=answer, verdict=check.verdict
        ),
        explanation_html=presentation.explanation_html(card),
        buttons=presentation.rating_buttons(
            allowed=check.allowed, previews=check.previews, now=now
        ),
        answer_field=presentation.answer_to_field(answer),
        idempotency_key=uuid.uuid4().hex,
    )
    return render_local(request, "quizzes/study.html", context)


@login_required
@require_POST
def study_review(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the rating (review_submit, once per key), then on to the next card."""
    bank = enrolled_bank(request, slug)
    card = _card_in_bank(bank, request.POST.get("card"))
    try:
        answer = presentation.answer_from_field(request.POST.get("answer", "null"))
        rating = int(request.POST["rating"]) if request.POST.get("rating") else None
    except (InvalidAnswer, ValueError):
        return HttpResponseBadRequest("Malformed review form.")
    try:
        result = services.review_submit(
            learner=request.user,
            card=card,
            answer=answer,
            rating=rating,
            now=timezone.now(),
            idempotency_key=(request.POST.get("key") or "")[:200] or None,
            serve_token=request.POST.get("token") or None,
        )
    except (InvalidAnswer, ValidationError) as exc:
        text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect(_study_url(bank))
    note = f"{Rating(result.rating).label} · next in {result.interval}."
    if result.leech:
        note += " This card keeps slipping: it is now suspended as a leech."
    messages.info(request, note, extra_tags="reviewed")
    return redirect(_study_url(bank))


@login_required
@require_POST
def study_undo(request: HttpRequest, slug: str) -> HttpResponse:
    """Undo the latest review of today in this bank and show that card again."""
    bank = enrolled_bank(request, slug)
    try:
        undone = services.review_undo(learner=request.user, now=timezone.now(), bank=bank)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(_study_url(bank))
    messages.info(request, "Review undone.", extra_tags="reviewed")
    return redirect(_study_url(bank, undone.card.pk))


@login_required
@require_POST
def card_action(request: HttpRequest, slug: str, card_id: int, action: str) -> HttpResponse:
    """Suspend, unsuspend, bury or reset one card; back to where the learner came from."""
    if action not in CARD_ACTIONS:
        raise Http404("No such card action.")
    bank = enrolled_bank(request, slug)
    card = _card_in_bank(bank, card_id)
    learner = request.user
    now = timezone.now()
    if action == "suspend":
        services.card_suspend(learner=learner, card=card)
        note = "Card suspended: it leaves the queue until you unsuspend it (card info)."
    elif action == "unsuspend":
        services.card_unsuspend(learner=learner, card=card)
        note = "Card unsuspended."
    elif action == "bury":
        services.card_bury(learner=learner, card=card, now=now)
        note = "Card buried until tomorrow."
    else:  # "reset"
        services.card_reset(learner=learner, card=card)
        note = "Card reset: it is new again."
    messages.info(request, note)
    if request.POST.get("next") == "info":
        return redirect("card-info", slug=bank.slug, card_id=card.pk)
    return redirect(_study_url(bank))


@login_required
def card_info(request: HttpRequest, slug: str, card_id: int) -> HttpResponse:
    """A card's state, retrievability now, and the learner's whole history with it."""
    bank = enrolled_bank(request, slug)
    card = _card_in_bank(bank, card_id)
    learner = request.user
    now = timezone.now()
    state = CardState.objects.filter(learner=learner, card=card).first()
    logs = ReviewLog.objects.filter(learner=learner, card=card).order_by("-reviewed_at", "-id")
    recent = list(logs[:200])
    return render_local(
        request,
        "quizzes/card_info.html",
        {
            "bank": bank,
            "card": card,
            "state": state,
            "retrievability": services.retrievability_now(learner=learner, state=state, now=now),
            "logs": recent,
            "stability_chart": stability_chart(list(reversed(recent))),
            "prompt_html": presentation.card_view(
                card=card, learner_id=learner.pk, reps=state.reps if state else 0
            ).prompt_html,
        },
    )


@login_required
def card_report(request: HttpRequest, slug: str, card_id: int) -> HttpResponse:
    """Tell the bank's instructors that something is wrong with this card's question."""
    bank = enrolled_bank(request, slug)
    card = _card_in_bank(bank, card_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report_create(
            reporter=request.user,
            question=card.question,
            card=card,
            text=form.cleaned_data["text"],
            now=timezone.now(),
        )
        messages.success(request, "Thank you: the bank's instructors will look at it.")
        return redirect(_study_url(bank))
    return render_local(
        request, "quizzes/card_report.html", {"bank": bank, "card": card, "form": form}
    )

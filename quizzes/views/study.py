"""The study page: one card at a time, answer, see the verdict, rate; undo and card actions.

Without JavaScript every step is a plain form, each POST followed by a redirect to the study page
(so a reload never sends anything twice): the question (GET), the answer (POST to answer_check,
which records the first verdict; the study page then shows the card answered), "I was right"
(POST), the rating (POST to review_submit, then the next card). study.js only adds keyboard
shortcuts and the ordering widget.
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
from quizzes.models import Bank, Card, CardState, Rating, ReviewLog, Topic
from quizzes.services.authoring import report_create
from quizzes.views.common import enrolled_bank, render_local

# A pause longer than this starts a new study session (for the end-of-session summary).
SESSION_IDLE = timedelta(minutes=30)
CARD_ACTIONS = ("suspend", "unsuspend", "bury", "reset")
# The card the learner has just checked in this session: shown answered without "answered earlier".
JUST_CHECKED = "study:just-checked"


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


def _card_pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _card_in_bank(bank: Bank, card_id: Any) -> Card:
    return get_object_or_404(
        Card.objects.select_related("question"), pk=_card_pk(card_id), bank=bank
    )


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
        overridden=Count("id", filter=Q(overridden=True)),
        again=Count("id", filter=Q(rating=Rating.AGAIN)),
        ms=Sum("elapsed_ms"),
    )
    # Overridden answers ("I was right") are counted apart: neither right nor wrong.
    judged = totals["graded"] - totals["overridden"]
    return {
        "cards": totals["cards"],
        "accuracy": round(100 * totals["right"] / judged) if judged else None,
        "overridden": totals["overridden"],
        "again": totals["again"],
        "minutes": round((totals["ms"] or 0) / 60000, 1),
    }


def _progress(*, done: int, counts: Any) -> dict[str, int]:
    """The session bar: reviews done today and cards left today (both from the queue's read)."""
    left = counts.total
    return {"done": done, "left": left, "total": done + left}


def _answered_context(
    request: HttpRequest, *, check: services.CheckResult, reps: int, now: datetime
) -> dict[str, Any]:
    """The answered side of a card: the first answer against the right one, and the ratings."""
    card = check.card
    # Just checked on this page, or answered earlier (another tab, device, or before a break)?
    just_checked = request.session.pop(JUST_CHECKED, None) == card.pk
    return {
        "answered": True,
        "verdict": check.verdict,
        "feedback": presentation.feedback_text(check.verdict),
        "view": presentation.answered_view(
            card=card,
            learner_id=request.user.pk,
            reps=reps,
            answer=check.answer,
            verdict=check.verdict,
        ),
        "explanation_html": presentation.explanation_html(card),
        "buttons": presentation.rating_buttons(
            allowed=check.allowed, previews=check.previews, now=now
        ),
        "answer_field": presentation.answer_to_field(check.answer),
        "idempotency_key": uuid.uuid4().hex,
        "overridden": check.overridden,
        "override_allowed": check.override_allowed,
        "answered_earlier": check.attempted_at if not just_checked else None,
    }


@login_required
def study(request: HttpRequest, slug: str) -> HttpResponse:
    """The next card of the queue (or a given one: after a check, an undo), or the summary.

    A card already answered (in this state, today) is shown answered, with its first verdict.
    """
    bank = enrolled_bank(request, slug)
    learner = request.user
    now = timezone.now()
    focus = _focus(request, bank)
    result = services.study_queue_next(
        learner=learner, bank=bank, now=now, topics=[focus.slug] if focus else None
    )
    item = result.item
    if request.GET.get("card"):
        # A checked or undone card comes back at once, as in Anki, whatever the queue would pick.
        card_pk = _card_pk(request.GET["card"])
        wanted = services.study_card(learner=learner, bank=bank, card_id=card_pk, now=now)
        if wanted is None and not Card.objects.filter(pk=card_pk, bank=bank).exists():
            raise Http404("No such card in this bank.")
        item = wanted or item  # a suspended or retired card: the queue's next one instead
    session_start = _session_start(request, bank, now)
    progress = _progress(done=result.done_today, counts=result.counts)
    context: dict[str, Any] = {
        "bank": bank,
        "counts": result.counts,
        "progress": progress,
        "answered": False,
        "focus": focus,
        "can_undo": result.done_today > 0,
    }
    if item is None:
        context["summary"] = _summary(learner=learner, bank=bank, since=session_start, now=now)
        context["next_due"] = result.next_due
        return render_local(request, "quizzes/study_done.html", context)
    card = item.card
    reps = item.state.reps if item.state else 0
    context.update(card=card, queue=item.queue, serve_token=item.serve_token)
    if item.attempt is not None:
        check = services.check_result(
            card=card, attempt=item.attempt, previews=item.previews, repeated=True
        )
        context.update(_answered_context(request, check=check, reps=reps, now=now))
    else:
        context["view"] = presentation.card_view(card=card, learner_id=learner.pk, reps=reps)
    return render_local(request, "quizzes/study.html", context)


@login_required
@require_POST
def study_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """Check an answer: its verdict is recorded (the first one sticks), then back to the study
    page, which shows the card answered (POST, redirect, GET: a reload sends nothing again)."""
    bank = enrolled_bank(request, slug)
    learner = request.user
    now = timezone.now()
    card = _card_in_bank(bank, request.POST.get("card"))
    try:
        answer = presentation.answer_from_post(card=card, data=request.POST)
        check = services.answer_check(
            learner=learner,
            card=card,
            answer=answer,
            now=now,
            serve_token=request.POST.get("token") or None,
        )
    except (InvalidAnswer, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        return _question_again(request, bank=bank, card=card, error=message, now=now)
    if not check.repeated:
        request.session[JUST_CHECKED] = card.pk
    return redirect(_study_url(bank, card.pk))


def _question_again(
    request: HttpRequest, *, bank: Bank, card: Card, error: str, now: datetime
) -> HttpResponse:
    """The question once more, with what was missing (nothing was recorded)."""
    learner = request.user
    state = CardState.objects.filter(learner=learner, card=card).first()
    enrollment = services.enrollment_get(learner=learner, bank=bank)
    focus = _focus(request, bank)
    topic_ids = selectors.topic_ids_with_descendants(bank=bank, slugs=[focus.slug] if focus else [])
    ctx = selectors.queue_context(
        learner=learner, enrollment=enrollment, now=now, topic_ids=topic_ids
    )
    context = {
        "bank": bank,
        "focus": focus,
        "card": card,
        "counts": ctx.counts,
        "progress": _progress(done=ctx.done.total, counts=ctx.counts),
        "can_undo": ctx.done.total > 0,
        "serve_token": request.POST.get("token", ""),
        "queue": services.queue_of(state),
        "view": presentation.card_view(
            card=card, learner_id=learner.pk, reps=state.reps if state else 0
        ),
        "answered": False,
        "error": error,
    }
    # 200, as Django's form views answer a form with errors: the page is the question again.
    return render_local(request, "quizzes/study.html", context)


@login_required
@require_POST
def study_override(request: HttpRequest, slug: str) -> HttpResponse:
    """ "I was right": the wrong verdict of a typed answer is overruled; rate it Hard, Good or
    Easy next (the review is marked overridden, for the bank's instructors to look at)."""
    bank = enrolled_bank(request, slug)
    card = _card_in_bank(bank, request.POST.get("card"))
    try:
        services.attempt_override(learner=request.user, card=card, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        request.session[JUST_CHECKED] = card.pk
    return redirect(_study_url(bank, card.pk))


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
        return redirect(_study_url(bank, card.pk))
    note = f"{Rating(result.rating).label} · next in {result.interval}."
    if result.leech:
        note += " This card keeps slipping: it is now suspended as a leech."
    messages.info(request, note, extra_tags="reviewed")
    return redirect(_study_url(bank))


@login_required
@require_POST
def study_undo(request: HttpRequest, slug: str) -> HttpResponse:
    """Undo the latest review of today in this bank and show that card again, answered: its
    verdict stands, its rating may change."""
    bank = enrolled_bank(request, slug)
    try:
        undone = services.review_undo(learner=request.user, now=timezone.now(), bank=bank)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(_study_url(bank))
    note = "Review undone. Its answer stands: rate it again."
    messages.info(request, note, extra_tags="reviewed")
    request.session[JUST_CHECKED] = undone.card.pk
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
        services.card_reset(learner=learner, card=card, now=now)
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
    return render_local(
        request,
        "quizzes/card_info.html",
        {
            "bank": bank,
            "card": card,
            "state": state,
            "retrievability": services.retrievability_now(learner=learner, state=state, now=now),
            "logs": logs[:200],
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

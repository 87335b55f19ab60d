"""Instructor pages: their banks, questions (list, create, edit, live preview), import and
export of the native JSON format, reported problems, and the cohort's progress.

Every view starts with taught_bank(): a bank the user does not teach is a 404.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import grading, presentation, selectors, services, stats
from quizzes.exporters.native import bank_export_text
from quizzes.forms import ImportForm, QuestionFilterForm, QuestionForm, ResolveForm
from quizzes.importers import ImportProblem, ParseError, native
from quizzes.models import Bank, Card, Question, QuestionReport
from quizzes.services import authoring
from quizzes.views.common import render_local, taught_bank, taught_banks

PER_PAGE = 50
IMPORT_SESSION_KEY = "kmodquiz:import"
IMPORT_EXPIRED = "That preview has expired or was replaced: upload the file again."
WRONG_BANK = "This file is for the bank “{found}”, not “{expected}”."
NOT_YOUR_BANK = "A bank with the slug “{slug}” exists and you are not one of its instructors."
CANNOT_CREATE = "You may not create banks: ask an administrator, or import into a bank you teach."


@login_required
def teach_home(request: HttpRequest) -> HttpResponse:
    """The banks the user teaches, with their size, learners and open reports."""
    banks = list(
        taught_banks(request.user)
        .annotate(
            n_questions=Count(
                "questions", filter=Q(questions__retired_at__isnull=True), distinct=True
            ),
            n_learners=Count("enrollments", distinct=True),
            n_reports=Count(
                "question_reports",
                filter=Q(question_reports__status=QuestionReport.Status.OPEN),
                distinct=True,
            ),
        )
        .order_by("title")
    )
    can_create = request.user.has_perm("quizzes.add_bank")
    if not banks and not can_create:
        raise Http404("You do not teach any bank.")
    return render_local(
        request, "quizzes/teach/home.html", {"banks": banks, "can_create": can_create}
    )


@login_required
def teach_bank(request: HttpRequest, slug: str) -> HttpResponse:
    """A bank's questions, filtered by text, kind, topic and status, fifty a page."""
    bank = taught_bank(request, slug)
    topics = list(bank.topics.order_by("slug"))
    form = QuestionFilterForm(request.GET or None, topics=topics)
    questions = Question.objects.filter(bank=bank)
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        if data["q"]:
            questions = questions.filter(
                Q(external_id__icontains=data["q"]) | Q(prompt__icontains=data["q"])
            )
        if data["kind"]:
            questions = questions.filter(kind=data["kind"])
        if data["topic"]:
            ids = selectors.topic_ids_with_descendants(bank=bank, slugs=[data["topic"]])
            questions = questions.filter(topics__in=ids).distinct()
    if status == "retired":
        questions = questions.filter(retired_at__isnull=False)
    elif status != "all":
        questions = questions.filter(retired_at__isnull=True)
    questions = questions.annotate(
        open_reports=Count("reports", filter=Q(reports__status=QuestionReport.Status.OPEN)),
        overrides=selectors.overrides_of_question(),
    ).prefetch_related("topics")
    page = Paginator(questions.order_by("external_id"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_local(
        request,
        "quizzes/teach/bank.html",
        {
            "bank": bank,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "open_reports": bank.question_reports.filter(status=QuestionReport.Status.OPEN).count(),
        },
    )


def _apply_errors(form: QuestionForm, exc: ValidationError) -> None:
    """Put the service's errors ("spec.options": [...]) on the form's fields."""
    for path, problems in exc.message_dict.items():
        field, _, rest = path.partition(".")
        field = field.split("[")[0]
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, f"{rest}: {problem}" if rest and target else problem)


def _question_form_page(
    request: HttpRequest, bank: Bank, question: Question | None
) -> HttpResponse:
    topics = list(bank.topics.order_by("slug"))
    editing = question is not None
    initial = QuestionForm.initial_from(authoring.question_as_data(question)) if question else {}
    form = QuestionForm(request.POST or None, initial=initial, topics=topics, editing=editing)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            if question is None:
                question = authoring.question_create(
                    bank=bank, data=form.data_for_service(), now=now
                )
                messages.success(request, f"Question {question.external_id} created.")
            else:
                changes = form.data_for_service()
                changes.pop("external_id", None)
                authoring.question_update(question=question, changes=changes, now=now)
                messages.success(request, f"Question {question.external_id} saved.")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("teach-question", slug=bank.slug, pk=question.pk)
    preview = _preview_context(bank, form.data if form.is_bound else form.initial)
    found = selectors.question_attempts(question_ids=[question.pk] if question else [])
    statistics = found.get(question.pk, selectors.QuestionAttempts()) if question else None
    return render_local(
        request,
        "quizzes/teach/question_form.html",
        {
            "bank": bank,
            "form": form,
            "question": question,
            "preview": preview,
            "statistics": statistics,
        },
    )


@login_required
def question_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _question_form_page(request, taught_bank(request, slug), None)


@login_required
def question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    bank = taught_bank(request, slug)
    return _question_form_page(request, bank, get_object_or_404(Question, bank=bank, pk=pk))


@login_required
@require_POST
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a question nobody has studied; retire one with reviews (history is kept)."""
    bank = taught_bank(request, slug)
    question = get_object_or_404(Question, bank=bank, pk=pk, retired_at__isnull=True)
    deleted = authoring.question_delete(question=question, now=timezone.now())
    verb = "deleted" if deleted else "retired (learners' history is kept)"
    messages.success(request, f"Question {question.external_id} {verb}.")
    return redirect("teach-bank", slug=bank.slug)


def _preview_context(bank: Bank, data: Any) -> dict[str, Any]:
    """The question as a learner would see it, from (possibly invalid) form data."""
    kind = data.get("kind") or "flashcard"
    spec_text = data.get("spec") or "{}"
    try:
        spec = json.loads(spec_text) if isinstance(spec_text, str) else spec_text
    except ValueError as exc:
        return {"error": f"The answer spec is not valid JSON: {exc}"}
    if not isinstance(spec, dict):
        return {"error": "The answer spec must be a JSON object."}
    question = Question(
        bank=bank,
        kind=kind,
        prompt=data.get("prompt") or "",
        spec=spec,
        explanation=data.get("explanation") or "",
    )
    keys = services.card_keys(question)
    card = Card(question=question, bank=bank, deletion=keys[0])
    try:
        view = presentation.card_view(card=card, learner_id=0, reps=0, autofocus=False)
        expected = grading.expected_answer(kind, spec, deletion=keys[0] or None)
    except (grading.InvalidAnswer, ValueError, KeyError, TypeError, AttributeError) as exc:
        return {"error": f"The answer spec does not fit a {kind} question: {exc}"}
    return {
        "view": view,
        "expected": json.dumps(expected, ensure_ascii=False),
        "explanation_html": presentation.explanation_html(card),
        "cards": len(keys),
    }


@login_required
@require_POST
def question_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The live preview of the question form: a fragment of sanitised HTML."""
    bank = taught_bank(request, slug)
    html = render_to_string(
        "quizzes/teach/_preview.html",
        {"preview": _preview_context(bank, request.POST)},
        request=request,
    )
    return HttpResponse(html)


# --- import and export --------------------------------------------------------------------------


def _problems(exc: ParseError) -> list[dict[str, Any]]:
    return [p.to_json() for p in exc.problems]


def _check_target(request: HttpRequest, bank: Bank | None, slug: str) -> str | None:
    """Why this user may not import a file for bank `slug` here (None when they may)."""
    if bank is not None:
        return None if slug == bank.slug else WRONG_BANK.format(found=slug, expected=bank.slug)
    existing = Bank.objects.filter(slug=slug).first()
    if existing is not None:
        if services.user_is_bank_instructor(user=request.user, bank=existing):
            return None
        return NOT_YOUR_BANK.format(slug=slug)
    return None if request.user.has_perm("quizzes.add_bank") else CANNOT_CREATE


@login_required
def bank_import(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Upload a native JSON file and see what it would change; nothing is written yet.

    The upload is kept in the session (signed, server-side) until it is confirmed, not on disk.
    """
    bank = taught_bank(request, slug) if slug else None
    if (
        bank is None
        and not request.user.has_perm("quizzes.add_bank")
        and not taught_banks(request.user).exists()
    ):
        raise Http404("You do not teach any bank.")
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"bank": bank, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render_local(request, "quizzes/teach/import.html", context)
    upload = form.cleaned_data["file"]
    raw = upload.read()
    filename = upload.name[:255]
    try:
        parsed = native.parse(raw)
        why_not = _check_target(request, bank, parsed.slug)
        if why_not:
            raise ParseError([ImportProblem(why_not, path="bank.slug")])
        summary = services.bank_import(
            parsed=parsed, user=request.user, now=timezone.now(), filename=filename, dry_run=True
        )
    except ParseError as exc:
        services.import_run_failed(
            user=request.user, fmt="json", filename=filename, problems=_problems(exc), bank=bank
        )
        context.update(problems=exc.problems, filename=filename)
        return render_local(request, "quizzes/teach/import.html", context)
    except ValidationError as exc:
        context.update(problems=[ImportProblem(m) for m in exc.messages], filename=filename)
        return render_local(request, "quizzes/teach/import.html", context)
    text = raw.decode("utf-8-sig")
    digest = hashlib.sha256(text.encode()).hexdigest()
    request.session[IMPORT_SESSION_KEY] = {
        "text": text,
        "filename": filename,
        "digest": digest,
        "bank": bank.slug if bank else "",
    }
    context.update(summary=summary, parsed=parsed, filename=filename, digest=digest)
    return render_local(request, "quizzes/teach/import_preview.html", context)


@login_required
@require_POST
def bank_import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the previewed upload, all or nothing."""
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not pending or pending.get("digest") != request.POST.get("digest"):
        messages.error(request, IMPORT_EXPIRED)
        return redirect("teach-home")
    bank = taught_bank(request, pending["bank"]) if pending.get("bank") else None
    try:
        parsed = native.parse(pending["text"])
        why_not = _check_target(request, bank, parsed.slug)
        if why_not:
            raise ParseError([ImportProblem(why_not, path="bank.slug")])
        summary = services.bank_import(
            parsed=parsed, user=request.user, now=timezone.now(), filename=pending["filename"]
        )
    except (ParseError, ValidationError) as exc:
        messages.error(request, str(exc) if isinstance(exc, ParseError) else exc.messages[0])
        return redirect("teach-home")
    del request.session[IMPORT_SESSION_KEY]
    counts = summary.counts()
    messages.success(
        request,
        f"Imported {pending['filename']}: {counts['created']} created, {counts['updated']} "
        f"updated, {counts['unchanged']} unchanged, {counts['retired']} retired.",
    )
    return redirect("teach-bank", slug=summary.bank.slug)


@login_required
def bank_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The bank as a native JSON file: lossless, ready to re-import."""
    bank = taught_bank(request, slug)
    response = HttpResponse(bank_export_text(bank), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank.slug}.json"'
    return response


# --- reports and the cohort ---------------------------------------------------------------------


@login_required
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    """Problems learners reported on this bank's questions, open ones first."""
    bank = taught_bank(request, slug)
    show = request.GET.get("status", "open")
    found = QuestionReport.objects.filter(bank=bank).select_related(
        "question", "reporter", "card", "resolved_by"
    )
    if show in (QuestionReport.Status.OPEN, QuestionReport.Status.RESOLVED):
        found = found.filter(status=show)
    page = Paginator(found.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_local(
        request,
        "quizzes/teach/reports.html",
        {"bank": bank, "page": page, "show": show, "resolve_form": ResolveForm()},
    )


@login_required
@require_POST
def report_resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    bank = taught_bank(request, slug)
    report = get_object_or_404(QuestionReport, bank=bank, pk=pk)
    form = ResolveForm(request.POST)
    resolution = form.cleaned_data["resolution"] if form.is_valid() else ""
    try:
        authoring.report_resolve(
            report=report, user=request.user, now=timezone.now(), resolution=resolution
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Report on {report.question.external_id} resolved.")
    return redirect("teach-reports", slug=bank.slug)


@login_required
def cohort(request: HttpRequest, slug: str) -> HttpResponse:
    """Every enrolled learner's progress in this bank, one row each (one query)."""
    bank = taught_bank(request, slug)
    rows = []
    for e in stats.bank_cohort_progress(bank=bank, now=timezone.now()).order_by(
        "learner__username"
    ):
        rows.append(
            {
                "learner": e.learner,
                "reviews": e.reviews,
                "reviews_recent": e.reviews_recent,
                # Overridden answers ("I was right") are counted apart, neither right nor wrong.
                "accuracy": round(100 * e.correct / (e.graded - e.overridden))
                if e.graded > e.overridden
                else None,
                "overridden": e.overridden,
                "retention": round(100 * e.review_passed / e.review_reviews)
                if e.review_reviews
                else None,
                "started": e.cards_started,
                "learned": e.cards_learned,
                "due_now": e.due_now,
                "last_review_at": e.last_review_at,
            }
        )
    return render_local(request, "quizzes/teach/cohort.html", {"bank": bank, "rows": rows})

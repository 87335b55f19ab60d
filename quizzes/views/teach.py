"""Instructor pages: their banks, questions (list, create, edit, live preview), reported
problems, and the cohort's progress (imports and exports: views.teach_imports).

Every view starts with taught_bank(): a bank the user does not teach is a 404.
"""

from __future__ import annotations

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

from quizzes import selectors, stats
from quizzes.forms import QuestionFilterForm, QuestionForm, ResolveForm
from quizzes.models import Bank, Question, QuestionKind, QuestionReport
from quizzes.services import authoring
from quizzes.spec_forms import KIND_SECTIONS, SpecEditor
from quizzes.views.common import render_local, taught_bank, taught_banks
from quizzes.views.teach_preview import preview_context

PER_PAGE = 50


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


def _apply_errors(form: QuestionForm, editor: SpecEditor, kind: str, exc: ValidationError) -> None:
    """Put the service's errors on the form: "spec.…" in words at its section, others at their
    field, anything else above the form."""
    for path, problems in exc.message_dict.items():
        if path == "spec" or path.startswith(("spec.", "spec[")):
            editor.add_service_errors(kind, {path: problems})
            continue
        field = path.split(".")[0].split("[")[0]
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _question_form_page(
    request: HttpRequest, bank: Bank, question: Question | None
) -> HttpResponse:
    """The editor: the question's fields, a form per kind for its answer, and the preview.

    Buttons that do not save (they work without JavaScript): "Show this kind's fields",
    "More rows", "Check this answer" (the grader's verdict in the preview).
    """
    topics = list(bank.topics.order_by("slug"))
    editing = question is not None
    data = authoring.question_as_data(question) if question else {}
    form = QuestionForm(
        request.POST or None,
        initial=QuestionForm.initial_from(data),
        topics=topics,
        editing=editing,
    )
    post = request.POST if request.method == "POST" else None
    if post is not None:
        kind = post.get("kind", "")
        editor = SpecEditor.bind(post, more="_more" in post)
    else:
        kind = data.get("kind", QuestionKind.SINGLE_CHOICE)
        editor = SpecEditor.from_spec(kind, data.get("spec", {}))
    saving = post is not None and not ({"_more", "_try", "_kind", "_preview"} & set(post))
    if saving:
        spec = editor.spec(kind) if kind in QuestionKind.values else None
        if form.is_valid() and spec is not None:
            try:
                question = _save(request, bank, question, form.data_for_service(spec))
            except ValidationError as exc:
                _apply_errors(form, editor, kind, exc)
            else:
                return redirect("teach-question", slug=bank.slug, pk=question.pk)
    preview = preview_context(
        bank=bank,
        kind=kind,
        prompt=(post or data).get("prompt", "") or "",
        explanation=(post or data).get("explanation", "") or "",
        editor=SpecEditor.bind(post) if post is not None and "_more" in post else editor,
        answer_data=post if post is not None and "_try" in post else None,
        card_key=(post or {}).get("preview_card", ""),
    )
    context = {
        "bank": bank,
        "form": form,
        "editor": editor,
        "kind": kind,
        "kinds": QuestionKind.choices,
        "sections": {k: KIND_SECTIONS[k] for k in QuestionKind.values},
        "question": question,
        "preview": preview,
        "saving": saving,
    }
    if question is not None:
        found = selectors.question_attempts(question_ids=[question.pk])
        context["statistics"] = found.get(question.pk, selectors.QuestionAttempts())
    return render_local(request, "quizzes/teach/question_form.html", context)


def _save(
    request: HttpRequest, bank: Bank, question: Question | None, data: dict[str, Any]
) -> Question:
    now = timezone.now()
    if question is None:
        question = authoring.question_create(bank=bank, data=data, now=now)
        messages.success(request, f"Question {question.external_id} created.")
        return question
    data.pop("external_id", None)
    authoring.question_update(question=question, changes=data, now=now)
    messages.success(request, f"Question {question.external_id} saved.")
    return question


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


@login_required
@require_POST
def question_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The live preview of the question form: a fragment of sanitised HTML."""
    bank = taught_bank(request, slug)
    post = request.POST
    preview = preview_context(
        bank=bank,
        kind=post.get("kind", ""),
        prompt=post.get("prompt", ""),
        explanation=post.get("explanation", ""),
        editor=SpecEditor.bind(post),
        answer_data=post if "_try" in post else None,
        card_key=post.get("preview_card", ""),
    )
    html = render_to_string(
        "quizzes/teach/_preview.html", {"preview": preview, "bank": bank}, request=request
    )
    return HttpResponse(html)


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

"""Instructor pages of item analysis: a bank's questions with Moodle's statistics (sortable, as
CSV too), and one question's page with its figures, the answers given, overrides and reports.

Every view starts with taught_bank(): a bank the user does not teach is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from quizzes import analytics, grading
from quizzes.analytics import moodle
from quizzes.models import Question, QuestionKind, QuestionReport
from quizzes.rendering import markdown_inline, markdown_to_html
from quizzes.tabular import csv_response
from quizzes.views.common import render_local, taught_bank

DEFAULT_SORT = "discrimination"
# (key, label, numeric, help): the columns of the bank's table, in order.
COLUMNS = [
    ("external_id", "Question", False, ""),
    ("kind", "Kind", False, ""),
    ("attempts", "Attempts", True, "Learners with a first attempt"),
    ("facility", "Facility", True, "Mean score on the first attempt"),
    ("sd", "SD", True, "Standard deviation of first-attempt scores"),
    ("discrimination", "Discrimination", True, "Correlation with the rest of the bank"),
    ("efficiency", "Efficiency", True, "Discrimination as a share of the most possible"),
    ("lapse_rate", "Lapses", True, "Share of reviews in review state rated Again"),
    ("median_time_s", "Median time", True, "Median answer time of first attempts"),
    ("overrides", "“I was right”", True, "Answers the learner said were right"),
    ("open_reports", "Reports", True, "Open reports"),
    ("flags", "Flags", True, "Moodle's warnings"),
]


def _sort_params(request: HttpRequest) -> tuple[str, bool]:
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in analytics.SORT_KEYS:
        sort = DEFAULT_SORT
    return sort, request.GET.get("dir") == "desc"


def _headers(request: HttpRequest, sort: str, descending: bool) -> list[dict[str, Any]]:
    """Each column's header: a link that sorts by it (again: the other way), and aria-sort."""
    keep = {k: v for k, v in request.GET.items() if k in ("flagged",)}
    out = []
    for key, label, numeric, title in COLUMNS:
        current = key == sort
        flip = "asc" if current and descending else "desc" if current else "asc"
        out.append(
            {
                "key": key,
                "label": label,
                "numeric": numeric,
                "title": title,
                "url": "?" + urlencode({**keep, "sort": key, "dir": flip}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return out


@login_required
def bank_analysis(request: HttpRequest, slug: str) -> HttpResponse:
    """Every question of the bank with its item statistics; ?sort=&dir=, ?flagged=1, CSV."""
    bank = taught_bank(request, slug)
    report = analytics.bank_item_analysis(bank=bank, now=timezone.now())
    sort, descending = _sort_params(request)
    rows = report.sorted(sort, descending=descending)
    flagged = request.GET.get("flagged") == "1"
    if flagged:
        rows = [row for row in rows if row.flags]
    if request.GET.get("format") == "csv":
        return csv_response(
            [{"bank": bank.slug, **row.to_json()} for row in rows],
            filename=f"{bank.slug}-item-analysis.csv",
        )
    query = {k: v for k, v in request.GET.items() if k in ("sort", "dir", "flagged")}
    return render_local(
        request,
        "quizzes/teach/analysis.html",
        {
            "bank": bank,
            "report": report,
            "rows": rows,
            "headers": _headers(request, sort, descending),
            "flagged": flagged,
            "n_flagged": sum(1 for q in report.questions if q.flags),
            "csv_url": "?" + urlencode({**query, "format": "csv"}),
            "thresholds": _thresholds(),
        },
    )


def _thresholds() -> dict[str, float]:
    return {
        "very_likely": moodle.NEEDS_CHECKING_VERY_LIKELY_BELOW,
        "likely": moodle.NEEDS_CHECKING_LIKELY_BELOW,
        "dubious": moodle.DUBIOUS_EFFICIENCY_BELOW,
        "too_easy": moodle.TOO_EASY_ABOVE,
        "too_hard": moodle.TOO_HARD_BELOW,
        "min_attempts": moodle.FLAG_MIN_ATTEMPTS,
    }


def _md(text: str) -> SafeString:
    return mark_safe(markdown_to_html(text))  # sanitised by quizzes.rendering


def _inline(text: str) -> SafeString:
    return mark_safe(markdown_inline(text))  # sanitised by quizzes.rendering


def _key_lines(question: Question) -> list[SafeString]:
    """The answer key, line by line, for the kinds whose key the options table does not show."""
    spec = question.spec or {}
    kind = question.kind
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND):
        return [format_html("<code>{}</code>", a) for a in spec.get("accepted", [])]
    if kind == QuestionKind.FLASHCARD:
        return [_md(str(spec.get("back", "")))]
    if kind == QuestionKind.ORDERING:
        texts = {item["id"]: item.get("text", "") for item in spec.get("items", [])}
        order = spec.get("correct_order", [])
        return [_inline(f"{n}. {texts.get(i, i)}") for n, i in enumerate(order, 1)]
    if kind == QuestionKind.MATCHING:
        left = {item["id"]: item.get("text", "") for item in spec.get("left", [])}
        right = {item["id"]: item.get("text", "") for item in spec.get("right", [])}
        return [
            format_html("{} → {}", _inline(left.get(a, a)), _inline(right.get(b, b)))
            for a, b in spec.get("pairs", {}).items()
        ]
    if kind == QuestionKind.CLOZE:
        try:
            expected = grading.expected_answer(kind, spec)
        except grading.InvalidAnswer:
            return []
        return [format_html("{}: <code>{}</code>", key, answer) for key, answer in expected.items()]
    return []


@login_required
def question_analysis(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One question's statistics with the question itself, the answers learners gave first, the
    "I was right" overrides and the open reports."""
    bank = taught_bank(request, slug)
    question = get_object_or_404(Question, bank=bank, pk=pk)
    report = analytics.bank_item_analysis(bank=bank, now=timezone.now(), question_ids=[pk])
    stats = report.get(question.pk)
    if stats is None:  # pragma: no cover - the question was just found in this bank
        raise Http404
    reports = list(
        QuestionReport.objects.filter(question=question, status=QuestionReport.Status.OPEN)
        .select_related("reporter", "card")
        .order_by("-created_at", "-id")
    )
    cloze = question.kind == QuestionKind.CLOZE
    spec = question.spec or {}
    return render_local(
        request,
        "quizzes/teach/question_analysis.html",
        {
            "bank": bank,
            "question": question,
            "stats": stats,
            "learners": report.learners,
            "prompt_html": _md(question.prompt),
            "cloze_html": _md(grading.render_cloze(spec.get("text", ""), hide=None, reveal=True))
            if cloze
            else None,
            "explanation_html": _md(question.explanation),
            "key_lines": _key_lines(question),
            "deletions": analytics.deletion_breakdown(question=question) if cloze else [],
            "reports": reports,
            "thresholds": _thresholds(),
            "back_url": reverse("teach-analysis", args=[bank.slug]),
        },
    )

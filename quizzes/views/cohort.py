"""Instructor pages of a bank's cohort, learner by learner: one learner's progress there, and the
learners × topics mastery table (sortable, as CSV too).

Every view starts with taught_bank(): a bank the user does not teach is a 404, and so is a
learner who is not enrolled in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode

from quizzes import analytics, charts
from quizzes.tabular import csv_response
from quizzes.views.common import render_local, taught_bank


@login_required
def cohort_learner(request: HttpRequest, slug: str, learner_id: int) -> HttpResponse:
    """One enrolled learner's progress in the bank: mastery per topic, reviews per day,
    retention, leeches and the questions they miss most."""
    bank = taught_bank(request, slug)
    learner = analytics.enrolled_learner(bank=bank, learner_id=learner_id)
    if learner is None:
        raise Http404("No such learner in this bank.")
    report = analytics.learner_report(learner=learner, bank=bank, now=timezone.now())
    progress = report.progress
    per_day = [
        charts.Bar(
            f"{d.day:%-d %b}",
            d.reviews,
            f"{d.day:%a %-d %b}: {d.reviews} reviews, {d.again} Again",
        )
        for d in progress.reviews_per_day
    ]
    total = sum(d.reviews for d in progress.reviews_per_day)
    mastery = [
        {
            "title": m.title,
            "slug": m.topic,
            "depth": m.topic.count("/"),
            "cards": m.cards,
            "mastered": m.mastered,
            "percent": 100 * m.mastered / m.cards,
            "level": min(10, (10 * m.mastered) // m.cards),
        }
        for m in progress.mastery
        if m.cards
    ]
    return render_local(
        request,
        "quizzes/teach/cohort_learner.html",
        {
            "bank": bank,
            "learner": learner,
            "report": report,
            "progress": progress,
            "mastery": mastery,
            "total_30": total,
            "target": round(100 * progress.desired_retention),
            "reviews_chart": charts.bar_chart(
                per_day,
                title=f"{learner.get_username()}'s reviews per day, last 30 days",
                desc=f"{total} reviews in the last 30 days.",
            ),
        },
    )


def _sort(request: HttpRequest, matrix: analytics.MasteryMatrix) -> tuple[str, bool]:
    sort = request.GET.get("sort", "learner")
    if sort not in ("learner", "overall") and sort not in {t.slug for t in matrix.topics}:
        sort = "learner"
    return sort, request.GET.get("dir") == "desc"


def _header(key: str, sort: str, descending: bool) -> dict[str, Any]:
    current = key == sort
    flip = "asc" if current and descending else "desc" if current else "asc"
    return {
        "url": "?" + urlencode({"sort": key, "dir": flip}),
        "aria_sort": ("descending" if descending else "ascending") if current else "",
    }


@login_required
def mastery_table(request: HttpRequest, slug: str) -> HttpResponse:
    """Every enrolled learner × every topic: the share of its cards they have mastered."""
    bank = taught_bank(request, slug)
    matrix = analytics.mastery_matrix(bank=bank, now=timezone.now())
    sort, descending = _sort(request, matrix)
    rows = matrix.sorted(sort, descending=descending)
    if request.GET.get("format") == "csv":
        ordered = analytics.MasteryMatrix(bank=bank, topics=matrix.topics, rows=rows)
        return csv_response(ordered.csv_rows(), filename=f"{bank.slug}-mastery.csv")
    topics = [
        {"column": topic, **_header(topic.slug, sort, descending)}
        for topic in matrix.topics
        if topic.cards
    ]
    shown = [i for i, topic in enumerate(matrix.topics) if topic.cards]
    return render_local(
        request,
        "quizzes/teach/mastery.html",
        {
            "bank": bank,
            "topics": topics,
            "rows": [{"row": row, "cells": [row.cells[i] for i in shown]} for row in rows],
            "learner_header": _header("learner", sort, descending),
            "overall_header": _header("overall", sort, descending),
            "csv_url": "?"
            + urlencode({"sort": sort, "dir": "desc" if descending else "asc"})
            + "&format=csv",
        },
    )

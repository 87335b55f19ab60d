"""The progress page: a year's heatmap, reviews per day, retention per week, the due forecast,
mastery per topic and the streak. Figures come from quizzes.stats; charts are SVG."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from quizzes import charts, selectors, stats
from quizzes.models import Bank
from quizzes.views.common import render_local

HEATMAP_WEEKS = 53
WINDOW_DAYS = 30
RETENTION_WEEKS = 12


def _day_label(day: Any) -> str:
    return day.strftime("%-d %b")


def _mastery_rows(mastery: list[stats.TopicMastery]) -> list[dict[str, Any]]:
    return [
        {
            "title": m.title,
            "slug": m.topic,
            "bank": m.bank,
            "depth": m.topic.count("/"),
            "cards": m.cards,
            "mastered": m.mastered,
            "percent": round(100 * m.share),
        }
        for m in mastery
        if m.cards
    ]


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    """The learner's own progress, over every enrolled bank or one (?bank=slug)."""
    learner = request.user
    now = timezone.now()
    profile = selectors.learner_profile_get(learner=learner)
    banks = list(
        Bank.objects.filter(enrollments__learner=learner, retired_at__isnull=True).order_by("title")
    )
    chosen = None
    if request.GET.get("bank"):
        chosen = next((b for b in banks if b.slug == request.GET["bank"]), None)
        if chosen is None:
            raise Http404("You are not enrolled in this bank.")
    bank_ids = [chosen.pk] if chosen else [b.pk for b in banks]
    figures = stats.learner_progress(
        learner=learner, now=now, bank_ids=bank_ids, days=WINDOW_DAYS, forecast_days=WINDOW_DAYS
    )
    year = stats.reviews_per_day(
        learner=learner, profile=profile, now=now, days=HEATMAP_WEEKS * 7, bank_ids=bank_ids
    )
    weekly = stats.retention_per_week(
        learner=learner, profile=profile, now=now, weeks=RETENTION_WEEKS, bank_ids=bank_ids
    )
    target = round(100 * figures.desired_retention)

    per_day = [
        charts.Bar(
            _day_label(d.day),
            d.reviews,
            f"{d.day:%a %-d %b}: {d.reviews} reviews, {d.again} Again",
        )
        for d in figures.reviews_per_day
    ]
    forecast = [
        charts.Bar(_day_label(d.day), d.reviews, f"{d.day:%a %-d %b}: {d.reviews} due")
        for d in figures.forecast
    ]
    retention_bars = [
        charts.Bar(
            _day_label(w.start),
            None if w.rate is None else round(100 * w.rate, 1),
            f"Week of {w.start:%-d %b}: "
            + (f"{100 * w.rate:.0f}% of {w.reviews} reviews" if w.rate is not None else "none"),
        )
        for w in weekly
    ]
    total_30 = sum(d.reviews for d in figures.reviews_per_day)
    due_30 = sum(d.reviews for d in figures.forecast)
    rated_weeks = [w for w in weekly if w.rate is not None]
    context = {
        "banks": banks,
        "chosen": chosen,
        "figures": figures,
        "mastery": _mastery_rows(figures.mastery),
        "target": target,
        "total_30": total_30,
        "year_total": sum(d.reviews for d in year),
        "weekly": weekly,
        "forecast_table": figures.forecast,
        "heatmap": charts.heatmap(
            {d.day: d.reviews for d in year}, today=figures.today, weeks=HEATMAP_WEEKS
        ),
        "reviews_chart": charts.bar_chart(
            per_day,
            title=f"Reviews per day, last {WINDOW_DAYS} days",
            desc=f"{total_30} reviews in the last {WINDOW_DAYS} days.",
        ),
        "retention_chart": charts.bar_chart(
            retention_bars,
            title=f"Retention per week, last {RETENTION_WEEKS} weeks",
            desc=(
                f"Retention was measured in {len(rated_weeks)} of the last {RETENTION_WEEKS} "
                f"weeks; your target is {target}%."
            ),
            unit="%",
            maximum=100,
            target=target,
            target_label=f"target {target}%",
            label_every=2,
        ),
        "forecast_chart": charts.bar_chart(
            forecast,
            title=f"Cards due in the next {WINDOW_DAYS} days",
            desc=f"{due_30} cards fall due in the next {WINDOW_DAYS} days; overdue ones count "
            "today.",
        ),
    }
    return render_local(request, "quizzes/progress.html", context)

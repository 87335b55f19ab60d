"""Per-learner-day aggregates of the review log, and the fits of a learner's scheduler parameters.

DailyStat is derived data: one row per (learner, bank, learner day) holding the sums of that day's
live reviews. It is written in the same transaction as each review and each undo, and can always be
rebuilt from the log (`manage.py rebuild_daily_stats`), so the dashboard, the streak, the heatmap
and the progress page read a few hundred rows instead of scanning a learner's whole history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from quizzes.models.banks import Bank

# The counters of a DailyStat row, in the order the log's columns produce them.
DAILY_COUNTERS = (
    "reviews",
    "again",
    "new",
    "learning",
    "relearning",
    "review",
    "review_again",
    "graded",
    "correct",
    "overridden",
    "time_ms",
)


class DailyStat(models.Model):
    """The live reviews of one learner in one bank on one learner day (their day start, their
    time zone), summed. `review` counts reviews of cards in review state and `review_again` those
    of them rated Again: retention is 1 − review_again / review."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_stats"
    )
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField(help_text="The learner day (it starts at the learner's day start).")
    reviews = models.PositiveIntegerField(default=0)
    again = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0, help_text="Reviews of cards that were new.")
    learning = models.PositiveIntegerField(default=0)
    relearning = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0, help_text="Reviews of cards in review.")
    review_again = models.PositiveIntegerField(default=0)
    graded = models.PositiveIntegerField(default=0, help_text="Reviews with a verdict.")
    correct = models.PositiveIntegerField(default=0)
    overridden = models.PositiveIntegerField(default=0)
    time_ms = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["learner", "day", "bank"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "bank", "day"], name="uniq_daily_stat_learner_bank_day"
            ),
            models.CheckConstraint(
                condition=Q(again__lte=models.F("reviews"))
                & Q(review_again__lte=models.F("review"))
                & Q(correct__lte=models.F("graded")),
                name="daily_stat_parts_within_totals",
            ),
        ]
        indexes = [models.Index(fields=["learner", "day"], name="daily_stat_by_learner_day")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.bank_id} · {self.day}: {self.reviews} reviews"


class ParameterFit(models.Model):
    """One run of the optimiser for a learner: what it was given, how the fitted parameters did
    against the learner's current ones on held-out later reviews, and whether they were kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_fits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0, help_text="Live reviews in the log.")
    train_items = models.PositiveIntegerField(default=0)
    test_items = models.PositiveIntegerField(default=0)
    log_loss_before = models.FloatField(null=True, blank=True)
    rmse_before = models.FloatField(null=True, blank=True)
    log_loss_after = models.FloatField(null=True, blank=True)
    rmse_after = models.FloatField(null=True, blank=True)
    kept = models.BooleanField(default=False)
    parameters_before = models.JSONField(default=list, blank=True)
    parameters = models.JSONField(default=list, blank=True, help_text="The fitted parameters.")
    message = models.TextField(blank=True, help_text="Why they were kept or not, or the error.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["learner", "-requested_at"], name="fit_by_learner_time")]

    def __str__(self) -> str:
        return f"fit for {self.learner} @ {self.requested_at:%Y-%m-%d %H:%M} ({self.status})"

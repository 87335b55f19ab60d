"""Learners: their profile (time zone, day start, limits, retention) and enrolments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from quizzes.models.banks import Bank


class LearnerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    timezone = models.CharField(max_length=64, default="UTC")
    day_start_hour = models.PositiveSmallIntegerField(default=4, validators=[MaxValueValidator(23)])
    new_per_day = models.PositiveIntegerField(default=20, validators=[MaxValueValidator(9999)])
    reviews_per_day = models.PositiveIntegerField(
        default=200, validators=[MaxValueValidator(99999)]
    )
    desired_retention = models.FloatField(
        default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.99)]
    )
    fsrs_parameters = models.JSONField(default=list, blank=True)
    # Anki's "bury siblings": the other cards of a question (cloze deletions) wait for the next
    # day once one of them has been reviewed. New siblings by default; review siblings only when
    # asked (they are never shown one right after another either way).
    bury_new_siblings = models.BooleanField(default=True)
    bury_review_siblings = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7, desired_retention__lte=0.99),
                name="profile_retention_0_7_to_0_99",
            ),
            models.CheckConstraint(
                condition=Q(day_start_hour__lte=23), name="profile_day_start_hour_0_23"
            ),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user}"


class Enrollment(models.Model):
    """A learner studies a bank; the daily limits are per enrolment (default: the profile's)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="enrollments")
    new_per_day = models.PositiveIntegerField(default=20)
    reviews_per_day = models.PositiveIntegerField(default=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learner", "bank"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "bank"], name="uniq_enrollment"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} → {self.bank}"

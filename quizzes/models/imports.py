"""Import runs: who imported what, when, and what it did."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from quizzes.models.banks import Bank


class ImportRun(models.Model):
    """Who imported what, when, and what it did."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        PREVIEW = "preview", "Preview only"

    bank = models.ForeignKey(
        Bank, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format} import of {self.filename or '?'} ({self.status})"

"""REST API: what one token may do."""

from __future__ import annotations

from django.db import models

from quizzes.models.banks import Bank


class ApiTokenScope(models.Model):
    """What one API token may do: knox stores the hashed token; this row limits its reach.

    A token without a scope row (made in knox's own admin form without the inline) can do
    everything its user can.
    """

    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="scope")
    name = models.CharField(max_length=100, blank=True)
    read_only = models.BooleanField(
        default=False, help_text="Only GET, HEAD and OPTIONS (all an LMS service account needs)."
    )
    banks = models.ManyToManyField(
        Bank, blank=True, related_name="+", help_text="Empty: every bank the user may see."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            (
                "view_bank_progress",
                "Can read every enrolled learner's progress in any bank (LMS service accounts)",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'token'} ({'read-only' if self.read_only else 'read-write'})"

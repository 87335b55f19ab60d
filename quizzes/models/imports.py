"""Import runs: who imported what, when, in which format, how far it got and what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from quizzes.models.banks import Bank


class ImportRun(models.Model):
    """One import of one file into one bank, from upload to its outcome.

    A run is created when a file is submitted (page, API or `import_bank`) and moves through
    queued → running → preview (a dry run: nothing written) or applied; a file with any problem
    ends as failed and changes nothing. A preview is confirmed by applying the same run: the file
    is kept (ImportFile) until then, and its hash and the plan's digest guard that what is applied
    is exactly what was previewed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PREVIEW = "preview", "Preview only"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    class Stage(models.TextChoices):
        WAITING = "waiting", "Waiting for a worker"
        PARSING = "parsing", "Reading the file"
        COMPARING = "comparing", "Comparing with the bank"
        WRITING = "writing", "Writing the changes"
        DONE = "done", "Done"

    bank = models.ForeignKey(
        Bank, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    # The target bank's slug: a run that creates a bank, or failed before it, has no bank yet.
    bank_slug = models.CharField(max_length=80, blank=True)
    bank_title = models.CharField(
        max_length=200, blank=True, help_text="The title of the bank the run creates, if given."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # Who confirmed a preview (another of the bank's instructors, possibly).
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=255, blank=True)
    file_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file.")
    file_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    dry_run = models.BooleanField(default=False, help_text="Preview only, until confirmed.")
    skip_unsupported = models.BooleanField(default=False)
    retire_missing = models.BooleanField(
        default=True, help_text="Retire the bank's questions that are missing from the file."
    )
    reset_changed = models.BooleanField(
        default=False, help_text="Reset learners' cards of questions whose right answer changed."
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.WAITING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent.")
    question_count = models.PositiveIntegerField(default=0, help_text="Questions in the file.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    cards_reset = models.PositiveIntegerField(default=0)
    # At most IMPORT_ERRORS_KEPT problems, each message cut short; error_count is the real total.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    notices = models.JSONField(default=list, blank=True)
    diff = models.JSONField(default=dict, blank=True)
    plan_digest = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bank", "-created_at"], name="importrun_by_bank")]

    def __str__(self) -> str:
        return f"{self.format} import of {self.filename or '?'} ({self.status})"

    @property
    def is_running(self) -> bool:
        """Queued or running: a page polls it, the API answered 202."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
        }


class ImportFile(models.Model):
    """The uploaded file of a run, kept in the database until the run is applied or dropped.

    In the database rather than on disk so that a worker on another machine can read it; the
    size limit (IMPORT_MAX_BYTES) bounds it.
    """

    run = models.OneToOneField(
        ImportRun, on_delete=models.CASCADE, primary_key=True, related_name="file"
    )
    content = models.BinaryField()
    # The file as parsed (services.imports.stored), once it has been: a queued task and the
    # confirmation of a preview need not parse it again.
    parsed = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return f"file of {self.run}"

"""The data model: banks of questions, the cards they make, and each learner's progress.

A Question is authored content; a Card is what gets scheduled (one per question, one per cloze
deletion). CardState holds one learner's FSRS state of one card and exists only once the learner
has touched the card: a card with no state is new to them, so a question added to a bank later is
new for every enrolled learner without writing a row per learner. ReviewLog is append-only and is
the source of truth for limits, statistics and undo.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


class BankQuerySet(models.QuerySet["Bank"]):
    def active(self) -> BankQuerySet:
        return self.filter(retired_at__isnull=True)


class Bank(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: any signed-in user may enrol"
        PRIVATE = "private", "Private: enrolment by an instructor only"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=50, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_banks",
        null=True,
        blank=True,
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BankMembership", related_name="instructed_banks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = BankQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bank-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class BankMembership(models.Model):
    """A user's role on a bank; the owner is an instructor implicitly."""

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INSTRUCTOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "user"], name="uniq_bank_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.bank}"


class Topic(models.Model):
    """A node of a bank's topic tree (slug 'commands/modprobe' under 'commands')."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="topics")
    slug = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["bank", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "slug"], name="uniq_topic_slug_per_bank"),
        ]

    def __str__(self) -> str:
        return f"{self.bank.slug}:{self.slug}"

    def natural_key(self) -> tuple[str, str]:
        return (self.bank.slug, self.slug)


class QuestionKind(models.TextChoices):
    FLASHCARD = "flashcard", "Flashcard"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    TRUE_FALSE = "true_false", "True / false"
    SHORT_ANSWER = "short_answer", "Short answer"
    SHELL_COMMAND = "shell_command", "Shell command"
    CLOZE = "cloze", "Cloze"
    ORDERING = "ordering", "Ordering"
    MATCHING = "matching", "Matching"


class QuestionQuerySet(models.QuerySet["Question"]):
    def active(self) -> QuestionQuerySet:
        return self.filter(retired_at__isnull=True)


class Question(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="questions")
    external_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    prompt = models.TextField(blank=True, help_text="Markdown.")
    explanation = models.TextField(blank=True, help_text="Markdown.")
    spec = models.JSONField(
        default=dict, help_text="The answer spec of the kind (docs/formats.md)."
    )
    difficulty = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    source = models.CharField(max_length=300, blank=True)
    tags = models.JSONField(default=list, blank=True)
    topics = models.ManyToManyField(Topic, related_name="questions", blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["bank", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "external_id"], name="uniq_question_external_id_per_bank"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_3"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.get_kind_display()})"

    def natural_key(self) -> tuple[str, str]:
        return (self.bank.slug, self.external_id)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Card(models.Model):
    """The scheduled unit: a question, or one deletion ('c1') of a cloze question."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="cards")
    # Denormalised from the question so that "new cards of this bank" is one index range.
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="cards")
    deletion = models.CharField(max_length=10, blank=True, default="")
    ordinal = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["question_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["question", "deletion"], name="uniq_card_per_deletion"),
        ]
        indexes = [
            # New cards of a bank, in authoring order: the anti-join against CardState walks this.
            models.Index(
                fields=["bank", "id"], name="card_active_by_bank", condition=Q(retired_at=None)
            ),
        ]

    def __str__(self) -> str:
        suffix = f" [{self.deletion}]" if self.deletion else ""
        return f"{self.question.external_id}{suffix}"


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


class CardStatus(models.IntegerChoices):
    NEW = 0, "New"
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class CardState(models.Model):
    """One learner's scheduling state of one card (FSRS), created on first touch."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states"
    )
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="states")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="card_states")
    status = models.PositiveSmallIntegerField(choices=CardStatus.choices, default=CardStatus.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    is_leech = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    # Mirrors card.retired_at so the due scan needs no join to leave retired cards out.
    retired = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "card"], name="uniq_state_per_learner_card"),
        ]
        indexes = [
            # "Due cards of this learner in this bank, by due time": an index range scan.
            models.Index(
                fields=["learner", "bank", "due"],
                name="state_due_by_learner_bank",
                condition=Q(suspended=False, retired=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.card} · {self.get_status_display()}"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewLog(models.Model):
    """One answer, append-only. Undo marks a row undone; nothing is ever deleted."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_logs"
    )
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="review_logs")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    correct = models.BooleanField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    answer = models.JSONField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    reviewed_at = models.DateTimeField()
    status_before = models.PositiveSmallIntegerField(choices=CardStatus.choices)
    state_before = models.JSONField(help_text="The CardState fields before this review.")
    state_after = models.JSONField(help_text="The CardState fields after this review.")
    due_after = models.DateTimeField()
    interval_seconds = models.BigIntegerField(default=0)
    # NULL, not "", when absent: the unique constraint applies only to keys that were sent.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True)
    response = models.JSONField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"],
                name="uniq_review_idempotency_key",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="log_rating_1_4"
            ),
        ]
        indexes = [
            models.Index(
                fields=["learner", "bank", "reviewed_at"], name="log_by_learner_bank_time"
            ),
            models.Index(fields=["learner", "reviewed_at"], name="log_by_learner_time"),
            models.Index(fields=["card", "reviewed_at"], name="log_by_card_time"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.card} · {self.get_rating_display()} @ {self.reviewed_at}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


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


# --- REST API: token scopes and question reports ------------------------------------------------


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


class QuestionReport(models.Model):
    """A learner's note that something is wrong with a question; the bank's instructors act."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    # Denormalised from the question: "open reports of this bank" is one index range.
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="question_reports")
    card = models.ForeignKey(
        Card, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_reports"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["bank", "status", "created_at"], name="report_by_bank_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="report_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"report on {self.question_id} by {self.reporter} ({self.status})"

"""Authored content: banks, their topic trees, questions and the cards they make."""

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
    since = models.CharField(
        max_length=50,
        blank=True,
        help_text="When the behaviour it relies on appeared or changed, e.g. 'Linux 5.13'.",
    )
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

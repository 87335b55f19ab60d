"""Each learner's progress: scheduling state per card and the append-only review log."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from quizzes.models.banks import Bank, Card, Question


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
    # "I was right": the learner overrode a wrong verdict; accuracy figures count these apart.
    overridden = models.BooleanField(default=False)

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
            # "Was a sibling of this card reviewed today?" (burying siblings): one seek per card.
            models.Index(
                fields=["learner", "card", "reviewed_at"], name="log_by_learner_card_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.card} · {self.get_rating_display()} @ {self.reviewed_at}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class Attempt(models.Model):
    """A learner's first graded answer to a card in one state: the verdict that sticks.

    `answer_check` (or `review_submit` without a check) writes it; until the card is reviewed,
    every later check or review of the card gets this verdict back, on any page or device. The
    review that consumes it is linked and `closed_at` set; undoing that review re-opens it; a reset
    closes it without a review. So at most one attempt per (learner, card) is open. An open attempt
    counts only for the state it was made in (`reps`) and the learner's day it was opened in
    (`opened_at`): a new day's review of the card is a fresh attempt. Rows are kept: they are the
    first-attempt record that item analysis reads. Flashcards get rows too (`correct` is None):
    their first rating is the linked review's.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="attempts")
    # Denormalised from the card: item analysis groups a bank's attempts without a join.
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="attempts")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    # The card state's `reps` when the attempt was made (0 for a new card).
    reps = models.PositiveIntegerField(default=0)
    correct = models.BooleanField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    answer = models.JSONField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    attempted_at = models.DateTimeField()
    # When it was opened: its first answer, or the undo that re-opened it (see is_current_for).
    opened_at = models.DateTimeField(null=True, blank=True)
    # Set when the learner says "I was right" about a wrong verdict.
    overridden = models.BooleanField(default=False)
    review = models.OneToOneField(
        ReviewLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempt"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        constraints = [
            # At most one open attempt per learner and card, across every worker and device.
            models.UniqueConstraint(
                fields=["learner", "card"],
                name="uniq_open_attempt_per_learner_card",
                condition=Q(closed_at__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["bank", "question", "learner"], name="attempt_by_bank_question"),
            models.Index(fields=["learner", "attempted_at"], name="attempt_by_learner_time"),
        ]

    def __str__(self) -> str:
        verdict = {True: "right", False: "wrong", None: "self-graded"}[self.correct]
        return f"{self.learner} · {self.card} · {verdict} @ {self.attempted_at}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_current_for(self, *, reps: int, day_start: datetime) -> bool:
        """Open, made in the card's current state, and opened during the learner's current day."""
        opened = self.opened_at or self.attempted_at
        return self.closed_at is None and self.reps == reps and opened >= day_start

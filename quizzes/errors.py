"""Error messages as constants, so tests and front ends can refer to them."""

from __future__ import annotations

from django.core.exceptions import ValidationError

NOT_ENROLLED = "You are not enrolled in this bank."
CARD_NOT_IN_ENROLLED_BANK = "This card is not in a bank you are enrolled in."
CARD_RETIRED = "This card's question has been retired."
CARD_SUSPENDED = "This card is suspended; unsuspend it to review it."
RATING_REQUIRED = "A flashcard is self-graded: choose a rating (1 Again, 2 Hard, 3 Good, 4 Easy)."
RATING_INVALID = "A rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."
WRONG_ANSWER_ONLY_AGAIN = "A wrong answer can only be rated Again."
RIGHT_ANSWER_NOT_AGAIN = "A right answer is rated Hard, Good or Easy."
IDEMPOTENCY_CONFLICT = "This Idempotency-Key was already used with a different request."
NOTHING_TO_UNDO = "There is no review today to undo."
NOTHING_TO_OVERRIDE = "There is no wrong verdict on this card to override: answer it first."
OVERRIDE_NOT_ALLOWED = (
    "Only a wrong verdict on a short-answer, shell-command or cloze card can be overridden."
)
BANK_NOT_OPEN = "This bank is private: an instructor must enrol you."
BANK_RETIRED = "This bank has been retired."


class IdempotencyConflict(ValidationError):
    """The same idempotency key was sent with a different request body."""

    def __init__(self) -> None:
        super().__init__(IDEMPOTENCY_CONFLICT, code="idempotency_conflict")


class NotEnrolled(ValidationError):
    def __init__(self, message: str = NOT_ENROLLED) -> None:
        super().__init__(message, code="not_enrolled")

"""Writes used by every front end (pages, REST API, CLI). Typed, keyword-only, atomic."""

from quizzes.services.attempts import (
    OVERRIDABLE_KINDS,
    CheckResult,
    allowed_ratings,
    answer_check,
    attempt_override,
    check_result,
    override_allowed,
)
from quizzes.services.banks import (
    bank_retire,
    banks_visible_to,
    card_keys,
    enroll,
    question_retire,
    question_sync_cards,
    unenroll,
    user_is_bank_instructor,
)
from quizzes.services.cards import (
    card_bury,
    card_reset,
    card_suspend,
    card_unsuspend,
    retrievability_now,
)
from quizzes.services.imports import ImportSummary, bank_import, import_confirm, import_submit
from quizzes.services.queue import (
    QueueItem,
    QueueResult,
    elapsed_ms_from_token,
    enrollment_get,
    queue_of,
    serve_token_make,
    study_card,
    study_queue_next,
)
from quizzes.services.reviews import ReviewResult, review_submit
from quizzes.services.undo import UndoResult, review_undo

__all__ = [
    "OVERRIDABLE_KINDS",
    "CheckResult",
    "ImportSummary",
    "QueueItem",
    "QueueResult",
    "ReviewResult",
    "UndoResult",
    "allowed_ratings",
    "answer_check",
    "attempt_override",
    "bank_import",
    "bank_retire",
    "banks_visible_to",
    "card_bury",
    "check_result",
    "card_keys",
    "card_reset",
    "card_suspend",
    "card_unsuspend",
    "elapsed_ms_from_token",
    "enroll",
    "enrollment_get",
    "import_confirm",
    "import_submit",
    "override_allowed",
    "question_retire",
    "question_sync_cards",
    "queue_of",
    "retrievability_now",
    "review_submit",
    "review_undo",
    "serve_token_make",
    "study_card",
    "study_queue_next",
    "unenroll",
    "user_is_bank_instructor",
]

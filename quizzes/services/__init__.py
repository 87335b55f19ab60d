"""Writes used by every front end (pages, REST API, CLI). Typed, keyword-only, atomic."""

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
    serve_token_make,
    study_queue_next,
)
from quizzes.services.reviews import (
    CheckResult,
    ReviewResult,
    UndoResult,
    allowed_ratings,
    answer_check,
    review_submit,
    review_undo,
)

__all__ = [
    "CheckResult",
    "ImportSummary",
    "QueueItem",
    "QueueResult",
    "ReviewResult",
    "UndoResult",
    "allowed_ratings",
    "answer_check",
    "bank_import",
    "bank_retire",
    "banks_visible_to",
    "card_bury",
    "card_keys",
    "card_reset",
    "card_suspend",
    "card_unsuspend",
    "elapsed_ms_from_token",
    "enroll",
    "enrollment_get",
    "import_confirm",
    "import_submit",
    "question_retire",
    "question_sync_cards",
    "retrievability_now",
    "review_submit",
    "review_undo",
    "serve_token_make",
    "study_queue_next",
    "unenroll",
    "user_is_bank_instructor",
]

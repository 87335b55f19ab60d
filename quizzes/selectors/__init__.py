"""Reads shared by the pages, the API and the CLI. No writes here.

One module per concern; this package re-exports them so `from quizzes.selectors import X` works.
"""

from quizzes.selectors.attempts import (
    QuestionAttempts,
    overrides_of_question,
    question_attempts,
)
from quizzes.selectors.learners import (
    learner_day,
    learner_profile_get,
    schedule_of,
    scheduler_config,
    topic_ids_with_descendants,
)
from quizzes.selectors.lookups import (
    card_for_learner,
    card_with_question,
    open_attempt,
    state_locked,
    state_with_card,
)
from quizzes.selectors.queue import (
    DoneToday,
    QueueContext,
    QueueCounts,
    QueuedCard,
    QueueSnapshot,
    SiblingRules,
    counts_after_review,
    learn_ahead_limit,
    queue_context,
    queue_snapshot,
)

__all__ = [
    "DoneToday",
    "QuestionAttempts",
    "QueueContext",
    "QueueCounts",
    "QueueSnapshot",
    "QueuedCard",
    "SiblingRules",
    "card_for_learner",
    "card_with_question",
    "counts_after_review",
    "learn_ahead_limit",
    "learner_day",
    "learner_profile_get",
    "open_attempt",
    "overrides_of_question",
    "queue_context",
    "question_attempts",
    "queue_snapshot",
    "schedule_of",
    "scheduler_config",
    "state_locked",
    "state_with_card",
    "topic_ids_with_descendants",
]

"""Signal receivers: the core tells what happened, the LTI tool reacts (connected in apps)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from quizzes.lti import tasks
from quizzes.signals import review_recorded


@receiver(review_recorded, dispatch_uid="lti-scores-after-review")
def scores_after_review(sender: Any, *, learner: Any, bank_id: int, **kwargs: Any) -> None:
    """A study session moved on: the learner's gradebook scores on this bank are owed. The work
    waits for the review's commit and runs as a background task."""
    learner_id = learner.pk
    transaction.on_commit(lambda: tasks.scores_after_review(learner_id=learner_id, bank_id=bank_id))

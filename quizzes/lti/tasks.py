"""Background tasks (Django's tasks framework): scores to gradebooks and roster syncs.

A task is idempotent: publishing sends the current score (or nothing when it is up to date);
a roster sync converges on the platform's roster.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django_tasks import task, task_backends

from quizzes.lti.models import LtiContext
from quizzes.lti.services import roster, scores

logger = logging.getLogger(__name__)


@task()
def publish_score(sync_id: int) -> str:
    """Send a learner's pending score to the gradebook; on failure, try again later."""
    outcome = scores.score_publish(sync_id=sync_id, now=timezone.now())
    if outcome.retry_at is not None:
        schedule_publish(sync_id=sync_id, at=outcome.retry_at)
    return outcome.status


@task()
def sync_roster(context_id: int) -> dict[str, int] | str:
    context = LtiContext.objects.select_related("platform", "course").get(pk=context_id)
    try:
        return roster.roster_sync(context=context, now=timezone.now()).to_json()
    except roster.RosterError as exc:
        return str(exc)


def _supports_defer() -> bool:
    return bool(task_backends[publish_score.backend].supports_defer)


def schedule_publish(*, sync_id: int, at: datetime | None = None) -> None:
    """Queue the score's publication for `at` (now by default). A backend that cannot defer
    leaves a later one to `manage.py lti_flush_scores`. Never raises: the learner's request
    must not fail because the gradebook is unreachable."""
    try:
        if at is None or at <= timezone.now():
            publish_score.enqueue(sync_id)
        elif _supports_defer():
            publish_score.using(run_after=at).enqueue(sync_id)
    except Exception:
        logger.exception("Could not queue the LTI score %s", sync_id)


def scores_after_review(*, learner_id: int, bank_id: int) -> None:
    """After a review: mark the learner's scores on this bank pending and queue their sends."""
    try:
        for sync in scores.score_mark_pending(
            learner_id=learner_id, bank_id=bank_id, now=timezone.now()
        ):
            schedule_publish(sync_id=sync.pk, at=scores.send_after(sync))
    except Exception:
        logger.exception("Could not mark the LTI scores of learner %s pending", learner_id)


def roster_sync_queue(*, context: LtiContext) -> None:
    sync_roster.enqueue(context.pk)

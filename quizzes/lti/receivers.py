"""Signal receivers: the core tells what happened, the LTI tool reacts (connected in apps)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from quizzes.lti import tasks
from quizzes.lti.models import LaunchHandoff, LtiUser, ScoreSync
from quizzes.signals import account_deleting, learner_data_collecting, review_recorded


@receiver(review_recorded, dispatch_uid="lti-scores-after-review")
def scores_after_review(sender: Any, *, learner: Any, bank_id: int, **kwargs: Any) -> None:
    """A study session moved on: the learner's gradebook scores on this bank are owed. The work
    waits for the review's commit and runs as a background task."""
    learner_id = learner.pk
    transaction.on_commit(lambda: tasks.scores_after_review(learner_id=learner_id, bank_id=bank_id))


@receiver(account_deleting, dispatch_uid="lti-forget-deleted-account")
def forget_deleted_account(sender: Any, *, user: Any, **kwargs: Any) -> None:
    """A person deleted their account: forget which LMS account was theirs (the platform's
    `sub`), their pending scores and one-time sign-in links."""
    LtiUser.objects.filter(user=user).delete()
    ScoreSync.objects.filter(learner=user).delete()
    LaunchHandoff.objects.filter(user=user).delete()


@receiver(learner_data_collecting, dispatch_uid="lti-learner-data")
def learner_data(sender: Any, *, user: Any, **kwargs: Any) -> dict[str, Any]:
    """The LMS accounts linked to this person, for their data export."""
    identities = LtiUser.objects.filter(user=user).select_related("platform").order_by("pk")
    return {
        "lti_identities": [
            {
                "issuer": i.issuer,
                "sub": i.sub,
                "platform": i.platform.name,
                "created_at": i.created_at,
                "last_launch_at": i.last_launch_at,
            }
            for i in identities
        ]
    }

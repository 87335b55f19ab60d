"""Deleting an account: the person's data goes, the instructors' statistics stay, anonymised.

The user row is kept, so that the review log, the first attempts and the enrolments that bank
statistics count keep pointing somewhere, but nothing on it names the person any more: the
username becomes a random pseudonym (`deleted-…`), e-mail and names are blanked, the password
becomes unusable and the account inactive (every session and token stops working). What the
person wrote is removed: their answers (review log and attempts), the feedback that quoted them,
the text of their problem reports, their idempotency keys; their API tokens, bank roles and
sign-in failure records are deleted, and so is what optional apps hold (the LTI tool's link to
the LMS account: the signal account_deleting). Course memberships and enrolments stay. Ratings,
verdicts, scores, times, overrides and scheduling states are kept: item and cohort statistics
come out exactly as before, under the pseudonym (the overridden answers instructors are shown
leave out the person's, now NULL).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import get_token_model

from quizzes.models import Attempt, BankMembership, QuestionReport, ReviewLog
from quizzes.signals import account_deleting

PSEUDONYM_PREFIX = "deleted-"
REPORT_TEXT_REMOVED = "(Removed: the reporter deleted their account.)"
WRONG_PASSWORD = "That is not your password: the account was not deleted."


def is_deleted(user: Any) -> bool:
    return not user.is_active and user.get_username().startswith(PSEUDONYM_PREFIX)


def account_password_check(*, user: AbstractBaseUser, password: str) -> None:
    """Refuse (ValidationError on `password`) unless `password` is the user's own."""
    if not password or not user.check_password(password):
        raise ValidationError({"password": [WRONG_PASSWORD]}, code="invalid")


@transaction.atomic
def account_delete(*, user: AbstractBaseUser, now: datetime) -> str:
    """Remove `user`'s personal data and close the account; returns the pseudonym."""
    old_username = user.get_username()
    pseudonym = f"{PSEUDONYM_PREFIX}{secrets.token_hex(8)}"
    ReviewLog.objects.filter(learner=user).update(
        answer=None, idempotency_key=None, request_hash="", response=None
    )
    Attempt.objects.filter(learner=user).update(answer=None, feedback="")
    QuestionReport.objects.filter(reporter=user).update(text=REPORT_TEXT_REMOVED)
    get_token_model().objects.filter(user=user).delete()  # scopes go with them
    BankMembership.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=old_username).delete()
    account_deleting.send(sender=account_delete, user=user)  # optional apps' rows (LTI)
    user.username = pseudonym  # type: ignore[attr-defined]
    user.email = ""  # type: ignore[attr-defined]
    user.first_name = ""  # type: ignore[attr-defined]
    user.last_name = ""  # type: ignore[attr-defined]
    user.is_active = False
    user.is_staff = False  # type: ignore[attr-defined]
    user.is_superuser = False  # type: ignore[attr-defined]
    user.last_login = None
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.save()
    user.groups.clear()  # type: ignore[attr-defined]
    user.user_permissions.clear()  # type: ignore[attr-defined]
    return pseudonym

"""The LTI tool's part in a person's data: exported with it, forgotten when the account goes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quizzes.exporters.learner import learner_data_export
from quizzes.lti.models import LaunchHandoff, LtiUser, ScoreSync
from quizzes.services import privacy

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_linked_lms_accounts(launcher):
    launcher.launch()
    identity = LtiUser.objects.get()
    data = learner_data_export(user=identity.user, now=timezone.now())
    assert [(i["issuer"], i["sub"]) for i in data["lti_identities"]] == [
        (identity.issuer, identity.sub)
    ]


def test_deleting_the_account_forgets_the_lms_account(launcher):
    launcher.launch()
    user = LtiUser.objects.get().user
    privacy.account_delete(user=user, now=timezone.now())
    assert not LtiUser.objects.filter(user=user).exists()
    assert not ScoreSync.objects.filter(learner=user).exists()
    assert not LaunchHandoff.objects.filter(user=user).exists()
    assert learner_data_export(user=user, now=timezone.now())["lti_identities"] == []

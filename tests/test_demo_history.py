"""demo_history gives the demo learner weeks of history through the real services, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quizzes import services
from quizzes.models import Enrollment, ReviewLog
from tests.factories import KINDS, BankFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_history_writes_weeks_of_reviews_and_restores_the_limits():
    learner = UserFactory(username="learner")
    bank = BankFactory()
    for kind in KINDS * 3:
        QuestionFactory(bank=bank, kind=kind)
    services.enroll(learner=learner, bank=bank)
    out = StringIO()
    call_command("demo_history", "--days", "10", stdout=out)
    logs = ReviewLog.objects.filter(learner=learner)
    days = {log.reviewed_at.date() for log in logs}
    assert len(days) >= 9
    assert logs.filter(correct=True).count() > logs.filter(correct=False).count()
    assert logs.filter(elapsed_ms__gt=0).count() == logs.count()
    assert Enrollment.objects.get(learner=learner).new_per_day == 20
    assert "reviews over 10 days" in out.getvalue()
    count = logs.count()
    call_command("demo_history", stdout=StringIO())  # already has history: nothing more
    assert ReviewLog.objects.filter(learner=learner).count() == count


def test_demo_history_needs_the_user():
    with pytest.raises(CommandError, match="no user named"):
        call_command("demo_history", "--username", "nobody")

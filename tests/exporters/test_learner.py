"""The learner data export, and `manage.py export_learner_data`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from quizzes.exporters.learner import FORMAT, learner_data_export
from quizzes.models import DailyStat, LearnerProfile, ParameterFit
from tests.factories import BankFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_has_every_part(now):
    data = learner_data_export(user=UserFactory(username="ada"), now=now)
    assert data["format"] == FORMAT and data["exported_at"] == now
    assert set(data) >= {
        "profile",
        "enrollments",
        "bank_roles",
        "card_states",
        "reviews",
        "attempts",
        "reports",
        "api_tokens",
        "daily_stats",
        "parameter_fits",
    }


def test_the_export_holds_the_daily_sums_and_the_optimiser_runs(now):
    user = UserFactory(username="ada")
    bank = BankFactory(slug="kmod")
    DailyStat.objects.create(learner=user, bank=bank, day=now.date(), reviews=7, again=2)
    ParameterFit.objects.create(learner=user, requested_at=now, reviews=450, kept=True)
    DailyStat.objects.create(learner=UserFactory(), bank=bank, day=now.date(), reviews=1)
    data = learner_data_export(user=user, now=now)
    [day] = data["daily_stats"]
    assert (day["bank"], day["day"], day["reviews"], day["again"]) == ("kmod", now.date(), 7, 2)
    [fit] = data["parameter_fits"]
    assert (fit["requested_at"], fit["reviews"], fit["kept"]) == (now, 450, True)
    assert "learner" not in fit


def test_the_command_writes_json_to_a_file_or_stdout(tmp_path, capsys):
    UserFactory(username="ada", email="ada@example.com")
    out = tmp_path / "ada.json"
    call_command("export_learner_data", "ada", "--output", str(out))
    assert json.loads(out.read_text())["profile"]["username"] == "ada"
    call_command("export_learner_data", "ADA@example.com")
    assert json.loads(capsys.readouterr().out)["profile"]["email"] == "ada@example.com"


def test_the_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No single user"):
        call_command("export_learner_data", "nobody")


def test_the_profile_holds_every_setting_the_learner_chose(now):
    user = UserFactory(username="ada")
    LearnerProfile.objects.create(
        user=user, timezone="Asia/Tokyo", bury_new_siblings=False, bury_review_siblings=True
    )
    profile = learner_data_export(user=user, now=now)["profile"]["settings"]
    settings = {f.name for f in LearnerProfile._meta.concrete_fields} - {"id", "user"}
    assert settings <= set(profile)
    assert (profile["timezone"], profile["bury_new_siblings"], profile["bury_review_siblings"]) == (
        "Asia/Tokyo",
        False,
        True,
    )

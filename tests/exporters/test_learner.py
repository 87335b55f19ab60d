"""The learner data export, and `manage.py export_learner_data`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from quizzes.exporters.learner import FORMAT, learner_data_export
from tests.factories import UserFactory

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
    }


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

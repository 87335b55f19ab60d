"""The LTI tool is an optional app: nothing else imports it, and the site works without it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

WITHOUT_LTI = """
import django
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment()
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone
assert not apps.is_installed("quizzes.lti")
assert not any("lti" in m for m in __import__("django.conf").conf.settings.MIDDLEWARE)
connection.creation.create_test_db(verbosity=0)
from quizzes import services
from quizzes.models import Card, Rating
from tests.factories import BankFactory, QuestionFactory, UserFactory
bank = BankFactory(slug="kmod")
QuestionFactory(bank=bank, kind="true_false")
learner = UserFactory(username="lea")
services.enroll(learner=learner, bank=bank)
services.review_submit(learner=learner, card=Card.objects.get(), answer=True,
                       rating=Rating.GOOD, now=timezone.now())
client = Client()
client.force_login(learner)
assert client.get("/study/kmod/").status_code == 200
assert client.get("/api/v1/courses").status_code == 200
assert client.get("/lti/login/").status_code == 404
assert client.get("/lti/jwks/").status_code == 404
print("ok without lti")
"""


def test_nothing_outside_the_app_imports_it():
    offenders = []
    for path in [*ROOT.glob("quizzes/**/*.py"), *ROOT.glob("kmodquiz/**/*.py")]:
        if "lti" in path.relative_to(ROOT).parts[1:2]:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n == "quizzes.lti" or n.startswith("quizzes.lti.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_site_works_without_the_lti_app():
    env = {**os.environ, "KMODQUIZ_LTI_ENABLED": "0", "DJANGO_SETTINGS_MODULE": "kmodquiz.settings"}
    env.pop("DATABASE_URL", None)  # an in-memory SQLite database of its own
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_LTI],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ok without lti" in result.stdout

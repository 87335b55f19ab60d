"""Imports from upload to outcome: recorded, previewed then confirmed exactly, large ones run
as background tasks (immediately in tests, and through the database worker)."""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from quizzes.models import Bank, ImportFile, ImportRun, Question
from quizzes.services import imports
from quizzes.services.imports import runs, steps
from tests.factories import BankFactory, UserFactory
from tests.importers.test_native import bank_doc, question
from tests.services.imports.conftest import file_of
from tests.worker import run_worker

pytestmark = pytest.mark.django_db
Status = ImportRun.Status


@pytest.fixture
def owner():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_bank"))
    return user


def submit(data: bytes, now, user=None, **kw) -> ImportRun:
    kw.setdefault("filename", "bank.json")
    return imports.import_submit(user=user, data=data, now=now, **kw)


def test_a_small_file_is_applied_at_once_and_recorded(doc, owner, now):
    data = file_of(doc)
    run = submit(data, now, owner, slug="demo")
    assert (run.status, run.format, run.created, run.question_count) == ("applied", "native", 3, 3)
    assert run.file_hash == runs.file_hash(data) and run.file_size == len(data)
    assert run.bank.owner == owner and run.user == owner and run.finished_at == now
    assert [c["id"] for c in run.diff["created"]] == ["q1", "q2", "q3"]
    assert not ImportFile.objects.exists()


def test_a_preview_is_confirmed_exactly_once(doc, owner, now):
    preview = submit(file_of(doc), now, owner, slug="demo", dry_run=True)
    assert preview.status == Status.PREVIEW and not Question.objects.exists()
    assert ImportFile.objects.filter(run=preview).exists()
    applied = imports.import_confirm(
        run=preview, user=owner, now=now, expected_hash=preview.file_hash
    )
    assert applied.pk == preview.pk and applied.status == Status.APPLIED
    assert Question.objects.count() == 3 and not ImportFile.objects.exists()
    with pytest.raises(ValidationError, match="applied"):
        imports.import_confirm(run=applied, user=owner, now=now)


def test_a_confirmation_for_another_file_is_refused(doc, owner, now):
    preview = submit(file_of(doc), now, owner, slug="demo", dry_run=True)
    with pytest.raises(ValidationError, match="not the file that was previewed"):
        imports.import_confirm(run=preview, user=owner, now=now, expected_hash="0" * 64)
    ImportFile.objects.filter(run=preview).update(content=b"tampered")
    with pytest.raises(ValidationError, match="not the file that was previewed"):
        imports.import_confirm(run=preview, user=owner, now=now)
    assert not Question.objects.exists()


def test_a_confirmation_after_the_bank_changed_is_refused_and_changes_nothing(doc, owner, now):
    submit(file_of(doc), now, owner, slug="demo")
    changed = copy.deepcopy(doc)
    changed["questions"][0]["prompt"] = "From the file"
    preview = submit(file_of(changed), now, owner, slug="demo", dry_run=True)
    Question.objects.filter(external_id="q1").update(prompt="Edited meanwhile", content_hash="x")
    failed = imports.import_confirm(run=preview, user=owner, now=now)
    assert failed.status == Status.FAILED and failed.errors[0]["message"] == runs.BANK_CHANGED
    assert Question.objects.get(external_id="q1").prompt == "Edited meanwhile"


def test_a_new_preview_discards_the_users_earlier_one(doc, owner, now):
    first = submit(file_of(doc), now, owner, slug="demo", dry_run=True)
    second = submit(file_of(doc), now, owner, slug="demo", dry_run=True)
    first.refresh_from_db()
    assert first.status == Status.DISCARDED and not ImportFile.objects.filter(run=first).exists()
    assert second.status == Status.PREVIEW


def test_a_file_over_the_size_limit_is_refused_unread(doc, owner, now, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_MAX_BYTES": 100}
    run = submit(file_of(doc), now, owner, slug="demo")
    assert run.status == Status.FAILED and "more than the 100 bytes" in run.errors[0]["message"]
    assert not Bank.objects.exists()


def test_a_file_with_problems_fails_with_each_one_and_never_a_huge_value(now):
    doc = bank_doc([question(f"q{i}", "flashcard", source="s" * 3_000_000) for i in range(3)])
    doc["questions"] += [question(f"r{i}", "true_false", difficulty=7) for i in range(300)]
    run = submit(file_of(doc), now, slug="demo")
    assert run.status == Status.FAILED and run.error_count == 303
    assert len(run.errors) == runs.ERRORS_KEPT
    assert len(json.dumps(run.errors)) < 200 * runs.ERRORS_KEPT
    first = run.errors[0]
    assert first["path"] == "questions[0].source" and first["line"] and first["column"]


def test_only_the_banks_instructors_may_import_into_it(doc, owner, now):
    submit(file_of(doc), now, owner, slug="demo")
    stranger = UserFactory()
    run = submit(file_of(doc), now, stranger, slug="demo")
    assert run.status == Status.FAILED and "not one of its instructors" in run.errors[0]["message"]
    plain = UserFactory()
    run = submit(file_of(doc), now, plain, slug="new-bank")
    assert run.status == Status.FAILED and run.errors[0]["message"] == runs.CANNOT_CREATE


def test_a_native_file_for_another_bank_is_refused(doc, owner, now):
    BankFactory(slug="elsewhere", owner=owner)
    run = submit(file_of(doc), now, owner, slug="elsewhere")
    assert run.status == Status.FAILED and "for the bank “demo”" in run.errors[0]["message"]


@pytest.mark.parametrize(("escape", "field"), [("\\u0000", "prompt"), ("\\udfff", "explanation")])
def test_text_the_database_cannot_store_fails_the_import_not_the_server(escape, field, now):
    text = file_of(bank_doc([question("q1", "flashcard")])).decode()
    text = text.replace('"Which?"' if field == "prompt" else '"Because."', f'"x{escape}y"')
    run = submit(text.encode(), now, slug="demo")
    assert run.status == Status.FAILED and f"questions[0].{field}" == run.errors[0]["path"]
    assert not Bank.objects.exists()


def test_a_large_file_runs_as_a_background_task(doc, owner, now, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 2}
    run = submit(file_of(doc), now, owner, slug="demo")
    assert run.task_id  # queued, and run at once by the tests' immediate backend
    assert run.status == Status.APPLIED and Question.objects.count() == 3


def test_the_database_worker_runs_a_queued_import_and_a_retry_changes_nothing(
    doc, owner, now, settings
):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 2}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    preview = submit(file_of(doc), now, owner, slug="demo", dry_run=True)
    assert (preview.status, preview.stage, preview.progress) == ("queued", "waiting", 0)
    run_worker()
    preview.refresh_from_db()
    assert preview.status == Status.PREVIEW and preview.created == 3
    queued = imports.import_confirm(run=preview, user=owner, now=now)
    assert queued.status == Status.QUEUED and not Question.objects.exists()
    run_worker()
    queued.refresh_from_db()
    assert queued.status == Status.APPLIED and Question.objects.count() == 3
    assert imports.import_run_execute(run_id=queued.pk, now=now) == Status.APPLIED
    assert Question.objects.count() == 3


def test_a_run_left_running_by_a_dead_worker_is_redone_whole(doc, owner, now, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 2}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = submit(file_of(doc), now, owner, slug="demo")
    ImportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, stage="writing")
    assert imports.import_run_execute(run_id=run.pk, now=now) == Status.APPLIED
    assert Question.objects.count() == 3


def test_an_unexpected_error_in_the_task_fails_the_run_and_changes_nothing(
    doc, owner, now, settings, monkeypatch
):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 2}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = submit(file_of(doc), now, owner, slug="demo")

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(steps, "plan_apply", boom)
    with pytest.raises(RuntimeError):
        imports.import_run_execute(run_id=run.pk, now=now)
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.errors[0]["message"] == runs.INTERNAL_ERROR
    assert not Question.objects.exists() and not Bank.objects.exists()


def test_another_instructor_may_confirm_and_is_recorded_but_not_a_stranger(doc, owner, now):
    from tests.factories import MembershipFactory

    submit(file_of(doc), now, owner, slug="demo")
    changed = copy.deepcopy(doc)
    changed["questions"][0]["prompt"] = "Reworded"
    preview = submit(file_of(changed), now, owner, slug="demo", dry_run=True)
    with pytest.raises(ValidationError, match="not one of its instructors"):
        imports.import_confirm(run=preview, user=UserFactory(), now=now)
    colleague = UserFactory()
    MembershipFactory(bank=Bank.objects.get(slug="demo"), user=colleague)
    applied = imports.import_confirm(run=preview, user=colleague, now=now)
    assert (applied.status, applied.user, applied.applied_by) == ("applied", owner, colleague)

"""Imports and exports over the API: multipart upload, preview then apply, every problem in
one answer, a JSON 413, 202 for background imports, and file downloads."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.importers import native
from quizzes.models import ImportRun, Question
from tests.api.conftest import token_client
from tests.importers.test_native import bank_doc, question
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

URL = "/api/v1/banks/kmod/imports"


def kmod_file(*questions, name: str = "kmod.json") -> SimpleUploadedFile:
    document = bank_doc(list(questions) or [question("api-1", "true_false", topics=["commands"])])
    document["bank"]["slug"] = "kmod"
    document["topics"] = [{"slug": "commands", "title": "Commands"}]
    return SimpleUploadedFile(name, json.dumps(document, indent=2).encode())


def upload(client, file, **fields):
    return client.post(URL, {"file": file, **fields}, format="multipart")


@pytest.mark.parametrize("role", ["instructor", "member"])
def test_an_instructor_previews_then_applies_an_import(world, role):
    client = token_client(world.user(role), now=world.now)
    response = upload(client, kmod_file(), dry_run="true")
    assert response.status_code == HTTPStatus.CREATED
    run = response.json()
    assert (run["status"], run["format"], run["counts"]["created"]) == ("preview", "native", 1)
    assert run["counts"]["retired"] == 3  # the world's questions are not in the file
    assert run["url"].endswith(f"{URL}/{run['id']}") and run["user"] == world.user(role).username
    assert not Question.objects.filter(external_id="api-1").exists()
    applied = client.post(f"{URL}/{run['id']}/apply", {"file_hash": run["file_hash"]})
    assert applied.status_code == HTTPStatus.CREATED and applied.json()["status"] == "applied"
    assert Question.objects.filter(bank=world.bank, external_id="api-1").exists()
    again = client.post(f"{URL}/{run['id']}/apply", {})
    assert again.status_code == HTTPStatus.CONFLICT


def test_learners_and_read_only_tokens_may_not_import(world, client_as, now):
    assert upload(client_as("learner"), kmod_file()).status_code == HTTPStatus.FORBIDDEN
    assert upload(client_as("other_instructor"), kmod_file()).status_code == HTTPStatus.NOT_FOUND
    read_only = token_client(world.instructor, now=now, read_only=True)
    assert upload(read_only, kmod_file()).status_code == HTTPStatus.FORBIDDEN
    elsewhere = token_client(world.instructor, now=now, banks=[world.other_bank])
    assert upload(elsewhere, kmod_file()).status_code == HTTPStatus.NOT_FOUND
    assert not ImportRun.objects.exists()


def test_a_broken_file_is_a_400_listing_every_problem_and_its_run(world, client_as):
    bad = question("bad-1", "true_false", topics=["commands"], difficulty=7)
    worse = question("bad-2", "true_false", topics=["nowhere"], source="s" * 5000)
    response = upload(client_as("instructor"), kmod_file(bad, worse), format="native")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "invalid_file" and error["problem_count"] == 2
    paths = {p["path"]: (p["line"], p["column"]) for p in error["problems"]}
    assert set(paths) == {"questions[0].difficulty", "questions[1].source"}
    assert all(line and column for line, column in paths.values())
    run = client_as("instructor").get(error["run"]).json()
    assert run["status"] == "failed" and run["error_count"] == 2 and run["errors"]
    assert Question.objects.filter(bank=world.bank).count() == 3


def test_the_format_is_guessed_or_refused_in_words(world, client_as):
    unknown = SimpleUploadedFile("notes.bin", b"\x00\x01 nothing known")
    error = upload(client_as("instructor"), unknown).json()["error"]
    assert error["code"] == "invalid_file" and "cannot tell the file's format" in error[
        "message"
    ] + str(error["problems"])
    bad_choice = upload(client_as("instructor"), kmod_file(), format="docx")
    assert bad_choice.status_code == HTTPStatus.BAD_REQUEST
    assert "format" in bad_choice.json()["error"]["fields"]


def test_a_file_over_the_limit_is_a_json_413(world, client_as, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_MAX_BYTES": 200}
    response = upload(client_as("instructor"), kmod_file())
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and "more than the 200 bytes" in error["message"]
    huge = SimpleUploadedFile("kmod.json", b" " * (200 + 70 * 1024))
    response = upload(client_as("instructor"), huge)  # refused before the body is read
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not ImportRun.objects.exists()


def test_a_large_import_answers_202_with_its_url_and_runs_in_the_worker(world, client_as, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 1}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    many = [question(f"api-{i}", "true_false", topics=["commands"]) for i in range(3)]
    client = client_as("instructor")
    response = upload(client, kmod_file(*many))
    assert response.status_code == HTTPStatus.ACCEPTED
    run = response.json()
    assert response["Location"] == run["url"] and run["status"] == "queued"
    run_worker()
    done = client.get(run["url"]).json()
    assert (done["status"], done["progress"], done["counts"]["created"]) == ("applied", 100, 3)


def test_the_imports_list_costs_the_same_queries_however_many_runs(world, client_as):
    client = client_as("instructor")
    upload(client, kmod_file(), dry_run="true")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()["results"]) == 1
    for _ in range(4):
        upload(client, kmod_file(), dry_run="true")
    with CaptureQueriesContext(connection) as five:
        results = client.get(URL).json()["results"]
    assert len(five.captured_queries) == len(one.captured_queries)
    assert [r["status"] for r in results] == ["preview"] + ["discarded"] * 4
    assert "diff" not in results[0]


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("native", "application/json"),
        ("gift", "text/plain"),
        ("csv", "text/csv"),
        ("moodle_xml", "application/xml"),
        ("aiken", "text/plain"),
        ("apkg", "application/"),
    ],
)
def test_an_instructor_downloads_the_bank_in_every_format(world, client_as, fmt, content_type):
    response = client_as("instructor").get(
        f"/api/v1/banks/kmod/exports/{fmt}", HTTP_ACCEPT="application/zip"
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert int(response["X-Export-Skipped"]) >= 0 and response.content


def test_a_native_export_re_imports_as_unchanged(world, client_as):
    client = client_as("instructor")
    content = client.get("/api/v1/banks/kmod/exports/native").content
    assert native.parse(content).slug == "kmod"
    response = upload(client, SimpleUploadedFile("kmod.json", content), dry_run="true")
    counts = response.json()["counts"]
    assert counts["created"] == counts["retired"] == 0


def test_an_unknown_export_format_is_a_404_and_learners_get_a_403(world, client_as):
    assert client_as("instructor").get("/api/v1/banks/kmod/exports/docx").status_code == 404
    assert client_as("learner").get("/api/v1/banks/kmod/exports/native").status_code == 403


HOSTILE = {
    "nested 100,000 deep": "[" * 100_000,
    "duplicate keys": '{"format": "kmodquiz-bank", "format": "kmodquiz-bank"}',
    "a NUL": json.dumps(bank_doc([question("n", "flashcard", prompt="a\x00b")])),
    "a 5,000-character source": json.dumps(
        bank_doc([question("s", "flashcard", source="s" * 5000)])
    ),
    "a 3 MB value": json.dumps(bank_doc([question("v", "flashcard", difficulty="x" * 3_000_000)])),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_files_are_a_400_with_their_problems_never_a_500(world, client_as, text):
    file = SimpleUploadedFile("kmod.json", text.encode())
    response = upload(client_as("instructor"), file, format="native")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "invalid_file"
    assert len(response.content) < 5000  # no huge value repeated
    run = ImportRun.objects.get()
    assert run.status == "failed" and len(json.dumps(run.errors)) < 2000
    assert Question.objects.filter(bank=world.bank).count() == 3

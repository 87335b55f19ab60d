"""Instructor pages for files: upload any format, preview the diff or every problem, confirm;
follow a background import; export in every format. Only the bank's instructors."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.exporters.native import bank_export
from quizzes.importers import native
from quizzes.models import Bank, ImportRun, Question
from quizzes.services.imports.runs import NO_BANK, WRONG_BANK
from tests.factories import UserFactory
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

GIFT = b"::gift-1:: Which tool loads a module with its dependencies? {=modprobe ~insmod ~rmmod}\n"


def url(name: str, slug: str = "kmods", **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": slug, **kwargs})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(content: str | bytes, name: str = "bank.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def reimported(world) -> dict:
    """The bank as a native document, imported once so every question has its digest."""
    document = bank_export(world.bank)
    services.bank_import(parsed=native.parse(json.dumps(document)), user=None, now=timezone.now())
    return document


def test_an_upload_is_previewed_with_its_diff_then_applied_on_confirm(world, instructor_client):
    document = reimported(world)
    document["questions"][0]["prompt"] = "Changed prompt"
    document["questions"].pop()  # this one will be retired
    document["questions"].append({**document["questions"][1], "id": "brand-new"})
    response = instructor_client.post(
        url("teach-import"), {"file": upload(json.dumps(document, indent=1))}
    )
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("teach-import-run", kwargs={"pk": run.pk})
    page = instructor_client.get(response["Location"]).content.decode()
    for label in ("Created", "Updated", "Retired"):
        assert re.search(rf"<dt>{label}</dt><dd[^>]*>1</dd>", page)
    assert "<code>brand-new</code>" in page
    changed = document["questions"][0]["id"]
    assert f"<code>{changed}</code>" in page and "<pre>Changed prompt</pre>" in page
    assert not Question.objects.filter(external_id="brand-new").exists()  # a preview only
    file_hash = re.search(r'name="file_hash" value="(\w+)"', page).group(1)
    confirm = reverse("teach-import-confirm", kwargs={"pk": run.pk})
    response = instructor_client.post(confirm, {"file_hash": file_hash})
    assert response["Location"] == url("teach-bank")
    assert Question.objects.filter(bank=world.bank, external_id="brand-new").exists()
    assert Question.objects.get(bank=world.bank, external_id=changed).prompt == "Changed prompt"
    again = instructor_client.post(confirm, {"file_hash": file_hash}, follow=True)
    assert "only a preview can be confirmed" in again.content.decode()


def test_a_confirmation_with_another_files_hash_is_refused(world, instructor_client):
    instructor_client.post(url("teach-import"), {"file": upload(json.dumps(reimported(world)))})
    run = ImportRun.objects.latest("pk")
    confirm = reverse("teach-import-confirm", kwargs={"pk": run.pk})
    page = instructor_client.post(confirm, {"file_hash": "0" * 64}, follow=True).content.decode()
    assert "not the file that was previewed" in page
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW


def test_every_problem_is_listed_with_its_line_and_column_and_nothing_changes(
    world, instructor_client
):
    document = bank_export(world.bank)
    document["questions"][2]["spec"] = {**document["questions"][2]["spec"], "correct": ["q"]}
    document["questions"][4]["topics"] = ["nowhere"]
    text = json.dumps(document, indent=1)
    response = instructor_client.post(url("teach-import"), {"file": upload(text, "broken.json")})
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "broken.json cannot be imported: 2 problems" in page
    line = text[: text.index('"nowhere"')].count("\n") + 1
    column = text.index('"nowhere"') - text.rfind("\n", 0, text.index('"nowhere"'))
    assert f'<td class="num">{line}</td><td class="num">{column}</td>' in page
    assert "unknown topic &#x27;nowhere&#x27;" in page
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert "file_hash" not in page


def test_a_file_for_another_bank_is_refused_on_this_banks_page(world, instructor_client):
    document = bank_export(world.bank)
    document["bank"]["slug"] = "other"
    response = instructor_client.post(url("teach-import"), {"file": upload(json.dumps(document))})
    assert WRONG_BANK.format(found="other", expected="kmods") in response.content.decode()


def test_a_gift_file_is_imported_into_the_bank(world, instructor_client):
    response = instructor_client.post(
        url("teach-import"), {"file": upload(GIFT, "moodle.gift"), "format": ""}
    )
    run = ImportRun.objects.latest("pk")
    assert run.format == "gift" and run.status == ImportRun.Status.PREVIEW, run.errors
    instructor_client.post(
        reverse("teach-import-confirm", kwargs={"pk": run.pk}), {"file_hash": run.file_hash}
    )
    assert Question.objects.filter(bank=world.bank, external_id="gift-1").exists()
    assert response.status_code == HTTPStatus.FOUND


def test_a_new_bank_needs_the_permission_and_a_slug_when_the_file_has_none(world):
    creator = UserFactory(username="creator")
    assert client_for(creator).get(reverse("teach-import-new")).status_code == 404
    creator.user_permissions.add(Permission.objects.get(codename="add_bank"))
    client = client_for(creator)
    page = client.post(reverse("teach-import-new"), {"file": upload(GIFT, "q.gift")})
    assert NO_BANK in page.content.decode()
    response = client.post(
        reverse("teach-import-new"),
        {"file": upload(GIFT, "q.gift"), "slug": "fresh", "title": "Fresh bank"},
    )
    run = ImportRun.objects.filter(status="preview").get()
    page = client.get(response["Location"]).content.decode()  # the creator sees their run
    assert "Preview of q.gift" in page
    client.post(
        reverse("teach-import-confirm", kwargs={"pk": run.pk}), {"file_hash": run.file_hash}
    )
    bank = Bank.objects.get(slug="fresh")
    assert (bank.owner, bank.title) == (creator, "Fresh bank")
    document = bank_export(world.bank)
    document["bank"]["slug"] = "other"  # someone else's bank
    response = client.post(reverse("teach-import-new"), {"file": upload(json.dumps(document))})
    assert "you are not one of its instructors" in response.content.decode()


def test_an_upload_over_the_limit_gets_a_message_not_an_error(world, instructor_client, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_MAX_BYTES": 1000}
    response = instructor_client.post(url("teach-import"), {"file": upload(b" " * 5000)})
    assert response.status_code == HTTPStatus.OK
    assert "more than the 1000 bytes an import accepts" in response.content.decode()
    response = instructor_client.post(url("teach-import"), {"file": upload(b" " * 80_000)})
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "more than the 1000 bytes an import accepts" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_large_import_shows_its_progress_until_the_worker_is_done(
    world, instructor_client, settings
):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_TASK_THRESHOLD": 2}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = instructor_client.post(
        url("teach-import"), {"file": upload(json.dumps(reimported(world)))}
    )
    run = ImportRun.objects.latest("pk")
    page = instructor_client.get(response["Location"]).content.decode()
    assert run.status == ImportRun.Status.QUEUED and "<progress" in page
    status_url = reverse("teach-import-status", kwargs={"pk": run.pk})
    assert f'data-status-url="{status_url}"' in page and "quizzes/imports.js" in page
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>
    assert re.search(r"<script>(?!document\.documentElement)", page) is None
    assert " onclick=" not in page and " onload=" not in page
    status = instructor_client.get(status_url).json()
    assert status == {
        "status": "queued",
        "stage": "waiting",
        "stage_label": "Waiting for a worker",
        "progress": 0,
        "finished": False,
    }
    run_worker()
    assert instructor_client.get(status_url).json()["finished"] is True
    page = instructor_client.get(response["Location"]).content.decode()
    assert "Confirm import" in page and "<progress" not in page


def test_imports_are_seen_only_by_the_banks_instructors(
    world, instructor_client, member_instructor
):
    instructor_client.post(url("teach-import"), {"file": upload(json.dumps(reimported(world)))})
    run = ImportRun.objects.latest("pk")
    page = reverse("teach-import-run", kwargs={"pk": run.pk})
    assert client_for(member_instructor).get(page).status_code == HTTPStatus.OK
    for outsider in (world.learner, world.other_instructor):
        client = client_for(outsider)
        assert client.get(page).status_code == HTTPStatus.NOT_FOUND
        confirm = reverse("teach-import-confirm", kwargs={"pk": run.pk})
        assert client.post(confirm, {"file_hash": run.file_hash}).status_code == 404
    history = instructor_client.get(url("teach-imports")).content.decode()
    assert "bank.json" in history and "Preview only" in history


def test_the_export_page_offers_every_format_and_tells_what_one_leaves_out(
    world, instructor_client
):
    page = instructor_client.get(url("teach-export")).content.decode()
    for fmt in ("native", "gift", "aiken", "csv", "moodle_xml", "apkg"):
        assert url("teach-export-file", fmt=fmt) in page
    checked = instructor_client.get(url("teach-export"), {"check": "aiken"}).content.decode()
    assert "Left out" in checked and "q-flashcard" in checked


def test_a_native_download_re_imports_as_unchanged(world, instructor_client):
    response = instructor_client.get(url("teach-export-file", fmt="native"))
    assert response["Content-Disposition"].startswith('attachment; filename="kmods')
    document = json.loads(response.content)
    assert {q["id"] for q in document["questions"]} == {f"q-{k}" for k in world.questions}
    assert instructor_client.get(url("teach-export-file", fmt="docx")).status_code == 404
    assert client_for(world.learner).get(url("teach-export-file", fmt="native")).status_code == 404


FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("kernel.apkg", "apkg"),
        ("kernel.colpkg", "apkg"),
        ("kernel.gift.txt", "gift"),
        ("kernel.aiken.txt", "aiken"),
        ("kernel.moodle.xml", "moodle_xml"),
        ("excel.csv", "csv"),
    ],
)
def test_every_format_is_previewed_and_applied_from_the_page(world, instructor_client, name, fmt):
    response = instructor_client.post(
        url("teach-import"),
        {"file": upload((FIXTURES / name).read_bytes(), name), "skip_unsupported": "on"},
    )
    run = ImportRun.objects.latest("pk")
    assert run.format == fmt and run.status == ImportRun.Status.PREVIEW, run.errors
    assert bool(run.task_id) == (fmt == "apkg")  # an Anki package always goes to a task
    page = instructor_client.get(response["Location"]).content.decode()
    assert "Confirm import" in page and f'<dd class="ok-text">{run.created}</dd>' in page
    instructor_client.post(
        reverse("teach-import-confirm", kwargs={"pk": run.pk}), {"file_hash": run.file_hash}
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED and run.created > 0
    assert Question.objects.filter(bank=world.bank, retired_at__isnull=True).count() == run.created


def test_a_huge_value_is_never_repeated_on_the_page(world, instructor_client):
    document = bank_export(world.bank)
    document["questions"][0]["source"] = "s" * 3_000_000
    response = instructor_client.post(url("teach-import"), {"file": upload(json.dumps(document))})
    page = response.content.decode()
    assert "is 3,000,000 characters long; at most 300" in page
    assert "s" * 200 not in page and len(page) < 30_000

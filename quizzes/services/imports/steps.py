"""The steps of an import run: checking the target, planning and writing, recording the outcome,
keeping the file, queueing the task. The flows that use them are in runs.py."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from quizzes import importers
from quizzes.importers.base import ImportProblem, ParsedBank
from quizzes.models import Bank, ImportFile, ImportRun
from quizzes.services.banks import user_is_bank_instructor
from quizzes.services.imports.apply import plan_apply
from quizzes.services.imports.checks import parsed_bank_problems
from quizzes.services.imports.plan import ImportPlan, import_plan
from quizzes.services.imports.stored import parsed_dumps, parsed_loads

Status = ImportRun.Status
Stage = ImportRun.Stage

NATIVE = "native"
# Formats whose import always runs as a background task (unpacking an archive is slow).
BACKGROUND_FORMATS = frozenset({"apkg"})
ERRORS_KEPT = 200  # problems stored on a run (error_count holds the real number)
MESSAGE_KEPT = 500  # characters of one stored message
PREVIEW_KEPT = timedelta(days=1)  # an unconfirmed preview's file is dropped after this
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")

FILE_TOO_LARGE = "The file is {size} — more than the {limit} an import accepts."
NO_BANK = "This file does not name its bank: choose the bank to import into."
WRONG_BANK = "This file is for the bank “{found}”, not “{expected}”."
NOT_YOUR_BANK = "A bank with the slug “{slug}” exists and you are not one of its instructors."
CANNOT_CREATE = "You may not create banks: ask an administrator, or import into a bank you teach."
BAD_SLUG = "“{slug}” cannot be a bank's slug: lower-case letters, digits and hyphens, at most 80."
NOT_A_PREVIEW = "This import is {status}: only a preview can be confirmed."
FILE_CHANGED = "This is not the file that was previewed: preview it again."
FILE_GONE = "The file of this import is no longer kept: upload it again."
BANK_CHANGED = "The bank has changed since the preview: preview the file again."
INTERNAL_ERROR = "The import stopped on an unexpected error; nothing was changed."


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Refused(Exception):
    """Raised inside the writing transaction to roll it back and record why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def forbidden(user: AbstractBaseUser | None, slug: str) -> str | None:
    bank = Bank.objects.filter(slug=slug).first()
    if bank is not None:
        if user is None or user_is_bank_instructor(user=user, bank=bank):
            return None
        return NOT_YOUR_BANK.format(slug=slug)
    if not _SLUG_RE.fullmatch(slug):
        return BAD_SLUG.format(slug=slug[:80])
    if user is None or user.has_perm("quizzes.add_bank"):
        return None
    return CANNOT_CREATE


def parse(run: ImportRun, data: bytes) -> ParsedBank:
    return importers.parse(
        data,
        format=run.format,
        filename=run.filename,
        skip_unsupported=run.skip_unsupported,
    )


def target(run: ImportRun, parsed: ParsedBank, user: Any) -> tuple[str, list[ImportProblem]]:
    """The slug of the bank to import into, or the problems that forbid it."""
    native = run.format == NATIVE
    slug = run.bank_slug or (parsed.slug if native else "")
    if not slug:
        return "", [ImportProblem(NO_BANK, path="bank")]
    if native and run.bank_slug and parsed.slug != run.bank_slug:
        found = parsed.slug[:80]
        return slug, [
            ImportProblem(WRONG_BANK.format(found=found, expected=slug), path="bank.slug")
        ]
    why = forbidden(user, slug)
    return slug, [ImportProblem(why, path="bank")] if why else []


def check(run: ImportRun, parsed: ParsedBank) -> tuple[str, list[ImportProblem]]:
    """The target bank's slug, and every reason the parsed file cannot be imported there."""
    slug, problems = target(run, parsed, run.user)
    if not problems:
        problems = parsed_bank_problems(parsed, check_specs=run.format != NATIVE)
    return slug, problems


def run_parsed(
    run: ImportRun,
    parsed: ParsedBank,
    data: bytes | None,
    *,
    now: datetime,
    expect: str | None = None,
) -> tuple[ImportRun, ImportPlan | None]:
    """Check, plan, and preview or apply a parsed file for `run`."""
    slug, problems = check(run, parsed)
    if problems:
        return fail(run, problems, now), None
    return write(run, parsed, data, slug=slug, now=now, expect=expect)


def write(
    run: ImportRun,
    parsed: ParsedBank,
    data: bytes | None,
    *,
    slug: str,
    now: datetime,
    expect: str | None = None,
) -> tuple[ImportRun, ImportPlan | None]:
    """Preview (a dry run) or apply a checked file; the run records the outcome."""
    user = run.user
    run.bank_slug = slug
    run.question_count = len(parsed.questions)
    run.notices = [problem_json(n) for n in getattr(parsed, "notices", [])][:ERRORS_KEPT]
    run.notices += [
        {"line": u.line, "message": str(u)} for u in getattr(parsed, "unsupported", [])
    ][: ERRORS_KEPT - len(run.notices)]
    fields_from_file = run.format == NATIVE
    if run.dry_run:
        plan = import_plan(
            slug=slug,
            parsed=parsed,
            bank_fields_from_file=fields_from_file,
            retire_missing=run.retire_missing,
        )
        finish(run, plan, Status.PREVIEW, plan.bank, 0, now)
        if data is not None:
            store(run, data, parsed)
            discard_older_previews(run, now)
        return run, plan
    if run.pk:
        run.stage = Stage.WRITING
        run.progress = 70
        run.save(update_fields=["stage", "progress"])
    previewed = run.plan_digest
    try:
        with transaction.atomic():
            if expect is not None:
                locked = ImportRun.objects.select_for_update().get(pk=run.pk)
                if locked.status != expect:
                    raise Refused(NOT_A_PREVIEW.format(status=locked.get_status_display().lower()))
            plan = import_plan(
                slug=slug,
                parsed=parsed,
                bank_fields_from_file=fields_from_file,
                retire_missing=run.retire_missing,
            )
            if previewed and plan.digest != previewed:
                raise Refused(BANK_CHANGED)
            bank, cards_reset = plan_apply(
                plan=plan,
                user=user,
                now=now,
                reset_changed=run.reset_changed,
                new_title=run.bank_title,
            )
            stored = run.pk is not None  # only a saved run (queued, previewed) keeps its file
            finish(run, plan, Status.APPLIED, bank, cards_reset, now)
            if stored:
                ImportFile.objects.filter(run_id=run.pk).delete()
    except Refused as exc:
        return fail(run, [ImportProblem(exc.message)], now), None
    except IntegrityError:
        # Another import created the same bank, topic or question meanwhile: nothing was written.
        return fail(run, [ImportProblem(BANK_CHANGED)], now), None
    return run, plan


def finish(
    run: ImportRun,
    plan: ImportPlan,
    status: str,
    bank: Bank | None,
    cards_reset: int,
    now: datetime,
) -> None:
    run.status = status
    run.bank = bank
    run.stage = Stage.DONE
    run.progress = 100
    run.created, run.updated = len(plan.created), len(plan.updated)
    run.unchanged, run.retired = len(plan.unchanged), len(plan.retired)
    run.cards_reset = cards_reset
    run.diff = plan.to_json()
    run.plan_digest = plan.digest
    run.errors, run.error_count = [], 0
    run.finished_at = now
    run.save()


def problem_json(problem: Any) -> dict[str, Any]:
    data = problem.to_json() if hasattr(problem, "to_json") else {"message": str(problem)}
    message = str(data.get("message", ""))
    if len(message) > MESSAGE_KEPT:
        data["message"] = f"{message[:MESSAGE_KEPT]}… ({len(message):,} characters)"
    return data


def fail(run: ImportRun, problems: list[ImportProblem], now: datetime) -> ImportRun:
    """Record a rejected import: every problem counted, the first ERRORS_KEPT kept."""
    run.status = Status.FAILED
    run.stage = Stage.DONE
    run.errors = [problem_json(p) for p in problems[:ERRORS_KEPT]]
    run.error_count = len(problems)
    run.finished_at = now
    run.save()
    ImportFile.objects.filter(run_id=run.pk).delete()
    return run


def queue(run: ImportRun, data: bytes, parsed: ParsedBank | None = None) -> ImportRun:
    run.status = Status.QUEUED
    run.stage = Stage.WAITING
    run.progress = 0
    run.started_at = None
    run.save()
    store(run, data, parsed)
    return enqueue(run)


def store(run: ImportRun, data: bytes, parsed: ParsedBank | None) -> None:
    ImportFile.objects.update_or_create(
        run=run,
        defaults={"content": data, "parsed": parsed_dumps(parsed) if parsed else None},
    )


def enqueue(run: ImportRun) -> ImportRun:
    from quizzes.tasks import import_run_task  # the task module imports the services

    result = import_run_task.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()  # an immediate backend has run it already
    return run


def stored(run: ImportRun) -> tuple[bytes | None, ParsedBank | None]:
    """The run's file, and the file as parsed when it has been (None, None: not kept)."""
    row = ImportFile.objects.filter(run_id=run.pk).values_list("content", "parsed").first()
    if row is None:
        return None, None
    content, parsed = row
    return bytes(content), parsed_loads(bytes(parsed)) if parsed is not None else None


def discard_older_previews(run: ImportRun, now: datetime) -> None:
    """A new preview replaces the same user's earlier ones of the bank; old ones expire."""
    stale = ImportRun.objects.filter(status=Status.PREVIEW).exclude(pk=run.pk)
    mine = stale.filter(bank_slug=run.bank_slug, user=run.user)
    old = stale.filter(created_at__lt=now - PREVIEW_KEPT)
    ids = list(mine.values_list("pk", flat=True)) + list(old.values_list("pk", flat=True))
    if ids:
        ImportFile.objects.filter(run_id__in=ids).delete()
        ImportRun.objects.filter(pk__in=ids).update(status=Status.DISCARDED, finished_at=now)

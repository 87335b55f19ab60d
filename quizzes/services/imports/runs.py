"""Imports from upload to outcome, each recorded as an ImportRun.

`import_submit` takes a file from any front end (page, API, CLI). It parses it at once unless it
is an Anki package; a file with a problem fails with every problem listed and changes nothing. A
small file is then previewed (a dry run) or applied in the request; a large one (more than
IMPORT_TASK_THRESHOLD questions, or any Anki package) is queued as a background task and the run
shows its progress. `import_confirm` applies a preview: the same stored file (its hash checked)
and the same plan (its digest checked), so what is applied is exactly what was previewed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes import conf, importers
from quizzes.importers.base import ImportProblem, ParsedBank, ParseError
from quizzes.models import Bank, ImportFile, ImportRun
from quizzes.services.banks import user_is_bank_instructor
from quizzes.services.imports.apply import plan_apply
from quizzes.services.imports.checks import parsed_bank_problems
from quizzes.services.imports.plan import ImportPlan, import_plan
from quizzes.services.imports.stored import parsed_dumps, parsed_loads

logger = logging.getLogger(__name__)

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


class _Refused(Exception):
    """Raised inside the writing transaction to roll it back and record why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do), question by question."""

    bank: Bank | None
    run: ImportRun
    plan: ImportPlan | None = None
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "retired": len(self.retired),
        }


# --- entry points -------------------------------------------------------------------------------


def import_submit(
    *,
    user: AbstractBaseUser | None,
    data: bytes,
    filename: str,
    now: datetime,
    fmt: str = "",
    slug: str = "",
    title: str = "",
    dry_run: bool = False,
    skip_unsupported: bool = False,
    reset_changed: bool = False,
    retire_missing: bool = True,
    background: bool | None = None,
) -> ImportRun:
    """Import a file into the bank `slug` (or the one the file names); return its run.

    `fmt` "" guesses the format from the name and the first bytes. `background` None decides by
    size; False runs everything now (the CLI); True always queues.
    """
    run = ImportRun(
        user=user if user is not None and user.pk else None,
        format=fmt[:20],
        filename=filename[:255],
        file_hash=file_hash(data),
        file_size=len(data),
        status=Status.RUNNING,
        stage=Stage.PARSING,
        started_at=now,
        dry_run=dry_run,
        skip_unsupported=skip_unsupported,
        reset_changed=reset_changed,
        retire_missing=retire_missing,
        bank_slug=slug[:80],
        bank_title=title[:200],
        bank=Bank.objects.filter(slug=slug).first() if slug else None,
    )
    limit = conf.get("IMPORT_MAX_BYTES")
    if len(data) > limit:
        message = FILE_TOO_LARGE.format(size=human_size(len(data)), limit=human_size(limit))
        return _fail(run, [ImportProblem(message)], now)
    if not fmt:
        try:
            run.format = importers.detect_format(filename, data[:4096])
        except ParseError as exc:
            return _fail(run, exc.problems, now)
    if slug and (why := _forbidden(user, slug)):
        return _fail(run, [ImportProblem(why, path="bank")], now)
    if background is not False and (background or run.format in BACKGROUND_FORMATS):
        return _queue(run, data)
    try:
        parsed = _parse(run, data)
    except ParseError as exc:
        return _fail(run, exc.problems, now)
    run.question_count = len(parsed.questions)
    if background is None and run.question_count > conf.get("IMPORT_TASK_THRESHOLD"):
        return _queue(run, data, parsed)
    return _run_parsed(run, parsed, data, now=now)[0]


def import_confirm(
    *, run: ImportRun, user: AbstractBaseUser | None, now: datetime, expected_hash: str = ""
) -> ImportRun:
    """Apply a previewed import: the same file, and only if the bank is as it was previewed."""
    if run.status != Status.PREVIEW:
        raise ValidationError(
            NOT_A_PREVIEW.format(status=run.get_status_display().lower()), code="conflict"
        )
    if expected_hash and expected_hash != run.file_hash:
        raise ValidationError(FILE_CHANGED, code="conflict")
    if user is not None and (why := _forbidden(user, run.bank_slug)):
        raise ValidationError(why, code="forbidden")
    data, parsed = _stored(run)
    if data is None:
        raise ValidationError(FILE_GONE, code="conflict")
    if file_hash(data) != run.file_hash:
        raise ValidationError(FILE_CHANGED, code="conflict")
    run.dry_run = False
    run.started_at = now
    run.applied_by = user if user is not None and user.pk else None
    if run.format in BACKGROUND_FORMATS or run.question_count > conf.get("IMPORT_TASK_THRESHOLD"):
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status != Status.PREVIEW:
                raise ValidationError(
                    NOT_A_PREVIEW.format(status=locked.get_status_display().lower()),
                    code="conflict",
                )
            run.status = Status.QUEUED
            run.stage = Stage.WAITING
            run.progress = 0
            run.save()
        return _enqueue(run)
    if parsed is None:
        try:
            parsed = _parse(run, data)
        except ParseError as exc:
            return _fail(run, exc.problems, now)
    return _run_parsed(run, parsed, data, now=now, expect=Status.PREVIEW)[0]


def import_run_execute(*, run_id: int, now: datetime) -> str:
    """The background task's body: run a queued import. Idempotent: a run that is already
    finished is left alone, and the writes are one transaction, so a retry is safe."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in (Status.QUEUED, Status.RUNNING):
            return run.status if run else "missing"
        run.status = Status.RUNNING
        run.stage = Stage.PARSING
        run.progress = 10
        run.started_at = run.started_at or now
        run.save(update_fields=["status", "stage", "progress", "started_at"])
    try:
        data, parsed = _stored(run)
        if data is None:
            return _fail(run, [ImportProblem(FILE_GONE)], now).status
        if parsed is None:
            try:
                parsed = _parse(run, data)
            except ParseError as exc:
                return _fail(run, exc.problems, now).status
        run.question_count = len(parsed.questions)
        run.stage = Stage.COMPARING
        run.progress = 40
        run.save(update_fields=["question_count", "stage", "progress"])
        return _run_parsed(run, parsed, data, now=now, expect=Status.RUNNING)[0].status
    except Exception:
        logger.exception("import run %s failed", run_id)
        _fail(run, [ImportProblem(INTERNAL_ERROR)], now)
        raise


def bank_import(
    *,
    parsed: ParsedBank,
    user: AbstractBaseUser | None,
    now: datetime,
    fmt: str = NATIVE,
    filename: str = "",
    slug: str = "",
    dry_run: bool = False,
    retire_missing: bool = True,
    reset_changed: bool = False,
) -> ImportSummary:
    """Import an already parsed bank now, all or nothing (tests, demo data, benchmarks).

    Raises ParseError when the bank cannot be stored as it is, ValidationError when `user`
    may not import into it.
    """
    run = ImportRun(
        user=user if user is not None and user.pk else None,
        format=fmt,
        filename=filename[:255],
        status=Status.RUNNING,
        started_at=now,
        dry_run=dry_run,
        reset_changed=reset_changed,
        retire_missing=retire_missing,
        bank_slug=slug,
    )
    slug, problems = _check(run, parsed)
    if problems:
        if any(p.path == "bank" for p in problems):
            raise ValidationError(problems[0].message, code="forbidden")
        raise ParseError(problems)
    run, plan = _write(run, parsed, None, slug=slug, now=now)
    if plan is None:
        raise ParseError([ImportProblem(e["message"]) for e in run.errors])
    assert plan is not None
    return ImportSummary(
        bank=run.bank,
        run=run,
        plan=plan,
        dry_run=dry_run,
        created=[q.external_id for q in plan.created],
        updated=[u.parsed.external_id for u in plan.updated],
        unchanged=list(plan.unchanged),
        retired=[q.external_id for q in plan.retired],
    )


def import_forbidden(*, user: AbstractBaseUser | None, slug: str) -> str | None:
    """Why `user` may not import into the bank `slug` (None when they may; None is the CLI)."""
    return _forbidden(user, slug)


# --- steps --------------------------------------------------------------------------------------


def _forbidden(user: AbstractBaseUser | None, slug: str) -> str | None:
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


def _parse(run: ImportRun, data: bytes) -> ParsedBank:
    return importers.parse(
        data,
        format=run.format,
        filename=run.filename,
        skip_unsupported=run.skip_unsupported,
    )


def _target(run: ImportRun, parsed: ParsedBank, user: Any) -> tuple[str, list[ImportProblem]]:
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
    why = _forbidden(user, slug)
    return slug, [ImportProblem(why, path="bank")] if why else []


def _check(run: ImportRun, parsed: ParsedBank) -> tuple[str, list[ImportProblem]]:
    """The target bank's slug, and every reason the parsed file cannot be imported there."""
    slug, problems = _target(run, parsed, run.user)
    if not problems:
        problems = parsed_bank_problems(parsed, check_specs=run.format != NATIVE)
    return slug, problems


def _run_parsed(
    run: ImportRun,
    parsed: ParsedBank,
    data: bytes | None,
    *,
    now: datetime,
    expect: str | None = None,
) -> tuple[ImportRun, ImportPlan | None]:
    """Check, plan, and preview or apply a parsed file for `run`."""
    slug, problems = _check(run, parsed)
    if problems:
        return _fail(run, problems, now), None
    return _write(run, parsed, data, slug=slug, now=now, expect=expect)


def _write(
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
    run.notices = [_problem_json(n) for n in getattr(parsed, "notices", [])][:ERRORS_KEPT]
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
        _finish(run, plan, Status.PREVIEW, plan.bank, 0, now)
        if data is not None:
            _store(run, data, parsed)
            _discard_older_previews(run, now)
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
                    raise _Refused(NOT_A_PREVIEW.format(status=locked.get_status_display().lower()))
            plan = import_plan(
                slug=slug,
                parsed=parsed,
                bank_fields_from_file=fields_from_file,
                retire_missing=run.retire_missing,
            )
            if previewed and plan.digest != previewed:
                raise _Refused(BANK_CHANGED)
            bank, cards_reset = plan_apply(
                plan=plan,
                user=user,
                now=now,
                reset_changed=run.reset_changed,
                new_title=run.bank_title,
            )
            stored = run.pk is not None  # only a saved run (queued, previewed) keeps its file
            _finish(run, plan, Status.APPLIED, bank, cards_reset, now)
            if stored:
                ImportFile.objects.filter(run_id=run.pk).delete()
    except _Refused as exc:
        return _fail(run, [ImportProblem(exc.message)], now), None
    except IntegrityError:
        # Another import created the same bank, topic or question meanwhile: nothing was written.
        return _fail(run, [ImportProblem(BANK_CHANGED)], now), None
    return run, plan


def _finish(
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


def _problem_json(problem: Any) -> dict[str, Any]:
    data = problem.to_json() if hasattr(problem, "to_json") else {"message": str(problem)}
    message = str(data.get("message", ""))
    if len(message) > MESSAGE_KEPT:
        data["message"] = f"{message[:MESSAGE_KEPT]}… ({len(message):,} characters)"
    return data


def _fail(run: ImportRun, problems: list[ImportProblem], now: datetime) -> ImportRun:
    """Record a rejected import: every problem counted, the first ERRORS_KEPT kept."""
    run.status = Status.FAILED
    run.stage = Stage.DONE
    run.errors = [_problem_json(p) for p in problems[:ERRORS_KEPT]]
    run.error_count = len(problems)
    run.finished_at = now
    run.save()
    ImportFile.objects.filter(run_id=run.pk).delete()
    return run


def _queue(run: ImportRun, data: bytes, parsed: ParsedBank | None = None) -> ImportRun:
    run.status = Status.QUEUED
    run.stage = Stage.WAITING
    run.progress = 0
    run.started_at = None
    run.save()
    _store(run, data, parsed)
    return _enqueue(run)


def _store(run: ImportRun, data: bytes, parsed: ParsedBank | None) -> None:
    ImportFile.objects.update_or_create(
        run=run,
        defaults={"content": data, "parsed": parsed_dumps(parsed) if parsed else None},
    )


def _enqueue(run: ImportRun) -> ImportRun:
    from quizzes.tasks import import_run_task  # the task module imports the services

    result = import_run_task.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()  # an immediate backend has run it already
    return run


def _stored(run: ImportRun) -> tuple[bytes | None, ParsedBank | None]:
    """The run's file, and the file as parsed when it has been (None, None: not kept)."""
    row = ImportFile.objects.filter(run_id=run.pk).values_list("content", "parsed").first()
    if row is None:
        return None, None
    content, parsed = row
    return bytes(content), parsed_loads(bytes(parsed)) if parsed is not None else None


def _discard_older_previews(run: ImportRun, now: datetime) -> None:
    """A new preview replaces the same user's earlier ones of the bank; old ones expire."""
    stale = ImportRun.objects.filter(status=Status.PREVIEW).exclude(pk=run.pk)
    mine = stale.filter(bank_slug=run.bank_slug, user=run.user)
    old = stale.filter(created_at__lt=now - PREVIEW_KEPT)
    ids = list(mine.values_list("pk", flat=True)) + list(old.values_list("pk", flat=True))
    if ids:
        ImportFile.objects.filter(run_id__in=ids).delete()
        ImportRun.objects.filter(pk__in=ids).update(status=Status.DISCARDED, finished_at=now)

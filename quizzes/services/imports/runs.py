"""Imports from upload to outcome, each recorded as an ImportRun.

`import_submit` takes a file from any front end (page, API, CLI). It parses it at once unless it
is an Anki package; a file with a problem fails with every problem listed and changes nothing. A
small file is then previewed (a dry run) or applied in the request; a large one (more than
IMPORT_TASK_THRESHOLD questions, or any Anki package) is queued as a background task and the run
shows its progress. `import_confirm` applies a preview: the same stored file (its hash checked)
and the same plan (its digest checked), so what is applied is exactly what was previewed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from quizzes import conf, importers
from quizzes.importers.base import ImportProblem, ParsedBank, ParseError
from quizzes.models import Bank, ImportRun
from quizzes.services.imports import steps
from quizzes.services.imports.plan import ImportPlan
from quizzes.services.imports.steps import (  # the messages, for the front ends and tests
    BACKGROUND_FORMATS,
    BANK_CHANGED,
    CANNOT_CREATE,
    ERRORS_KEPT,
    FILE_CHANGED,
    FILE_GONE,
    FILE_TOO_LARGE,
    INTERNAL_ERROR,
    NATIVE,
    NO_BANK,
    NOT_A_PREVIEW,
    NOT_YOUR_BANK,
    WRONG_BANK,
    Stage,
    Status,
    file_hash,
    human_size,
)

logger = logging.getLogger(__name__)

__all__ = [
    "BANK_CHANGED",
    "CANNOT_CREATE",
    "ERRORS_KEPT",
    "FILE_CHANGED",
    "FILE_GONE",
    "FILE_TOO_LARGE",
    "INTERNAL_ERROR",
    "NOT_YOUR_BANK",
    "NO_BANK",
    "WRONG_BANK",
    "ImportSummary",
    "bank_import",
    "file_hash",
    "human_size",
    "import_confirm",
    "import_forbidden",
    "import_run_execute",
    "import_submit",
]


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
        return steps.fail(run, [ImportProblem(message)], now)
    if not fmt:
        try:
            run.format = importers.detect_format(filename, data[:4096])
        except ParseError as exc:
            return steps.fail(run, exc.problems, now)
    if slug and (why := steps.forbidden(user, slug)):
        return steps.fail(run, [ImportProblem(why, path="bank")], now)
    if background is not False and (background or run.format in BACKGROUND_FORMATS):
        return steps.queue(run, data)
    try:
        parsed = steps.parse(run, data)
    except ParseError as exc:
        return steps.fail(run, exc.problems, now)
    run.question_count = len(parsed.questions)
    if background is None and run.question_count > conf.get("IMPORT_TASK_THRESHOLD"):
        return steps.queue(run, data, parsed)
    return steps.run_parsed(run, parsed, data, now=now)[0]


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
    if user is not None and (why := steps.forbidden(user, run.bank_slug)):
        raise ValidationError(why, code="forbidden")
    data, parsed = steps.stored(run)
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
        return steps.enqueue(run)
    if parsed is None:
        try:
            parsed = steps.parse(run, data)
        except ParseError as exc:
            return steps.fail(run, exc.problems, now)
    return steps.run_parsed(run, parsed, data, now=now, expect=Status.PREVIEW)[0]


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
        data, parsed = steps.stored(run)
        if data is None:
            return steps.fail(run, [ImportProblem(FILE_GONE)], now).status
        if parsed is None:
            try:
                parsed = steps.parse(run, data)
            except ParseError as exc:
                return steps.fail(run, exc.problems, now).status
        run.question_count = len(parsed.questions)
        run.stage = Stage.COMPARING
        run.progress = 40
        run.save(update_fields=["question_count", "stage", "progress"])
        return steps.run_parsed(run, parsed, data, now=now, expect=Status.RUNNING)[0].status
    except Exception:
        logger.exception("import run %s failed", run_id)
        steps.fail(run, [ImportProblem(INTERNAL_ERROR)], now)
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
    slug, problems = steps.check(run, parsed)
    if problems:
        if any(p.path == "bank" for p in problems):
            raise ValidationError(problems[0].message, code="forbidden")
        raise ParseError(problems)
    run, plan = steps.write(run, parsed, None, slug=slug, now=now)
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
    return steps.forbidden(user, slug)

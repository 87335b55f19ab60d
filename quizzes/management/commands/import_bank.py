"""Import a question file of any format into a bank: `manage.py import_bank FILE --bank SLUG`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quizzes import conf, importers
from quizzes.models import ImportRun
from quizzes.services import imports
from quizzes.services.imports.runs import FILE_TOO_LARGE, human_size

SHOWN = 200  # problems printed; the run keeps its own count


class Command(BaseCommand):
    help = (
        "Create or update a bank from a question file (kmodquiz JSON, GIFT, Aiken, Moodle XML, "
        "CSV or an Anki package). Questions are matched by id and updated in place, so "
        "learners keep their progress; questions missing from the file are retired. A file "
        "with any problem changes nothing, and every problem is listed with its line."
    )
    # The format comes from the file (native JSON names its bank), not from --bank.
    bank_from_file = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        if not self.bank_from_file:
            parser.add_argument("--bank", required=True, help="the slug of the bank to import into")
            parser.add_argument(
                "--format",
                choices=sorted(importers.FORMATS),
                help="the file's format (guessed from its name and content when not given)",
            )
            parser.add_argument(
                "--skip-unsupported",
                action="store_true",
                help="leave out questions kmodquiz cannot express instead of refusing the file",
            )
            parser.add_argument(
                "--reset-changed",
                action="store_true",
                help="reset learners' cards of questions whose right answer changed",
            )
        parser.add_argument("--owner", help="username of a new bank's owner")
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="do not retire questions that are missing from the file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        limit = conf.get("IMPORT_MAX_BYTES")
        try:
            size = path.stat().st_size
            if size > limit:  # refused before a byte is read
                message = FILE_TOO_LARGE.format(size=human_size(size), limit=human_size(limit))
                raise CommandError(f"{path}: not imported, nothing changed: {message}")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from exc
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"--owner: no user named {options['owner']!r}")
        run = imports.import_submit(
            user=owner,
            data=data,
            filename=path.name,
            now=timezone.now(),
            fmt="native" if self.bank_from_file else options["format"] or "",
            slug="" if self.bank_from_file else options["bank"],
            dry_run=options["dry_run"],
            skip_unsupported=options.get("skip_unsupported", False),
            reset_changed=options.get("reset_changed", False),
            retire_missing=not options["keep_missing"],
            background=False,
        )
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(self.problems(path, run))
        self.report(run)

    def problems(self, path: Path, run: ImportRun) -> str:
        lines = [f"{path}: not imported, nothing changed ({run.error_count} problems):"]
        for problem in run.errors[:SHOWN]:
            where = []
            if problem.get("line"):
                column = f", column {problem['column']}" if problem.get("column") else ""
                where.append(f"line {problem['line']}{column}")
            if problem.get("path"):
                where.append(problem["path"])
            prefix = f"{', '.join(where)}: " if where else ""
            text = f" ({problem['text']!r})" if problem.get("text") else ""
            lines.append(f"  {prefix}{problem['message']}{text}")
        if run.error_count > SHOWN:
            lines.append(f"  ... and {run.error_count - SHOWN} more")
        return "\n".join(lines)

    def report(self, run: ImportRun) -> None:
        verb = "would be" if run.status == ImportRun.Status.PREVIEW else "were"
        self.stdout.write(
            f"{run.bank_slug}: {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.retired} retired ({verb} applied)"
            + (f"; {run.cards_reset} learners' cards reset" if run.cards_reset else "")
        )
        for update in run.diff.get("updated", [])[:SHOWN]:
            fields = ", ".join(dict.fromkeys(c["field"].split(".")[0] for c in update["changes"]))
            self.stdout.write(f"  updated {update['id']}: {fields}")
        for notice in run.notices:
            line = f"line {notice['line']}: " if notice.get("line") else ""
            self.stdout.write(f"  note: {line}{notice['message']}")

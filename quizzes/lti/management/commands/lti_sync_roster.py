"""Sync LMS course rosters (Names and Role Provisioning Services) into kmodquiz courses."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes.lti.models import LtiContext
from quizzes.lti.services.roster import RosterError, roster_sync


class Command(BaseCommand):
    help = "Enrol each LMS course's members and unenrol those who left (history is kept)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--course", type=int, action="append", help="Course id(s); default all."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        contexts = LtiContext.objects.select_related("platform", "course").exclude(
            memberships_url=""
        )
        if options["course"]:
            contexts = contexts.filter(course_id__in=options["course"])
        failed = 0
        for context in contexts:
            try:
                summary = roster_sync(context=context, now=timezone.now())
            except RosterError as exc:
                failed += 1
                self.stderr.write(f"{context.course}: {exc}")
                continue
            self.stdout.write(
                f"{context.course}: {summary.members} members, {summary.joined} joined, "
                f"{summary.left} left."
            )
        if failed:
            raise CommandError(f"{failed} roster(s) could not be synced.")

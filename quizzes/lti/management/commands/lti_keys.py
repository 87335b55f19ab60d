"""Make (or rotate to) a new tool key pair; list the keys; prune old ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes.lti.models import ToolKey
from quizzes.lti.services import keys


class Command(BaseCommand):
    help = (
        "Make a new RSA key pair for the LTI tool. The newest key signs; earlier ones are retired "
        "but stay in the JWKS for KMODQUIZ LTI_KEY_GRACE_DAYS (rotation). The private key is kept "
        "in the database, or with --private-key-file in a PEM file outside the repository."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--private-key-file", type=Path, help="Write the private key here.")
        parser.add_argument("--list", action="store_true", help="List the keys, make none.")
        parser.add_argument(
            "--prune", action="store_true", help="Delete keys retired beyond the grace period."
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Make a key only if none is active."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["list"]:
            published = {k["kid"] for k in keys.tool_jwks(now=now)["keys"]}
            for key in ToolKey.objects.all():
                state = "retired" if key.retired_at else "signing"
                where = key.private_key_file or "database"
                shown = "in JWKS" if key.kid in published else "not published"
                self.stdout.write(f"{key.kid}  {state}  {shown}  {where}  {key.created_at:%F %T}")
            return
        if options["prune"]:
            self.stdout.write(f"Deleted {keys.tool_keys_prune(now=now)} retired key(s).")
            return
        if options["if_missing"] and ToolKey.objects.filter(retired_at__isnull=True).exists():
            self.stdout.write("A signing key exists already.")
            return
        try:
            key = keys.tool_key_create(now=now, private_key_file=options["private_key_file"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"New signing key {key.kid}."))

"""Register (or update) a platform: issuer, client id, deployments, endpoints and keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quizzes.lti.services.platforms import platform_register


class Command(BaseCommand):
    help = "Register an LTI 1.3 platform (LMS) with the tool; run again to update it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--issuer", required=True, help="The platform's `iss` (its URL).")
        parser.add_argument("--client-id", required=True)
        parser.add_argument(
            "--deployment-id", action="append", required=True, help="Repeat for several."
        )
        parser.add_argument("--auth-login-url", required=True, help="OIDC auth endpoint.")
        parser.add_argument("--auth-token-url", required=True, help="Access token endpoint.")
        parser.add_argument("--auth-audience", default="")
        keys = parser.add_mutually_exclusive_group(required=True)
        keys.add_argument("--key-set-url", help="The platform's public JWKS URL.")
        keys.add_argument("--key-set-file", type=Path, help="A JSON file holding its JWKS.")
        parser.add_argument("--name", default="", help="A name people recognise.")
        parser.add_argument(
            "--frame-origin",
            action="append",
            default=[],
            help="Another origin that frames the tool (Canvas: https://school.instructure.com).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_set = None
        if options["key_set_file"]:
            try:
                key_set = options["key_set_file"].read_text()
            except OSError as exc:
                raise CommandError(f"--key-set-file: {exc}") from None
        try:
            platform = platform_register(
                issuer=options["issuer"],
                client_id=options["client_id"],
                deployment_ids=options["deployment_id"],
                auth_login_url=options["auth_login_url"],
                auth_token_url=options["auth_token_url"],
                auth_audience=options["auth_audience"],
                key_set_url=options["key_set_url"] or "",
                key_set=key_set,
                name=options["name"],
                frame_origins=options["frame_origin"],
            )
        except ValidationError as exc:
            problems = "; ".join(f"{f}: {' '.join(m)}" for f, m in exc.message_dict.items())
            raise CommandError(problems) from None
        deployments = ", ".join(platform.deployments.values_list("deployment_id", flat=True))
        self.stdout.write(
            self.style.SUCCESS(f"Registered {platform} (deployments: {deployments}).")
        )

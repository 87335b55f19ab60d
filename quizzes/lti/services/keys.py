"""The tool's RSA key pairs: made, rotated and published (JWKS).

The private key is kept in the database or, with `private_key_file`, in a PEM file outside the
repository (mode 0600). A rotated-out key stays in the JWKS for LTI_KEY_GRACE_DAYS, so a
platform that cached the old key still verifies what was signed just before the rotation.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from jwcrypto.jwk import JWK

from quizzes import conf
from quizzes.lti.models import ToolKey

KEY_FILE_IN_REPOSITORY = "Keep the private key outside the project directory ({base}): {path}"
KEY_FILE_EXISTS = "{path} exists already: choose a new file (keys are never overwritten)."
KEY_BITS = 2048


def _public_jwk(private_pem: bytes) -> dict[str, Any]:
    key = JWK.from_pem(private_pem)
    public = key.export_public(as_dict=True)
    public.update(kid=key.thumbprint(), alg="RS256", use="sig")
    return public


def _write_private_file(path: Path, pem: bytes) -> None:
    path = path.expanduser().resolve()
    base = Path(settings.BASE_DIR).resolve()
    if path == base or base in path.parents:
        raise ValidationError(
            {"private_key_file": KEY_FILE_IN_REPOSITORY.format(base=base, path=path)}
        )
    if path.exists():
        raise ValidationError({"private_key_file": KEY_FILE_EXISTS.format(path=path)})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


@transaction.atomic
def tool_key_create(*, now: datetime, private_key_file: Path | None = None) -> ToolKey:
    """Make a new signing key; keys made before it are retired (kept in the JWKS a while)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    jwk = _public_jwk(pem)
    if private_key_file is not None:
        _write_private_file(private_key_file, pem)
    ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
    return ToolKey.objects.create(
        kid=jwk["kid"],
        private_key="" if private_key_file else pem.decode(),
        private_key_file=str(private_key_file.expanduser().resolve()) if private_key_file else "",
        public_jwk=jwk,
        created_at=now,
    )


def _published_q(now: datetime) -> Q:
    grace = timedelta(days=conf.get("LTI_KEY_GRACE_DAYS"))
    return Q(retired_at__isnull=True) | Q(retired_at__gt=now - grace)


def tool_jwks(*, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The public keys platforms may verify the tool's signatures with (newest first)."""
    keys = ToolKey.objects.filter(_published_q(now)).order_by("-created_at", "-id")
    return {"keys": [key.public_jwk for key in keys]}


def tool_keys_prune(*, now: datetime) -> int:
    """Delete keys retired longer ago than the grace period; returns how many."""
    deleted, _ = ToolKey.objects.exclude(_published_q(now)).delete()
    return deleted

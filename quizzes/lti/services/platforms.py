"""Registering platforms (LMSs): from the admin, or `manage.py lti_register`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from quizzes.lti.models import Deployment, Platform

KEY_SET_REQUIRED = "Give the platform's key set: a JWKS URL or a JWKS file (one of them)."
KEY_SET_INVALID = (
    'A JWKS is a JSON object with a "keys" list of RSA public keys, each with a "kid".'
)
DEPLOYMENT_REQUIRED = "Give at least one deployment id."
URL_INVALID = "Not an http(s) URL: {value!r}."


def key_set_check(data: Any) -> dict[str, Any]:
    """A JWKS, checked: {"keys": [{"kty": "RSA", "kid": ..., "n": ..., "e": ...}, ...]}."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationError({"key_set": f"{KEY_SET_INVALID} ({exc})"}) from None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ValidationError({"key_set": KEY_SET_INVALID})
    for index, key in enumerate(keys):
        if not (isinstance(key, dict) and key.get("kty") == "RSA" and key.get("kid")):
            raise ValidationError({"key_set": f"{KEY_SET_INVALID} (key {index + 1})"})
        if not (key.get("n") and key.get("e")):
            raise ValidationError({"key_set": f"{KEY_SET_INVALID} (key {index + 1}: no n/e)"})
    return {"keys": keys}


def _url(field: str, value: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError({field: URL_INVALID.format(value=value)}) from None
    return value


@transaction.atomic
def platform_register(
    *,
    issuer: str,
    client_id: str,
    deployment_ids: Sequence[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str = "",
    key_set: Any = None,
    name: str = "",
    auth_audience: str = "",
    frame_origins: Sequence[str] = (),
) -> Platform:
    """Create or update a registration (by issuer and client id) and add its deployments."""
    errors: dict[str, list[str]] = {}
    if not issuer.strip():
        errors["issuer"] = ["The issuer is required (the platform's `iss`)."]
    if not client_id.strip():
        errors["client_id"] = ["The client id is required."]
    deployments = [d.strip() for d in deployment_ids if d.strip()]
    if not deployments:
        errors["deployment_ids"] = [DEPLOYMENT_REQUIRED]
    if bool(key_set_url) == (key_set is not None):
        errors["key_set"] = [KEY_SET_REQUIRED]
    cleaned: dict[str, Any] = {}
    for field, value, required in [
        ("auth_login_url", auth_login_url, True),
        ("auth_token_url", auth_token_url, True),
        ("key_set_url", key_set_url, False),
    ]:
        try:
            cleaned[field] = _url(field, value, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    origins = []
    for origin in frame_origins:
        try:
            origins.append(_url("frame_origins", origin))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if key_set is not None and "key_set" not in errors:
        try:
            key_set = key_set_check(key_set)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    platform, _ = Platform.objects.update_or_create(
        issuer=issuer.strip(),
        client_id=client_id.strip(),
        defaults={
            "name": name,
            "auth_audience": auth_audience,
            "key_set": key_set,
            "frame_origins": "\n".join(origins),
            "is_active": True,
            **cleaned,
        },
    )
    for deployment_id in deployments:
        Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    return platform

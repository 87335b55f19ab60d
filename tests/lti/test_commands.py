"""manage.py lti_keys (rotation, files outside the repository) and lti_register."""

from __future__ import annotations

import io
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from quizzes.lti.models import Deployment, Platform, ToolKey
from quizzes.lti.services import keys
from tests.lti.conftest import AUTH_LOGIN_URL, CLIENT_ID, ISSUER, JWKS_URL, TOKEN_URL

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_lti_keys_makes_a_key_and_rotation_keeps_the_old_one_published(settings):
    first = ToolKey.objects.get(kid=_run("lti_keys").split()[-1].rstrip("."))
    second_kid = _run("lti_keys").split()[-1].rstrip(".")
    first.refresh_from_db()
    assert first.retired_at is not None
    jwks = Client().get("/lti/jwks/").json()
    assert [k["kid"] for k in jwks["keys"]] == [second_kid, first.kid]
    assert all("d" not in k and k["alg"] == "RS256" and k["use"] == "sig" for k in jwks["keys"])
    # After the grace period the old key leaves the JWKS and can be pruned.
    later = timezone.now() + timedelta(days=settings.KMODQUIZ.get("LTI_KEY_GRACE_DAYS", 7) + 1)
    assert [k["kid"] for k in keys.tool_jwks(now=later)["keys"]] == [second_kid]
    assert keys.tool_keys_prune(now=later) == 1
    assert "A signing key exists already." in _run("lti_keys", "--if-missing")


def test_lti_keys_can_keep_the_private_key_in_a_file(tmp_path):
    path = tmp_path / "secrets" / "lti.pem"
    _run("lti_keys", "--private-key-file", str(path))
    key = ToolKey.objects.get()
    assert key.private_key == "" and key.private_key_file == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.private_pem().startswith("-----BEGIN PRIVATE KEY-----")
    with pytest.raises(CommandError, match="exists already"):
        call_command("lti_keys", "--private-key-file", str(path))


def test_lti_keys_refuses_a_file_inside_the_repository():
    inside = Path(settings.BASE_DIR) / "lti-private.pem"
    with pytest.raises(CommandError, match="outside the project directory"):
        call_command("lti_keys", "--private-key-file", str(inside))
    assert not inside.exists() and not ToolKey.objects.exists()


REGISTER = [
    "lti_register",
    "--issuer",
    ISSUER,
    "--client-id",
    CLIENT_ID,
    "--deployment-id",
    "d1",
    "--deployment-id",
    "d2",
    "--auth-login-url",
    AUTH_LOGIN_URL,
    "--auth-token-url",
    TOKEN_URL,
]


def test_lti_register_with_a_key_set_url():
    assert "Registered" in _run(*REGISTER, "--key-set-url", JWKS_URL, "--name", "Moodle")
    platform = Platform.objects.get()
    assert (platform.key_set_url, platform.name) == (JWKS_URL, "Moodle")
    assert set(Deployment.objects.values_list("deployment_id", flat=True)) == {"d1", "d2"}
    _run(*REGISTER, "--key-set-url", JWKS_URL, "--frame-origin", "https://school.example")
    assert Platform.objects.count() == 1
    assert Platform.objects.get().framing_origins() == [ISSUER, "https://school.example"]


def test_lti_register_with_a_key_set_file(tmp_path, sim):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(sim.jwks()))
    _run(*REGISTER, "--key-set-file", str(path))
    assert Platform.objects.get().key_set == sim.jwks()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--key-set-file", "/nonexistent/jwks.json"], "--key-set-file"),
        (["--key-set-url", "not a url"], "key_set_url"),
    ],
)
def test_lti_register_refuses_bad_input_and_creates_nothing(extra, message):
    with pytest.raises(CommandError, match=message):
        call_command(*REGISTER, *extra)
    assert not Platform.objects.exists()


def test_lti_register_refuses_a_key_set_without_rsa_keys(tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}))
    with pytest.raises(CommandError, match="RSA public keys"):
        call_command(*REGISTER, "--key-set-file", str(path))
    assert not Platform.objects.exists()

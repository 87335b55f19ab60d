"""A simulated LMS for the LTI tests: its RSA key and JWKS, signed id_tokens, the OIDC round
trip through a Django test client, and mocked service endpoints (`responses`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from jwcrypto.jwk import JWK

from quizzes.lti import claims as c
from quizzes.lti.models import Platform, ToolKey
from quizzes.lti.services.platforms import platform_register
from tests.factories import BankFactory, QuestionFactory, TopicFactory

ISSUER = "https://lms.example.edu"
CLIENT_ID = "kmodquiz-client-1"
DEPLOYMENT_ID = "deployment-1"
AUTH_LOGIN_URL = "https://lms.example.edu/mod/lti/auth.php"
TOKEN_URL = "https://lms.example.edu/mod/lti/token.php"
JWKS_URL = "https://lms.example.edu/mod/lti/certs.php"
LINEITEMS_URL = "https://lms.example.edu/mod/lti/services.php/7/lineitems"
LINEITEM_URL = LINEITEMS_URL + "/42/lineitem"
SCORES_URL = LINEITEMS_URL + "/42/lineitem/scores"
MEMBERSHIPS_URL = (
    "https://lms.example.edu/mod/lti/services.php/CourseSection/7/bindings/2/memberships"
)
DEEP_LINK_RETURN_URL = "https://lms.example.edu/mod/lti/contentitem_return.php"
PLATFORM_KID = "platform-key-1"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LAUNCH_URL = "https://testserver/lti/launch/"


def _pem_private(bits: int = 2048) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture(scope="session")
def platform_pem() -> bytes:
    return _pem_private()


@pytest.fixture(scope="session")
def tool_pem() -> bytes:
    return _pem_private()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class SimPlatform:
    """The LMS: it signs id_tokens and answers the tool's service calls (mocked)."""

    pem: bytes
    kid: str = PLATFORM_KID
    mocks: Any = None
    calls: list[Any] = field(default_factory=list)

    @property
    def public_pem(self) -> bytes:
        return JWK.from_pem(self.pem).export_to_pem()

    def jwks(self) -> dict[str, Any]:
        public = JWK.from_pem(self.pem).export_public(as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def claims(
        self,
        *,
        nonce: str,
        role: str = LEARNER_ROLE,
        message: str = c.RESOURCE_LINK_REQUEST,
        sub: str = "lms-user-17",
        link_id: str = "link-1",
        custom: dict[str, str] | None = None,
        ags: bool = True,
        nrps: bool = True,
    ) -> dict[str, Any]:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "sub": sub,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "given_name": "Ada",
            "family_name": "Lovelace",
            "name": "Ada Lovelace",
            "email": "ada@example.edu",
            c.MESSAGE_TYPE: message,
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            c.DEPLOYMENT_ID: DEPLOYMENT_ID,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": LAUNCH_URL,
            c.ROLES: [role],
            c.CONTEXT: {"id": "course-7", "label": "KMOD101", "title": "Kernel modules 101"},
        }
        if message == c.RESOURCE_LINK_REQUEST:
            body[c.RESOURCE_LINK] = {"id": link_id, "title": "Practise modprobe"}
            body[c.CUSTOM] = (
                custom
                if custom is not None
                else {c.CUSTOM_BANK: "kmod", c.CUSTOM_TOPICS: "commands/modprobe"}
            )
        else:
            body[c.DEEP_LINKING_SETTINGS] = {
                "deep_link_return_url": DEEP_LINK_RETURN_URL,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "opaque-platform-data",
            }
        if ags:
            body[c.AGS_ENDPOINT] = {
                "scope": [c.SCOPE_LINEITEM, c.SCOPE_SCORE],
                "lineitems": LINEITEMS_URL,
                **({"lineitem": LINEITEM_URL} if message == c.RESOURCE_LINK_REQUEST else {}),
            }
        if nrps:
            body[c.NRPS] = {
                "context_memberships_url": MEMBERSHIPS_URL,
                "service_versions": ["2.0"],
            }
        return body

    def sign(self, body: dict[str, Any], *, kid: str | None = None, alg: str = "RS256") -> str:
        return jwt.encode(body, self.pem, algorithm=alg, headers={"kid": kid or self.kid})

    def sign_unsafe(self, body: dict[str, Any], *, alg: str, secret: bytes = b"") -> str:
        """A token an attacker makes: `alg: none`, or HS256 keyed with our public key."""
        header = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": self.kid}).encode())
        payload = b64url(json.dumps(body).encode())
        signing_input = f"{header}.{payload}".encode()
        if alg == "none":
            return f"{header}.{payload}."
        signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(signature)}"

    def mock_token(self) -> None:
        self.mocks.add(
            responses.POST,
            TOKEN_URL,
            json={
                "access_token": "platform-access-token",
                "token_type": "Bearer",
                "expires_in": 3600,
            },
        )


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocks:
        yield mocks


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Factories give users passwords: PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()  # cached JWKS and access tokens
    yield
    cache.clear()


@pytest.fixture
def sim(platform_pem: bytes, mocked: responses.RequestsMock) -> SimPlatform:
    platform = SimPlatform(pem=platform_pem, mocks=mocked)
    mocked.add(responses.GET, JWKS_URL, json=platform.jwks())
    return platform


@pytest.fixture
def tool_key(db: Any, tool_pem: bytes) -> ToolKey:
    public = JWK.from_pem(tool_pem).export_public(as_dict=True)
    kid = JWK.from_pem(tool_pem).thumbprint()
    return ToolKey.objects.create(
        kid=kid,
        private_key=tool_pem.decode(),
        public_jwk={**public, "kid": kid, "alg": "RS256", "use": "sig"},
        created_at=timezone.now(),
    )


@pytest.fixture
def platform(db: Any, tool_key: ToolKey) -> Platform:
    return platform_register(
        issuer=ISSUER,
        client_id=CLIENT_ID,
        deployment_ids=[DEPLOYMENT_ID],
        auth_login_url=AUTH_LOGIN_URL,
        auth_token_url=TOKEN_URL,
        key_set_url=JWKS_URL,
        name="Example Moodle",
    )


@pytest.fixture
def bank(db: Any) -> Any:
    """The bank `kmod`: three questions under commands/modprobe, two elsewhere."""
    bank = BankFactory(slug="kmod", title="Kernel modules")
    commands = TopicFactory(bank=bank, slug="commands", title="Commands")
    modprobe = TopicFactory(bank=bank, slug="commands/modprobe", title="modprobe", parent=commands)
    locking = TopicFactory(bank=bank, slug="locking", title="Locking")
    for _ in range(3):
        QuestionFactory(bank=bank, kind="true_false", topics=[modprobe])
    for _ in range(2):
        QuestionFactory(bank=bank, kind="true_false", topics=[locking])
    return bank


def login_initiation(client: Client, **extra: str) -> tuple[str, str, dict[str, list[str]]]:
    """The platform's OIDC third-party login: returns (state, nonce, auth request params)."""
    params = {
        "iss": ISSUER,
        "login_hint": "lms-user-17",
        "target_link_uri": LAUNCH_URL,
        "lti_message_hint": "hint-123",
        "client_id": CLIENT_ID,
        "lti_deployment_id": DEPLOYMENT_ID,
        **extra,
    }
    response = client.get("/lti/login/", params, secure=True)
    assert response.status_code == 302, response.content[:500]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_LOGIN_URL
    query = parse_qs(location.query)
    return query["state"][0], query["nonce"][0], query


def post_launch(client: Client, token: str, state: str) -> Any:
    return client.post("/lti/launch/", {"id_token": token, "state": state}, secure=True)


@dataclass
class Launcher:
    sim: SimPlatform

    def launch(self, client: Client | None = None, **claims: Any) -> tuple[Client, Any]:
        """A whole launch: login initiation, then the id_token the platform posts back."""
        client = client or Client()
        state, nonce, _ = login_initiation(client)
        token = self.sim.sign(self.sim.claims(nonce=nonce, **claims))
        return client, post_launch(client, token, state)


@pytest.fixture
def launcher(sim: SimPlatform, platform: Platform, bank: Any) -> Launcher:
    return Launcher(sim)


def new_nonce() -> str:
    return uuid.uuid4().hex

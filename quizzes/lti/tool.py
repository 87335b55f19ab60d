"""pylti1p3, fitted to kmodquiz: registrations from the database, logins remembered in
LoginState rows (shared by every worker), and a stricter id_token check.

pylti1p3 checks the JWT's format, finds the registration by `iss` and `aud`, verifies the
signature with the platform's key (fetched from its JWKS URL), the deployment id and the
message (type, version, `sub`, roles, resource link or deep-linking settings). On top of that
ToolLaunch requires an RSA algorithm, `exp`, `iat`, `aud` containing the client id and a
matching `azp`, a state this tool issued (and the browser's state cookie when it sends
cookies at all) and a nonce that matches that login and is used once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import jwt
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.contrib.django.service_connector import DjangoServiceConnector
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment as PyDeployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from quizzes.lti.models import Deployment, LaunchHandoff, LoginState, Platform, ToolKey

RSA_ALGORITHMS = ("RS256", "RS384", "RS512")
LOGIN_TTL = timedelta(minutes=10)
STALE_AFTER = timedelta(days=1)
CLOCK_LEEWAY_SECONDS = 60
KEY_SET_CACHE_SECONDS = 3600
SUPPORTED_MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")

STATE_MISSING = "The launch carries no state."
STATE_UNKNOWN = "The state is unknown or has expired: start the activity again from the course."
STATE_MISMATCH = "The state does not match the one this browser started the login with."
NONCE_MISSING = 'The id_token has no "nonce".'
NONCE_MISMATCH = "The nonce is not the one issued for this login."
NONCE_REPLAYED = "This launch was already used (its nonce has been seen): launch again."
ALG_REFUSED = "The id_token is signed with {alg!r}; LTI 1.3 requires an RSA signature (RS256)."
PLATFORM_MISMATCH = "The launch comes from another platform than the login it answers."
AZP_MISMATCH = "The id_token's \"azp\" is not this tool's client id."
MESSAGE_UNSUPPORTED = "kmodquiz does not handle {kind!r} messages."
NO_TOOL_KEY = "The tool has no key pair yet: run `manage.py lti_keys`."

_JWT_ERRORS: list[tuple[type[Exception], str]] = [
    (jwt.ExpiredSignatureError, "The id_token has expired (exp)."),
    (jwt.ImmatureSignatureError, "The id_token was issued in the future (iat)."),
    (jwt.InvalidAudienceError, "The id_token is not meant for this tool (aud)."),
    (jwt.InvalidIssuerError, "The id_token's issuer is not the registered one (iss)."),
    (jwt.InvalidSignatureError, "The id_token's signature does not verify."),
]


# --- registrations and keys ----------------------------------------------------------------------


def signing_key() -> ToolKey:
    """The key the tool signs with: the newest one not retired."""
    key = ToolKey.objects.filter(retired_at__isnull=True).order_by("-created_at", "-id").first()
    if key is None:
        raise LtiException(NO_TOOL_KEY)
    return key


class ToolRegistration(Registration):
    """A platform's registration; the tool's private key is read only when something signs."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._key: ToolKey | None = None
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url)
        self.set_auth_token_url(platform.auth_token_url)
        self.set_auth_audience(platform.auth_audience or None)  # type: ignore[arg-type]
        self.set_key_set_url(platform.key_set_url or None)
        self.set_key_set(platform.key_set or None)

    def _signing(self) -> ToolKey:
        if self._key is None:
            self._key = signing_key()
        return self._key

    def get_tool_private_key(self) -> str:
        return self._signing().private_pem()

    def get_kid(self) -> str:
        return self._signing().kid

    def get_jwks(self) -> list[dict[str, Any]]:
        return [self._signing().public_jwk]


class DbToolConf(ToolConfAbstract):
    """Registrations and deployments from the Platform and Deployment tables."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Any:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Any:
        platforms = Platform.objects.filter(issuer=iss, is_active=True)
        if client_id:
            platforms = platforms.filter(client_id=client_id)
        found = list(platforms[:2])
        # Without a client id, an issuer with several registrations is ambiguous.
        return ToolRegistration(found[0]) if len(found) == 1 else None

    def find_deployment(self, iss: str, deployment_id: str) -> Any:
        return None

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Any:
        known = Deployment.objects.filter(
            platform__issuer=iss,
            platform__client_id=client_id,
            platform__is_active=True,
            deployment_id=deployment_id,
        ).exists()
        return PyDeployment().set_deployment_id(deployment_id) if known else None


class ServiceConnector(DjangoServiceConnector):
    """Access tokens cached per registration: one issuer (Canvas Cloud) has many client ids."""

    def _get_cache_key(self, scope_key: str) -> str:
        client = hashlib.sha256(str(self._registration.get_client_id()).encode()).hexdigest()
        return f"lti1p3-access-token-{client[:16]}-{scope_key}"


def service_connector(platform: Platform) -> ServiceConnector:
    return ServiceConnector(ToolRegistration(platform))


# --- login ---------------------------------------------------------------------------------------


class _LoginCookies(DjangoCookieService):
    """pylti1p3's state cookie (SameSite=None; Secure over HTTPS), remembering its name."""

    state: str | None = None

    def set_cookie(self, name: str, value: Any, exp: int | None = 3600) -> None:
        if name.startswith("state-"):
            self.state = name
        super().set_cookie(name, value, exp)


class _LoginStore(DjangoSessionService):
    """Keeps the nonce pylti1p3 generates for the LoginState row, not in the session (which a
    browser that refuses third-party cookies would lose)."""

    nonce: str | None = None

    def save_nonce(self, nonce: str) -> None:
        self.nonce = nonce

    def save_launch_data(self, key: str, jwt_body: Any) -> None:
        # Launches are never restored from storage here: the launch view acts on them at once.
        return None

    def set_state_valid(self, state: str, id_token_hash: str) -> None:
        return None

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False


class ToolLogin(DjangoOIDCLogin):
    """OIDC login initiation: check the platform, remember state and nonce, redirect to it."""

    def __init__(self, request: HttpRequest, tool_conf: DbToolConf) -> None:
        wrapped = DjangoRequest(request)
        self.cookies = _LoginCookies(wrapped)
        self.store = _LoginStore(wrapped)
        super().__init__(
            request, tool_conf, session_service=self.store, cookie_service=self.cookies
        )

    def start(self, *, launch_url: str, now: datetime) -> HttpResponse:
        redirect = self.get_redirect_object(launch_url)
        registration = self._registration
        assert isinstance(registration, ToolRegistration)
        assert self.cookies.state and self.store.nonce
        # Housekeeping: logins nobody answered and one-time links nobody used.
        LoginState.objects.filter(created_at__lt=now - STALE_AFTER).delete()
        LaunchHandoff.objects.filter(expires_at__lt=now - STALE_AFTER).delete()
        LoginState.objects.create(
            platform=registration.platform,
            state=self.cookies.state,
            nonce=self.store.nonce,
            created_at=now,
        )
        return redirect.do_redirect()


# --- launch --------------------------------------------------------------------------------------


class ToolLaunch(DjangoMessageLaunch):
    """One id_token, validated strictly. Run validate() inside a transaction: the nonce is
    consumed there, and a later refusal rolls that back with everything else."""

    def __init__(self, request: HttpRequest, tool_conf: DbToolConf, *, now: datetime) -> None:
        super().__init__(
            request,
            tool_conf,
            session_service=_LoginStore(request),
            cookie_service=DjangoCookieService(DjangoRequest(request, post_only=True)),
        )
        self._now = now
        self._http_request = request
        self.login: LoginState | None = None
        self.cookieless = False

    @property
    def platform(self) -> Platform:
        assert isinstance(self._registration, ToolRegistration)
        return self._registration.platform

    def validate_state(self) -> ToolLaunch:
        state = self._get_request_param("state")
        if not state:
            raise LtiException(STATE_MISSING)
        login = LoginState.objects.filter(state=state).select_related("platform").first()
        if login is None or login.created_at < self._now - LOGIN_TTL:
            raise LtiException(STATE_UNKNOWN)
        cookie = self._cookie_service.get_cookie(state)
        if cookie is None and not self._http_request.COOKIES:
            # This browser sends no cookies into the frame: the launch is checked against the
            # login row alone and goes on in a new window (views.launch, docs/lti.md).
            self.cookieless = True
        elif cookie != state:
            raise LtiException(STATE_MISMATCH)
        self.login = login
        return self

    def validate_nonce(self) -> ToolLaunch:
        nonce = self._get_jwt_body().get("nonce")
        if not nonce:
            raise LtiException(NONCE_MISSING)
        assert self.login is not None
        if nonce != self.login.nonce:
            raise LtiException(NONCE_MISMATCH)
        # One conditional UPDATE: of two workers racing with the same nonce, one wins.
        used = LoginState.objects.filter(pk=self.login.pk, used_at__isnull=True).update(
            used_at=self._now
        )
        if used != 1:
            raise LtiException(NONCE_REPLAYED)
        return self

    def validate_registration(self) -> ToolLaunch:
        super().validate_registration()
        assert self.login is not None
        if self.platform.pk != self.login.platform_id:
            raise LtiException(PLATFORM_MISMATCH)
        return self

    def fetch_public_key(self, key_set_url: str) -> Any:
        key = "lti-jwks-" + hashlib.sha256(key_set_url.encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            cached = super().fetch_public_key(key_set_url)
            cache.set(key, cached, KEY_SET_CACHE_SECONDS)
        return cached

    def get_public_key(self) -> tuple[str, str]:
        try:
            return super().get_public_key()
        except LtiException:
            url = self.platform.key_set_url
            if not url or self.platform.key_set:
                raise
            # The platform may have rotated its keys since we cached its JWKS: fetch it again.
            cache.delete("lti-jwks-" + hashlib.sha256(url.encode()).hexdigest())
            self.platform_registration().set_key_set(None)
            return super().get_public_key()

    def platform_registration(self) -> ToolRegistration:
        assert isinstance(self._registration, ToolRegistration)
        return self._registration

    def validate_jwt_signature(self) -> ToolLaunch:
        alg = self._jwt.get("header", {}).get("alg")
        if alg not in RSA_ALGORITHMS:
            raise LtiException(ALG_REFUSED.format(alg=alg))
        public_key, key_alg = self.get_public_key()
        client_id = self.platform.client_id
        try:
            body = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[key_alg],
                audience=client_id,
                issuer=self.platform.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise LtiException(f'The id_token lacks the "{exc.claim}" claim.') from exc
        except jwt.InvalidTokenError as exc:
            message = next((m for kind, m in _JWT_ERRORS if isinstance(exc, kind)), None)
            raise LtiException(message or f"The id_token is invalid: {exc}") from exc
        aud = body["aud"]
        azp = body.get("azp")
        if (isinstance(aud, list) and len(aud) > 1 and azp is None) or (
            azp is not None and azp != client_id
        ):
            raise LtiException(AZP_MISMATCH)
        return self

    def validate_message(self) -> ToolLaunch:
        super().validate_message()
        kind = self._get_jwt_body().get("https://purl.imsglobal.org/spec/lti/claim/message_type")
        if kind not in SUPPORTED_MESSAGES:
            raise LtiException(MESSAGE_UNSUPPORTED.format(kind=kind))
        return self

"""LTI 1.3 claim names and what kmodquiz reads from them (pure: no database)."""

from __future__ import annotations

from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
DEPLOYMENT_ID = LTI + "deployment_id"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
RESOURCE_LINK = LTI + "resource_link"
CUSTOM = LTI + "custom"
TOOL_PLATFORM = LTI + "tool_platform"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_MEMBERSHIP = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

# Custom parameters kmodquiz puts on the links it makes (deep linking); a platform's own
# "custom parameters" field may set them too (docs/lti.md).
CUSTOM_BANK = "kmodquiz_bank"
CUSTOM_TOPICS = "kmodquiz_topics"

INSTRUCTOR = "instructor"
LEARNER = "learner"
_TEACHING_ROLES = {"Instructor", "ContentDeveloper", "Administrator"}
_CONTEXT_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_LIS_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/"


def _role_names(roles: list[str]) -> list[tuple[str, bool]]:
    """(name, is a context role) for each role URI; short names count as context roles."""
    out = []
    for role in roles:
        if not isinstance(role, str):
            continue
        name = role.rsplit("#", 1)[-1] if "#" in role else role.rsplit("/", 1)[-1]
        is_context = role.startswith(_CONTEXT_PREFIX) or not role.startswith(_LIS_PREFIX)
        out.append((name, is_context))
    return out


def role_of(roles: Any) -> str:
    """Instructor when the roles hold Instructor, ContentDeveloper or Administrator; learner
    otherwise. When context (membership) roles are present only they count: Canvas also sends
    institution roles that say nothing about this course."""
    names = _role_names(roles if isinstance(roles, list) else [])
    context = [name for name, is_context in names if is_context]
    relevant = context if context else [name for name, _ in names]
    return INSTRUCTOR if _TEACHING_ROLES & set(relevant) else LEARNER


def person(claims: dict[str, Any]) -> dict[str, str]:
    """First and last name and e-mail from an id_token or an NRPS member (may be empty)."""
    given = str(claims.get("given_name") or "").strip()
    family = str(claims.get("family_name") or "").strip()
    if not given and not family and claims.get("name"):
        given, _, family = str(claims["name"]).strip().partition(" ")
    return {
        "first_name": given[:150],
        "last_name": family[:150],
        "email": str(claims.get("email") or "").strip()[:254],
    }


def custom_binding(claims: dict[str, Any]) -> tuple[str, list[str]]:
    """The bank slug and topic slugs a link's custom parameters name ('' and [] if none)."""
    custom = claims.get(CUSTOM) or {}
    if not isinstance(custom, dict):
        return "", []
    bank = str(custom.get(CUSTOM_BANK) or "").strip()
    topics = [t.strip() for t in str(custom.get(CUSTOM_TOPICS) or "").split(",") if t.strip()]
    return bank, topics

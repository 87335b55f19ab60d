"""What a validated launch does: the user, the course, the resource link, and where to go.

The user is found or created by (platform, `sub`), with name and e-mail from the claims. Roles
map to Instructor (Instructor, ContentDeveloper, Administrator) or learner. The LTI context
becomes a course; a resource link bound to a bank (and maybe topics) enrols the learner and
opens its study page, or the course page for an instructor. A refusal raises LaunchRefused and,
as the caller runs this in the launch's transaction, leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify

from quizzes.lti import claims as c
from quizzes.lti.models import (
    Deployment,
    LaunchHandoff,
    LtiContext,
    LtiUser,
    Platform,
    ResourceLink,
    ScoreSync,
)
from quizzes.models import Bank, BankMembership, Course, ReviewLog, Topic
from quizzes.services import enroll
from quizzes.services.courses import course_bank_add, course_member_join

NOT_SET_UP = (
    "This activity is not set up yet: your instructor has to choose its question bank first."
)
ONLY_INSTRUCTORS_LINK = "Only instructors can add kmodquiz activities to a course."
BANK_GONE = "The question bank of this activity ({slug}) does not exist here any more."
HANDOFF_INVALID = "This link has expired or was already used: launch the activity again."
HANDOFF_TTL = timedelta(minutes=2)


class LaunchRefused(Exception):
    """A valid launch kmodquiz cannot act on; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class LaunchResult:
    user: Any
    role: str
    next_url: str
    frame_paths: list[str]
    course: Course | None = None
    link: ResourceLink | None = None
    # For a deep-linking request: what the picker needs to answer the platform.
    deep_link: dict[str, Any] = field(default_factory=dict)


# --- users ---------------------------------------------------------------------------------------


def _username(platform: Platform, sub: str, details: dict[str, str]) -> str:
    digest = hashlib.sha256(f"{platform.issuer}:{sub}".encode()).hexdigest()[:6]
    email_name = details["email"].partition("@")[0]
    name = f"{details['first_name']} {details['last_name']}".strip() or email_name or "lti"
    return f"{slugify(name)[:120] or 'lti'}-{digest}"


def lti_user_link(
    *, platform: Platform, sub: str, details: dict[str, str], now: datetime
) -> AbstractBaseUser:
    """The account of a platform's user (by issuer and `sub`), created on first sight; name
    and e-mail refreshed."""
    identity = (
        LtiUser.objects.select_related("user").filter(issuer=platform.issuer, sub=sub).first()
    )
    if identity is None:
        user = get_user_model()(username=_username(platform, sub, details))
        user.set_unusable_password()
        for key, value in details.items():
            setattr(user, key, value)
        user.save()
        LtiUser.objects.create(
            issuer=platform.issuer, sub=sub, platform=platform, user=user, created_at=now
        )
        return user
    user = identity.user
    changed = [k for k, v in details.items() if v and getattr(user, k) != v]
    for key in changed:
        setattr(user, key, details[key])
    if changed:
        user.save(update_fields=changed)
    return user


# --- courses and links ---------------------------------------------------------------------------


def lti_context_sync(
    *, platform: Platform, claims: dict[str, Any], deployment: Deployment | None
) -> LtiContext | None:
    """The course of the launch's context (created on first launch), title and roster URL kept
    up to date; None when the launch has no context."""
    context = claims.get(c.CONTEXT) or {}
    context_id = str(context.get("id") or "") if isinstance(context, dict) else ""
    if not context_id:
        return None
    title = str(context.get("title") or context.get("label") or "LMS course")[:255]
    label = str(context.get("label") or "")[:100]
    nrps = claims.get(c.NRPS) or {}
    memberships_url = (
        str(nrps.get("context_memberships_url") or "") if isinstance(nrps, dict) else ""
    )
    found = LtiContext.objects.select_related("course").filter(
        platform=platform, context_id=context_id
    )
    lti_context = found.first()
    if lti_context is None:
        course = Course.objects.create(
            title=title, label=label, platform=str(platform)[:255], external_id=context_id[:255]
        )
        return LtiContext.objects.create(
            platform=platform,
            context_id=context_id,
            course=course,
            deployment=deployment,
            memberships_url=memberships_url,
        )
    course = lti_context.course
    if (course.title, course.label) != (title, label):
        course.title, course.label = title, label
        course.save(update_fields=["title", "label", "updated_at"])
    if memberships_url and memberships_url != lti_context.memberships_url:
        lti_context.memberships_url = memberships_url
        lti_context.save(update_fields=["memberships_url"])
    return lti_context


def topics_named(*, bank: Bank, slugs: list[str]) -> list[Topic]:
    topics = list(Topic.objects.filter(bank=bank, slug__in=slugs))
    missing = set(slugs) - {t.slug for t in topics}
    if missing:
        raise LaunchRefused(f"No such topic in {bank.slug}: {', '.join(sorted(missing))}.")
    return topics


def resource_link_bind(*, link: ResourceLink, bank: Bank, topics: list[Topic]) -> None:
    link.bank = bank
    link.save(update_fields=["bank"])
    link.topics.set(topics)


def _resource_link_sync(
    *,
    platform: Platform,
    claims: dict[str, Any],
    context: LtiContext | None,
    deployment: Deployment | None,
    now: datetime,
) -> ResourceLink:
    claim = claims.get(c.RESOURCE_LINK) or {}
    ags = claims.get(c.AGS_ENDPOINT) or {}
    ags = ags if isinstance(ags, dict) else {}
    link, created = ResourceLink.objects.get_or_create(
        platform=platform,
        resource_link_id=str(claim["id"]),
        defaults={"created_at": now, "context": context, "deployment": deployment},
    )
    values = {
        "title": str(claim.get("title") or "")[:255],
        "lineitem_url": str(ags.get("lineitem") or "")[:500],
        "lineitems_url": str(ags.get("lineitems") or "")[:500],
        "ags_scopes": [s for s in ags.get("scope") or [] if isinstance(s, str)],
    }
    changed = [k for k, v in values.items() if getattr(link, k) != v]
    if context is not None and link.context_id != context.pk:
        link.context, changed = context, [*changed, "context"]
    for key in changed:
        if key != "context":
            setattr(link, key, values[key])
    if changed:
        link.save(update_fields=changed)
    if link.bank_id is None:
        slug, topic_slugs = c.custom_binding(claims)
        if slug:
            bank = Bank.objects.filter(slug=slug).first()
            if bank is None:
                raise LaunchRefused(BANK_GONE.format(slug=slug), status=404)
            resource_link_bind(
                link=link, bank=bank, topics=topics_named(bank=bank, slugs=topic_slugs)
            )
    return link


def study_url(link: ResourceLink) -> str:
    assert link.bank is not None
    topics = list(link.topics.order_by("slug").values_list("slug", flat=True))
    # The study page focuses one topic (with its subtopics); several topics: the whole bank.
    query = urlencode({"topic": topics[0] if len(topics) == 1 else ""})
    return f"{reverse('study', args=[link.bank.slug])}?{query}"


def frame_paths(*, bank: Bank | None, role: str) -> list[str]:
    """The pages of this launch that the platform may frame (besides /lti/)."""
    paths = [reverse("lti-home")]
    if bank is not None:
        paths += [reverse("study", args=[bank.slug]), reverse("bank-detail", args=[bank.slug])]
        if role == c.INSTRUCTOR:
            paths.append(reverse("teach-bank", args=[bank.slug]))
    return paths


def _grant_bank(*, user: Any, bank: Bank, role: str) -> None:
    if role == c.INSTRUCTOR:
        if bank.owner_id != user.pk:
            BankMembership.objects.get_or_create(bank=bank, user=user)
    else:
        enroll(learner=user, bank=bank, by_instructor=True)


def _score_sync_ensure(*, link: ResourceLink, user: Any, sub: str, now: datetime) -> None:
    if not (link.lineitem_url or link.lineitems_url) or c.SCOPE_SCORE not in link.ags_scopes:
        return
    sync, created = ScoreSync.objects.get_or_create(
        link=link, learner=user, defaults={"lti_user_id": sub}
    )
    if sync.lti_user_id != sub:
        ScoreSync.objects.filter(pk=sync.pk).update(lti_user_id=sub)
    has_history = ReviewLog.objects.filter(
        learner=user, bank_id=link.bank_id, undone_at__isnull=True
    ).exists()
    if created and has_history:
        # A learner who studied this bank before gets their score at once.
        ScoreSync.objects.filter(pk=sync.pk).update(pending_since=now)
        from quizzes.lti import tasks  # the tasks module imports this one

        transaction.on_commit(lambda: tasks.schedule_publish(sync_id=sync.pk))


@transaction.atomic
def launch_apply(*, platform: Platform, claims: dict[str, Any], now: datetime) -> LaunchResult:
    """Act on a validated launch (resource link or deep-linking request)."""
    role = c.role_of(claims.get(c.ROLES))
    sub = str(claims["sub"])
    user = lti_user_link(platform=platform, sub=sub, details=c.person(claims), now=now)
    LtiUser.objects.filter(issuer=platform.issuer, sub=sub).update(last_launch_at=now)
    deployment = Deployment.objects.filter(
        platform=platform, deployment_id=claims.get(c.DEPLOYMENT_ID)
    ).first()
    context = lti_context_sync(platform=platform, claims=claims, deployment=deployment)
    course = context.course if context else None
    if claims.get(c.MESSAGE_TYPE) == c.DEEP_LINKING_REQUEST:
        if role != c.INSTRUCTOR:
            raise LaunchRefused(ONLY_INSTRUCTORS_LINK, status=403)
        if course is not None:
            course_member_join(course=course, user=user, role=role, now=now)
        settings = dict(claims.get(c.DEEP_LINKING_SETTINGS) or {})
        return LaunchResult(
            user=user,
            role=role,
            next_url=reverse("lti-deep-link"),
            frame_paths=frame_paths(bank=None, role=role),
            course=course,
            deep_link={
                "platform": platform.pk,
                "deployment_id": claims.get(c.DEPLOYMENT_ID),
                "settings": settings,
                "ags": bool(claims.get(c.AGS_ENDPOINT)),
                "course": course.pk if course else None,
            },
        )
    link = _resource_link_sync(
        platform=platform, claims=claims, context=context, deployment=deployment, now=now
    )
    if link.bank_id is None:
        if role != c.INSTRUCTOR:
            raise LaunchRefused(NOT_SET_UP, status=409)
        if course is not None:
            course_member_join(course=course, user=user, role=role, now=now)
        return LaunchResult(
            user=user,
            role=role,
            next_url=reverse("lti-link-setup", args=[link.pk]),
            frame_paths=frame_paths(bank=None, role=role),
            course=course,
            link=link,
        )
    bank = link.bank
    assert bank is not None
    if bank.retired_at is not None:
        raise LaunchRefused(BANK_GONE.format(slug=bank.slug), status=410)
    if course is not None:
        course_bank_add(course=course, bank=bank)
        course_member_join(course=course, user=user, role=role, now=now)
    else:
        _grant_bank(user=user, bank=bank, role=role)
    if role == c.INSTRUCTOR:
        next_url = (
            reverse("lti-course", args=[course.pk])
            if course
            else reverse("teach-bank", args=[bank.slug])
        )
    else:
        _score_sync_ensure(link=link, user=user, sub=sub, now=now)
        next_url = study_url(link)
    return LaunchResult(
        user=user,
        role=role,
        next_url=next_url,
        frame_paths=frame_paths(bank=bank, role=role),
        course=course,
        link=link,
    )


# --- the one-time link into a new window -----------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def handoff_create(*, user: Any, next_url: str, session: dict[str, Any], now: datetime) -> str:
    """A one-time token (valid HANDOFF_TTL) that signs `user` in and opens `next_url`."""
    token = secrets.token_urlsafe(32)
    LaunchHandoff.objects.create(
        token_digest=_digest(token),
        user=user,
        next_url=next_url,
        session=session,
        created_at=now,
        expires_at=now + HANDOFF_TTL,
    )
    return token


def handoff_consume(*, token: str, now: datetime) -> LaunchHandoff:
    """The handoff of a token, marked used; LaunchRefused (410) when unknown, used or expired."""
    digest = _digest(token)
    used = LaunchHandoff.objects.filter(
        token_digest=digest, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if used != 1:
        raise LaunchRefused(HANDOFF_INVALID, status=410)
    return LaunchHandoff.objects.select_related("user").get(token_digest=digest)

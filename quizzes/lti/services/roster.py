"""Rosters from the platform (Names and Role Provisioning Services).

A sync reads every member of the LMS course, enrols the active ones (learners in the course's
banks; instructors teach them) and marks those who left (absent, Inactive or Deleted) as gone:
they are unenrolled, and their membership row, card states and review log are kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from requests import RequestException

from quizzes.lti import claims as c
from quizzes.lti.models import LtiContext, LtiUser
from quizzes.lti.services.launch import lti_user_link
from quizzes.lti.tool import service_connector
from quizzes.models import CourseMembership
from quizzes.services.courses import course_member_join, course_member_leave

NO_ROSTER_SERVICE = (
    "The platform offers no roster service for this course (enable Names and Role "
    "Provisioning for the tool, then launch it once)."
)


class RosterError(Exception):
    pass


@dataclass(frozen=True)
class RosterSummary:
    members: int
    joined: int
    left: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def _fetch(context: LtiContext) -> list[dict[str, Any]]:
    if not context.memberships_url:
        raise RosterError(NO_ROSTER_SERVICE)
    service = NamesRolesProvisioningService(
        service_connector(context.platform),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        return list(service.get_members())  # follows the Link: rel="next" pages
    except (LtiException, RequestException, ValueError, KeyError) as exc:
        response = getattr(exc, "response", None)
        status = f" (HTTP {response.status_code})" if response is not None else ""
        raise RosterError(f"{exc}{status}") from exc


def roster_sync(*, context: LtiContext, now: datetime) -> RosterSummary:
    """Bring the course's members in line with the platform's roster; errors are recorded on
    the context (and raised as RosterError) and change nothing else."""
    try:
        members = _fetch(context)
    except RosterError as exc:
        LtiContext.objects.filter(pk=context.pk).update(
            roster_error=str(exc)[:2000], roster_error_at=now
        )
        raise
    with transaction.atomic():
        summary = _apply(context=context, members=members, now=now)
        LtiContext.objects.filter(pk=context.pk).update(
            roster_synced_at=now, roster_error="", roster_summary=summary.to_json()
        )
    return summary


def _apply(*, context: LtiContext, members: list[dict[str, Any]], now: datetime) -> RosterSummary:
    course = context.course
    before = set(
        CourseMembership.objects.filter(course=course, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    present: set[int] = set()
    for member in members:
        sub = str(member.get("user_id") or "")
        if not sub or member.get("status", "Active") != "Active":
            continue
        user = lti_user_link(platform=context.platform, sub=sub, details=c.person(member), now=now)
        course_member_join(course=course, user=user, role=c.role_of(member.get("roles")), now=now)
        present.add(user.pk)
    # Only members this platform knows can leave through it; others were added here by hand.
    known = set(
        LtiUser.objects.filter(issuer=context.platform.issuer, user_id__in=before).values_list(
            "user_id", flat=True
        )
    )
    gone = known - present
    for membership in CourseMembership.objects.filter(
        course=course, user_id__in=gone
    ).select_related("user"):
        course_member_leave(course=course, user=membership.user, now=now)
    return RosterSummary(members=len(present), joined=len(present - before), left=len(gone))

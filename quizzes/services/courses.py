"""Writes on courses (cohorts): members join and leave; a course's banks.

A learner member is enrolled in every bank of the course; an instructor member teaches them.
Leaving keeps the membership row (with `left_at`) and all progress: unenrolling keeps card
states and the review log, so coming back resumes where the learner stopped.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quizzes.models import Bank, BankMembership, Course, CourseMembership
from quizzes.services.banks import enroll, unenroll


def _grant(*, bank: Bank, user: AbstractBaseUser, role: str) -> None:
    if bank.retired_at is not None:
        return
    if role == CourseMembership.Role.INSTRUCTOR:
        if bank.owner_id != user.pk:
            BankMembership.objects.get_or_create(
                bank=bank, user=user, defaults={"role": BankMembership.Role.INSTRUCTOR}
            )
    else:
        enroll(learner=user, bank=bank, by_instructor=True)


@transaction.atomic
def course_member_join(
    *, course: Course, user: AbstractBaseUser, role: str, now: datetime
) -> CourseMembership:
    """Add a member (or bring one back, or change their role) and give them the course's banks."""
    membership, created = CourseMembership.objects.get_or_create(
        course=course, user=user, defaults={"role": role, "joined_at": now}
    )
    if not created and (membership.role != role or membership.left_at is not None):
        if membership.left_at is not None:
            membership.joined_at = now
        membership.role = role
        membership.left_at = None
        membership.save(update_fields=["role", "left_at", "joined_at"])
    for bank in course.banks.all():
        _grant(bank=bank, user=user, role=role)
    return membership


@transaction.atomic
def course_member_leave(*, course: Course, user: AbstractBaseUser, now: datetime) -> bool:
    """Mark a member as gone and unenrol them from the course's banks (progress is kept).

    A bank another of their active courses also studies stays enrolled. Returns whether the
    user was an active member.
    """
    updated = CourseMembership.objects.filter(
        course=course, user=user, left_at__isnull=True
    ).update(left_at=now)
    if not updated:
        return False
    kept = set(
        Course.banks.through.objects.filter(
            course__memberships__user=user, course__memberships__left_at__isnull=True
        ).values_list("bank_id", flat=True)
    )
    for bank in course.banks.exclude(pk__in=kept):
        unenroll(learner=user, bank=bank)
    return True


@transaction.atomic
def course_bank_add(*, course: Course, bank: Bank) -> None:
    """Study a bank in the course: current members get it (learners enrolled, instructors)."""
    if course.banks.filter(pk=bank.pk).exists():
        return
    course.banks.add(bank)
    for membership in course.memberships.filter(left_at__isnull=True).select_related("user"):
        _grant(bank=bank, user=membership.user, role=membership.role)

"""Courses: cohorts of learners and instructors, usually an LMS course (an LTI context)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from quizzes.models.banks import Bank


class Course(models.Model):
    """A cohort studying some banks together: its members, and where it lives."""

    title = models.CharField(max_length=255)
    label = models.CharField(max_length=100, blank=True, help_text="The course code.")
    platform = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where the course lives (an LMS's name or issuer); blank for one made here.",
    )
    external_id = models.CharField(
        max_length=255, blank=True, help_text="The course's id on that platform (LTI context id)."
    )
    banks = models.ManyToManyField(Bank, blank=True, related_name="courses")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CourseMembership", related_name="courses"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.platform})" if self.platform else self.title


class CourseMembership(models.Model):
    """A user's place in a course. Leaving sets `left_at`; the row (and all progress) is kept."""

    class Role(models.TextChoices):
        LEARNER = "learner", "Learner"
        INSTRUCTOR = "instructor", "Instructor"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEARNER)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "user"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="uniq_course_membership"),
            models.CheckConstraint(
                condition=Q(role__in=["learner", "instructor"]), name="course_role_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course"], name="course_member_by_user"),
        ]

    def __str__(self) -> str:
        left = " (left)" if self.left_at else ""
        return f"{self.user} · {self.role} · {self.course}{left}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None

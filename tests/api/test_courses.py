"""Courses: the list each caller sees, and a course's learners' progress (JSON or CSV)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Course
from quizzes.services import courses
from tests.api.conftest import token_client
from tests.api.test_me import csv_rows
from tests.factories import BankFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_course_list_shows_members_and_teachers_their_courses(world, client_as, now):
    other = Course.objects.create(title="Elsewhere")
    courses.course_bank_add(course=other, bank=world.other_bank)
    learner_view = client_as("learner").get("/api/v1/courses").json()["results"]
    assert [(c["title"], c["role"], c["banks"]) for c in learner_view] == [
        ("Kernel modules 101", "learner", ["kmod"])
    ]
    assert (learner_view[0]["learners"], learner_view[0]["instructors"]) == (1, 0)
    teacher_view = client_as("instructor").get("/api/v1/courses").json()["results"]
    assert [(c["title"], c["role"]) for c in teacher_view] == [("Kernel modules 101", None)]
    assert [
        c["title"] for c in client_as("other_instructor").get("/api/v1/courses").json()["results"]
    ] == ["Elsewhere"]


def test_course_progress_has_a_row_per_learner_and_bank(world, client_as, now):
    second = BankFactory(slug="second", owner=world.instructor)
    courses.course_bank_add(course=world.course, bank=second)
    newcomer = UserFactory(username="newcomer")
    courses.course_member_join(course=world.course, user=newcomer, role="learner", now=now)
    rows = (
        client_as("instructor").get(f"/api/v1/courses/{world.course.pk}/progress").json()["results"]
    )
    assert [(r["learner"]["username"], r["bank"]) for r in rows] == [
        ("learner", "kmod"),
        ("learner", "second"),
        ("newcomer", "kmod"),
        ("newcomer", "second"),
    ]
    assert (rows[0]["reviews"], rows[0]["cards_total"], rows[1]["cards_total"]) == (1, 4, 0)


def test_a_learner_who_left_leaves_the_progress_but_keeps_their_history(world, client_as, now):
    courses.course_member_leave(course=world.course, user=world.learner, now=now)
    rows = client_as("instructor").get(f"/api/v1/courses/{world.course.pk}/progress").json()
    assert rows["results"] == []
    assert world.learner.review_logs.count() == 1
    assert not world.learner.enrollments.filter(bank=world.bank).exists()


def test_an_lms_service_account_reads_course_progress_as_csv(world, now):
    service = UserFactory(username="lms")
    service.user_permissions.add(Permission.objects.get(codename="view_bank_progress"))
    client = token_client(service, now=now, read_only=True, banks=[world.bank])
    response = client.get(f"/api/v1/courses/{world.course.pk}/progress?format=csv")
    assert response.status_code == HTTPStatus.OK
    assert [(r["learner.username"], r["bank"]) for r in csv_rows(response)] == [("learner", "kmod")]
    limited = token_client(service, now=now, banks=[world.other_bank])
    assert limited.get(f"/api/v1/courses/{world.course.pk}/progress").status_code == 404
    assert limited.get("/api/v1/courses").json()["results"] == []


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_course_lists_cost_the_same_queries_as_they_grow(world, client_as, now):
    client = client_as("instructor")
    progress = f"/api/v1/courses/{world.course.pk}/progress"
    few = (_queries(client, "/api/v1/courses"), _queries(client, progress))
    for n in range(15):
        course = Course.objects.create(title=f"Course {n:02}")
        courses.course_bank_add(course=course, bank=world.bank)
        for user in (UserFactory(username=f"l{n}"), UserFactory(username=f"m{n}")):
            courses.course_member_join(course=course, user=user, role="learner", now=now)
            courses.course_member_join(course=world.course, user=user, role="learner", now=now)
    many = (_queries(client, "/api/v1/courses"), _queries(client, progress))
    assert many == few
    assert len(client.get(progress).json()["results"]) == 31

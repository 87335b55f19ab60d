"""Roster sync (NRPS): members are enrolled, those who left are unenrolled with their history
kept; from `manage.py lti_sync_roster` and from the instructor's course page."""

from __future__ import annotations

import io
from http import HTTPStatus
from typing import Any

import pytest
import responses
from django.core.management import CommandError, call_command
from django.utils import timezone

from quizzes import services
from quizzes.lti.models import LtiContext, LtiUser
from quizzes.models import Card, CourseMembership, Enrollment, Rating, ReviewLog
from tests.lti.conftest import INSTRUCTOR_ROLE, LEARNER_ROLE, MEMBERSHIPS_URL

pytestmark = pytest.mark.django_db
PAGE_2 = MEMBERSHIPS_URL + "?page=2"


def _member(user_id: str, role: str = LEARNER_ROLE, status: str = "Active") -> dict[str, Any]:
    return {
        "user_id": user_id,
        "status": status,
        "roles": [role],
        "given_name": user_id.title(),
        "family_name": "Example",
        "email": f"{user_id}@example.edu",
    }


def _serve_roster(sim: Any, pages: list[list[dict[str, Any]]]) -> None:
    sim.mock_token()
    for index, members in enumerate(pages):
        url = MEMBERSHIPS_URL if index == 0 else f"{MEMBERSHIPS_URL}?page={index + 1}"
        headers = {}
        if index + 1 < len(pages):
            headers["Link"] = f'<{MEMBERSHIPS_URL}?page={index + 2}>; rel="next"'
        sim.mocks.add(
            responses.GET,
            url,
            json={"id": url, "context": {"id": "course-7"}, "members": members},
            headers=headers,
            match=[responses.matchers.query_string_matcher(url.partition("?")[2])],
        )


def test_a_roster_sync_enrols_members_and_unenrols_those_who_left(launcher, sim, bank):
    _client, _response = launcher.launch()  # Ada (lms-user-17) launched once, and studied
    ada = LtiUser.objects.get(sub="lms-user-17").user
    card = Card.objects.filter(bank=bank).first()
    services.review_submit(
        learner=ada, card=card, answer=True, rating=Rating.GOOD, now=timezone.now()
    )
    _serve_roster(
        sim,
        [
            [_member("grace"), _member("alan", INSTRUCTOR_ROLE)],
            [_member("edsger", status="Inactive"), _member("barbara")],
        ],
    )
    out = io.StringIO()
    call_command("lti_sync_roster", stdout=out)
    assert "3 members, 3 joined, 1 left" in out.getvalue()
    course = LtiContext.objects.get().course
    active = {
        m.user.first_name: m.role
        for m in CourseMembership.objects.filter(course=course, left_at__isnull=True)
    }
    assert active == {"Grace": "learner", "Alan": "instructor", "Barbara": "learner"}
    enrolled = set(
        Enrollment.objects.filter(bank=bank).values_list("learner__first_name", flat=True)
    )
    assert enrolled == {"Grace", "Barbara"}
    gone = CourseMembership.objects.get(course=course, user=ada)
    assert gone.left_at is not None
    assert ReviewLog.objects.filter(learner=ada).count() == 1  # history kept
    assert bank.memberships.filter(user__first_name="Alan").exists()
    context = LtiContext.objects.get()
    assert context.roster_summary == {"members": 3, "joined": 3, "left": 1}


def test_the_course_page_button_syncs_the_roster(launcher, sim):
    client, response = launcher.launch(role=INSTRUCTOR_ROLE, sub="lms-teacher-1")
    _serve_roster(sim, [[_member("lms-teacher-1", INSTRUCTOR_ROLE), _member("grace")]])
    course_url = response["Location"]
    sync = client.post(course_url + "roster/", secure=True)
    assert sync.status_code == HTTPStatus.FOUND and sync["Location"] == course_url
    page = client.get(course_url, secure=True).content.decode()
    assert "2 members, 1 joined, 0 left" in page and "Grace Example" in page


def test_a_failed_roster_sync_is_recorded_and_changes_nothing(launcher, sim):
    launcher.launch()
    sim.mock_token()
    sim.mocks.add(responses.GET, MEMBERSHIPS_URL, status=500, body="boom")
    before = CourseMembership.objects.filter(left_at__isnull=True).count()
    with pytest.raises(CommandError):
        call_command("lti_sync_roster", stdout=io.StringIO(), stderr=io.StringIO())
    assert CourseMembership.objects.filter(left_at__isnull=True).count() == before
    context = LtiContext.objects.get()
    assert "500" in context.roster_error and context.roster_synced_at is None


def test_only_the_course_instructors_see_the_course_page(launcher):
    learner_client, _response = launcher.launch()
    course = LtiContext.objects.get().course
    assert learner_client.get(f"/lti/courses/{course.pk}/", secure=True).status_code == 404
    assert learner_client.post(f"/lti/courses/{course.pk}/roster/", secure=True).status_code == 404

"""Sign in and out, sign-up (when enabled), password change and reset, the settings page."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from quizzes.models import Enrollment, LearnerProfile
from quizzes.services.accounts import TIMEZONE_UNKNOWN
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(world):
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert 'autocomplete="current-password"' in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse("login"), {"username": "ada", "password": "pw-for-tests"})
    assert response["Location"] == reverse("home")
    assert client.post(reverse("logout")).status_code == HTTPStatus.FOUND
    assert client.get(reverse("progress")).status_code == HTTPStatus.FOUND


def test_sign_up_creates_an_account_in_the_browsers_time_zone(db):
    client = Client()
    assert "Create an account" in client.get(reverse("login")).content.decode()
    response = client.post(
        reverse("signup"),
        {
            "username": "grace",
            "email": "grace@example.com",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user = get_user_model().objects.get(username="grace")
    assert LearnerProfile.objects.get(user=user).timezone == "Europe/Berlin"
    assert client.get("/").context["user"] == user


def test_sign_up_ignores_an_unknown_time_zone(db):
    Client().post(
        reverse("signup"),
        {
            "username": "linus",
            "email": "l@example.com",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "timezone": "Mars/Olympus",
        },
    )
    user = get_user_model().objects.get(username="linus")
    assert not LearnerProfile.objects.filter(user=user).exclude(timezone="UTC").exists()


def test_sign_up_can_be_turned_off(db, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "SIGNUP_ENABLED": False}
    client = Client()
    assert client.get(reverse("signup")).status_code == HTTPStatus.NOT_FOUND
    assert reverse("signup") not in client.get(reverse("login")).content.decode()


def test_password_change(world, learner_client):
    page = learner_client.get(reverse("password_change")).content.decode()
    assert 'name="old_password"' in page and "Change your password" in page
    response = learner_client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests",
            "new_password1": "another-long-phrase-7",
            "new_password2": "another-long-phrase-7",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    world.learner.refresh_from_db()
    assert world.learner.check_password("another-long-phrase-7")


def test_password_reset_sends_a_link_that_sets_a_new_password(world):
    client = Client()
    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your kmodquiz password"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    page = client.get(form_url).content.decode()
    assert "Choose a new password" in page
    client.post(
        form_url, {"new_password1": "brand-new-phrase-9", "new_password2": "brand-new-phrase-9"}
    )
    world.learner.refresh_from_db()
    assert world.learner.check_password("brand-new-phrase-9")


def test_settings_page_saves_the_profile_and_new_limits_reach_enrolments(world, learner_client):
    page = learner_client.get(reverse("settings")).content.decode()
    assert "data-suggest-zone" in page  # still UTC: the browser's zone is offered
    assert re.search(r'name="bury_new_siblings"[^>]*checked', page)  # on by default, as Anki
    response = learner_client.post(
        reverse("settings"),
        {
            "timezone": "America/New_York",
            "day_start_hour": "5",
            "new_per_day": "7",
            "reviews_per_day": "150",
            "desired_retention": "0.85",
            "bury_review_siblings": "on",  # a box left unticked: bury_new_siblings turns off
        },
    )
    assert response["Location"] == reverse("settings")
    profile = LearnerProfile.objects.get(user=world.learner)
    assert (profile.timezone, profile.day_start_hour, profile.new_per_day) == (
        "America/New_York",
        5,
        7,
    )
    assert profile.desired_retention == pytest.approx(0.85)
    assert (profile.bury_new_siblings, profile.bury_review_siblings) == (False, True)
    assert Enrollment.objects.get(learner=world.learner).new_per_day == 7
    assert "data-suggest-zone" not in learner_client.get(reverse("settings")).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("desired_retention", "0.5"), ("day_start_hour", "24"), ("new_per_day", "-1")],
)
def test_settings_page_refuses_values_out_of_range(world, learner_client, field, value):
    data = {
        "timezone": "UTC",
        "day_start_hour": "4",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "desired_retention": "0.9",
        field: value,
    }
    response = learner_client.post(reverse("settings"), data)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors[field]
    assert LearnerProfile.objects.get(user=world.learner).desired_retention == 0.9


def test_the_settings_time_zone_list_has_no_invalid_names(world, learner_client):
    response = learner_client.post(
        reverse("settings"),
        {
            "timezone": "Mars/Olympus",
            "day_start_hour": "4",
            "new_per_day": "20",
            "reviews_per_day": "200",
            "desired_retention": "0.9",
        },
    )
    assert response.context["form"].errors["timezone"]
    assert TIMEZONE_UNKNOWN  # the service's own check stays behind the form's


def test_settings_need_sign_in(db):
    assert Client().get(reverse("settings")).status_code == HTTPStatus.FOUND


def test_a_second_user_cannot_read_the_first_ones_settings(world):
    UserFactory(username="eve")
    client = Client()
    client.force_login(world.other_learner)
    client.post(
        reverse("settings"),
        {
            "timezone": "Asia/Tokyo",
            "day_start_hour": "4",
            "new_per_day": "20",
            "reviews_per_day": "200",
            "desired_retention": "0.9",
        },
    )
    assert not LearnerProfile.objects.filter(user=world.learner, timezone="Asia/Tokyo").exists()


def test_settings_page_shows_the_parameters_and_queues_a_fit(world, learner_client):
    from quizzes.models import ParameterFit

    page = learner_client.get(reverse("settings")).content.decode()
    assert "default parameters" in page
    response = learner_client.post(reverse("settings-optimise"))
    assert response.status_code == 302 and response["Location"] == reverse("settings")
    fit = ParameterFit.objects.get(learner=world.learner)
    page = learner_client.get(reverse("settings")).content.decode()
    assert fit.message in page or "Waiting to run" in page


def test_settings_page_shows_the_fit_in_use_with_its_figures(world, learner_client):
    from django.utils import timezone

    from quizzes.models import LearnerProfile, ParameterFit

    LearnerProfile.objects.filter(user=world.learner).update(fsrs_parameters=[0.3] * 21)
    ParameterFit.objects.create(
        learner=world.learner,
        requested_at=timezone.now(),
        finished_at=timezone.now(),
        status=ParameterFit.Status.DONE,
        reviews=1234,
        test_items=200,
        log_loss_before=0.4111,
        log_loss_after=0.3999,
        rmse_before=0.0555,
        rmse_after=0.0444,
        kept=True,
        parameters=[0.3] * 21,
        message="kept",
    )
    page = learner_client.get(reverse("settings")).content.decode()
    assert "parameters fitted to your reviews" in page
    assert "from 1234 reviews" in page
    assert "0.3999" in page and "0.4111" in page and "0.0444" in page and "0.0555" in page
    learner_client.post(reverse("settings-parameters-default"))
    assert LearnerProfile.objects.get(user=world.learner).fsrs_parameters == []


def test_the_parameter_actions_need_a_post(world, learner_client):
    assert learner_client.get(reverse("settings-optimise")).status_code == 405

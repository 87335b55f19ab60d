"""The pages of the foundation: sign in, see the banks and what is due; the admin works."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from quizzes import services
from quizzes.models import Bank
from tests.factories import BankFactory, EnrollmentFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_the_landing_page_with_a_sign_in_link(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert reverse("login") in response.content.decode()


def test_a_learner_signs_in_and_sees_banks_and_what_is_due(client):
    learner = UserFactory(username="ada")
    bank = BankFactory(title="Kernel modules")
    EnrollmentFactory(learner=learner, bank=bank)
    for kind in ("true_false", "single_choice", "cloze"):
        QuestionFactory(bank=bank, kind=kind)
    response = client.post(reverse("login"), {"username": "ada", "password": "pw-for-tests"})
    assert response.status_code == HTTPStatus.FOUND
    page = client.get("/").content.decode()
    assert "Kernel modules" in page
    assert '<td class="num new">4</td>' in page  # 3 questions, the cloze makes two cards


def test_public_banks_are_offered_for_enrolment_and_enrol_works(client):
    learner = UserFactory()
    bank = BankFactory(title="Open bank")
    BankFactory(title="Secret bank", visibility=Bank.Visibility.PRIVATE)
    client.force_login(learner)
    page = client.get("/").content.decode()
    assert "Open bank" in page and "Secret bank" not in page
    response = client.post(reverse("bank-enroll", args=[bank.slug]))
    assert response.status_code == HTTPStatus.FOUND
    assert bank.enrollments.filter(learner=learner).exists()


def test_private_banks_are_hidden_from_strangers(client):
    bank = BankFactory(visibility=Bank.Visibility.PRIVATE)
    client.force_login(UserFactory())
    assert client.get(bank.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse("bank-enroll", args=[bank.slug])).status_code == 404


def test_bank_page_shows_todays_counts_to_an_enrolled_learner(client, now):
    learner = UserFactory()
    bank = BankFactory()
    services.enroll(learner=learner, bank=bank)
    QuestionFactory(bank=bank, kind="true_false")
    client.force_login(learner)
    page = client.get(bank.get_absolute_url()).content.decode()
    assert '<strong class="new">1</strong> new' in page


@pytest.mark.parametrize(
    "model",
    [
        "bank",
        "question",
        "card",
        "cardstate",
        "reviewlog",
        "attempt",
        "learnerprofile",
        "enrollment",
        "topic",
        "importrun",
        "bankmembership",
        "questionreport",
        "knox:authtoken",
    ],
)
def test_admin_changelists_work_with_filters_and_search(admin_client, model):
    QuestionFactory(kind="cloze")
    app, _, name = model.rpartition(":")
    url = reverse(f"admin:{app or 'quizzes'}_{name}_changelist")
    assert admin_client.get(url).status_code == HTTPStatus.OK
    assert admin_client.get(url, {"q": "q-"}).status_code == HTTPStatus.OK

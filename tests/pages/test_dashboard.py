"""The dashboard and a bank's page: counts per bank, streak, Study now, enrolment."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Bank, Enrollment
from tests.factories import BankFactory, QuestionFactory, card_of

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_each_bank_with_todays_counts_and_study_now(world, learner_client):
    page = learner_client.get("/").content.decode()
    assert "Kernel modules" in page and "Other bank" not in page.split("Available banks")[0]
    assert '<td class="num new">10</td>' in page
    assert '<td class="num due">0</td>' in page
    assert reverse("study", args=["kmods"]) in page and "Study now" in page


def test_studying_moves_the_counts_learned_and_streak(world, learner_client, midday_clock):
    now = timezone.now()  # what the page reads, hours before the rollover: steps stay today
    card = card_of(world.questions["true_false"])
    services.review_submit(
        learner=world.learner, card=card, answer=True, rating=4, now=now - timedelta(days=1)
    )
    flash = card_of(world.questions["flashcard"])
    services.review_submit(learner=world.learner, card=flash, answer=None, rating=3, now=now)
    page = learner_client.get("/").content.decode()
    assert '<td class="num new">8</td>' in page
    assert '<td class="num learning">1</td>' in page
    assert '<td class="num learned">1</td>' in page
    assert '<td class="num streak-cell">2d</td>' in page
    assert re.search(r'class="streak-badge">2</span> days in a row', page)


def test_a_bank_with_nothing_left_says_done_for_today(world, learner_client):
    Enrollment.objects.filter(learner=world.learner).update(new_per_day=0)
    assert "Done for today" in learner_client.get("/").content.decode()


def test_public_banks_to_enrol_in_exclude_private_and_enrolled_ones(world, learner_client):
    BankFactory(title="Secret bank", visibility=Bank.Visibility.PRIVATE)
    page = learner_client.get("/").content.decode()
    offered = page.split("Available banks")[1]
    assert "Other bank" in offered
    assert "Secret bank" not in offered and "Kernel modules" not in offered


def test_a_bank_page_offers_study_to_its_learners_and_enrolment_to_others(world):
    client = Client()
    client.force_login(world.other_learner)
    page = client.get(world.bank.get_absolute_url()).content.decode()
    assert "Enrol in this bank" in page and "Study now" not in page
    client.post(reverse("bank-enroll", args=["kmods"]))
    page = client.get(world.bank.get_absolute_url()).content.decode()
    assert "Study now" in page and '<strong class="new">10</strong> new' in page


def test_leaving_a_bank_keeps_progress_for_a_return(world, learner_client):
    card = card_of(world.questions["true_false"])
    services.review_submit(
        learner=world.learner, card=card, answer=True, rating=3, now=timezone.now()
    )
    response = learner_client.post(reverse("bank-unenroll", args=["kmods"]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Enrollment.objects.filter(learner=world.learner, bank=world.bank).exists()
    assert world.learner.review_logs.count() == 1


def test_the_bank_page_links_its_instructor_to_the_teaching_pages(world, instructor_client):
    page = instructor_client.get(world.bank.get_absolute_url()).content.decode()
    assert reverse("teach-bank", args=["kmods"]) in page
    assert 'href="/teach/' in page  # the Teach link of the top bar


def test_learners_do_not_see_the_teach_link(world, learner_client):
    assert 'href="/teach/' not in learner_client.get("/").content.decode()


def test_a_bank_description_is_rendered_as_sanitised_markdown(world, learner_client):
    Bank.objects.filter(pk=world.bank.pk).update(
        description="Learn `lsmod`. <script>alert(1)</script>"
    )
    page = learner_client.get(world.bank.get_absolute_url()).content.decode()
    assert "<code>lsmod</code>" in page and "<script>alert" not in page


def test_the_dashboard_query_count_does_not_depend_on_bank_size(world, learner_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            learner_client.get("/")
        return len(ctx.captured_queries)

    before = count()
    for _ in range(30):
        QuestionFactory(bank=world.bank)
    assert count() == before

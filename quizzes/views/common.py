"""Helpers shared by the page views: who may see a bank, and rendering in the learner's zone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from quizzes import conf, scheduling, selectors, services
from quizzes.models import Bank, BankMembership


def render_local(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render with times shown in the learner's own time zone (their profile's)."""
    if request.user.is_authenticated:
        profile = selectors.learner_profile_get(learner=request.user)
        with timezone.override(scheduling.zone(profile.timezone)):
            return render(request, template, context, status=status)
    return render(request, template, context, status=status)


def enrolled_bank(request: HttpRequest, slug: str) -> Bank:
    """A bank the signed-in learner is enrolled in, or 404 (one query)."""
    bank = Bank.objects.filter(
        slug=slug, retired_at__isnull=True, enrollments__learner=request.user
    ).first()
    if bank is None:
        raise Http404("You are not enrolled in this bank.")
    return bank


def taught_banks(user: AbstractBaseUser) -> QuerySet[Bank]:
    """Banks the user may change: owned, instructed (membership), or all for a superuser."""
    if user.is_superuser:
        return Bank.objects.all()
    return Bank.objects.filter(
        Q(owner=user) | Q(memberships__user=user, memberships__role=BankMembership.Role.INSTRUCTOR)
    ).distinct()


def taught_bank(request: HttpRequest, slug: str) -> Bank:
    """A bank the user teaches, or 404: others must not even learn that it exists."""
    bank = get_object_or_404(Bank, slug=slug)
    if not services.user_is_bank_instructor(user=request.user, bank=bank):
        raise Http404("No such bank among yours.")
    return bank


def is_instructor(user: AbstractBaseUser) -> bool:
    """Whether to show the Teach link: the user teaches a bank or may create one."""
    if not user.is_authenticated:
        return False
    return user.has_perm("quizzes.add_bank") or taught_banks(user).exists()


def nav(request: HttpRequest) -> dict[str, Any]:
    """Template context for every page (a context processor): what the top bar offers."""
    return {
        # Lazy: a page that never shows the Teach link (the landing page) asks nothing.
        "show_teach": SimpleLazyObject(lambda: is_instructor(request.user)),
        "signup_enabled": conf.get("SIGNUP_ENABLED"),
    }

"""Sign-up (when the setting allows it) and the learner's settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import conf, selectors
from quizzes.forms import ProfileForm, SignupForm
from quizzes.services import optimise
from quizzes.services.accounts import PROFILE_FIELDS, profile_update, timezone_is_valid
from quizzes.views.common import render_local


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and sign in; 404 when KMODQUIZ["SIGNUP_ENABLED"] is off."""
    if not conf.get("SIGNUP_ENABLED"):
        raise Http404("Sign-up is closed on this site.")
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            zone = form.cleaned_data.get("timezone") or ""
            if zone and timezone_is_valid(zone):
                # The browser told us where the learner is: their day starts there.
                profile_update(learner=user, timezone=zone)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Enrol in a bank below to start studying.")
        return redirect("home")
    return render_local(request, "quizzes/accounts/signup.html", {"form": form})


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Time zone, the hour the day starts, daily limits, desired retention, burying siblings."""
    profile = selectors.learner_profile_get(learner=request.user)
    initial = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        try:
            profile_update(learner=request.user, **changes)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Settings saved.")
            return redirect("settings")
    return render_local(
        request,
        "quizzes/settings.html",
        {
            "form": form,
            # Still the default zone: the page offers the browser's (study.js fills it in).
            "suggest_browser_zone": profile.timezone == "UTC" and not request.POST,
            "personal": bool(profile.fsrs_parameters),
            "fit_in_use": optimise.parameter_fit_in_use(learner=request.user),
            "fits": optimise.parameter_fits_recent(learner=request.user),
            "min_reviews": conf.get("OPTIMISER_MIN_REVIEWS"),
        },
    )


@login_required
@require_POST
def settings_optimise(request: HttpRequest) -> HttpResponse:
    """Queue a fit of the learner's scheduler parameters (a background task)."""
    fit = optimise.parameter_fit_request(learner=request.user, now=timezone.now())
    fit.refresh_from_db()
    if fit.status == fit.Status.QUEUED:
        messages.info(request, "Optimising your parameters: the result appears here shortly.")
    else:
        messages.info(request, f"Optimised: {fit.message}")
    return redirect("settings")


@login_required
@require_POST
def settings_parameters_reset(request: HttpRequest) -> HttpResponse:
    optimise.parameters_reset(learner=request.user)
    messages.success(request, "The scheduler uses the default parameters again.")
    return redirect("settings")

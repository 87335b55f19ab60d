"""Personal scheduler parameters: fitting FSRS to a learner's review log, as a background task.

`parameter_fit_request` records a queued run and hands it to the tasks framework; the task calls
`parameter_fit_run`, which converts the log (elapsed time in the learner's days, as Anki does),
fits on the earlier reviews, tests on the later ones, records the run and — only when the fitted
parameters predict the held-out reviews better — makes them the learner's parameters.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count

from quizzes import conf, scheduling
from quizzes.models import CardStatus, LearnerProfile, ParameterFit, ReviewLog
from quizzes.selectors import learner_profile_get
from quizzes.services.daily_stats import DayFinder


def learner_history(
    *, learner: AbstractBaseUser, profile: LearnerProfile
) -> list[scheduling.HistoryReview]:
    """The learner's live reviews as the optimiser's history, in the order they were made."""
    rows = (
        ReviewLog.objects.filter(learner=learner, undone_at__isnull=True)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "reviewed_at", "rating", "status_before")
    )
    find_day = DayFinder(profile.timezone, profile.day_start_hour)
    return [
        scheduling.HistoryReview(
            card_id=card_id,
            order=order,
            day=find_day(reviewed_at),
            rating=rating,
            was_new=status_before == CardStatus.NEW,
        )
        for order, (card_id, reviewed_at, rating, status_before) in enumerate(
            rows.iterator(chunk_size=5000)
        )
    ]


def parameter_fit_request(*, learner: AbstractBaseUser, now: datetime) -> ParameterFit:
    """Queue a fit of the learner's parameters; a run already waiting is returned instead."""
    from quizzes import tasks  # the tasks module imports this one

    with transaction.atomic():
        learner_profile_get(learner=learner)
        # Lock the profile row, so that two requests at once queue one run.
        LearnerProfile.objects.select_for_update().filter(user=learner).first()
        waiting = ParameterFit.objects.filter(
            learner=learner, status=ParameterFit.Status.QUEUED
        ).first()
        if waiting is not None:
            return waiting
        fit = ParameterFit.objects.create(learner=learner, requested_at=now)
        transaction.on_commit(lambda: tasks.optimise_parameters.enqueue(fit_id=fit.pk))
    return fit


def parameter_fit_run(*, fit_id: int, now: datetime) -> ParameterFit:
    """Do a queued fit (once: a run that is no longer queued is returned as it is)."""
    fit = ParameterFit.objects.select_related("learner").get(pk=fit_id)
    if fit.status != ParameterFit.Status.QUEUED:
        return fit
    learner = fit.learner
    profile = learner_profile_get(learner=learner)
    history = learner_history(learner=learner, profile=profile)
    current = tuple(profile.fsrs_parameters or ()) or scheduling.DEFAULT_PARAMETERS
    try:
        outcome = scheduling.fit_parameters(
            history,
            current=current,
            reviews=len(history),
            min_reviews=conf.get("OPTIMISER_MIN_REVIEWS"),
            min_test_items=conf.get("OPTIMISER_MIN_TEST_ITEMS"),
        )
    except Exception as exc:  # recorded on the run, so the learner sees it failed and why
        ParameterFit.objects.filter(pk=fit.pk).update(
            status=ParameterFit.Status.FAILED,
            finished_at=now,
            reviews=len(history),
            message=f"The optimiser failed: {exc}",
        )
        fit.refresh_from_db()
        return fit
    with transaction.atomic():
        fit = ParameterFit.objects.select_for_update().get(pk=fit.pk)
        if fit.status != ParameterFit.Status.QUEUED:
            return fit  # a twin run finished first
        fit.status = ParameterFit.Status.DONE
        fit.finished_at = now
        fit.reviews = len(history)
        fit.train_items, fit.test_items = outcome.train_items, outcome.test_items
        fit.parameters_before = list(current)
        fit.parameters = list(outcome.parameters)
        if outcome.before is not None and outcome.after is not None:
            fit.log_loss_before, fit.rmse_before = outcome.before.log_loss, outcome.before.rmse
            fit.log_loss_after, fit.rmse_after = outcome.after.log_loss, outcome.after.rmse
        fit.kept = outcome.kept
        fit.message = outcome.message
        fit.save()
        if outcome.kept:
            LearnerProfile.objects.filter(user=learner).update(
                fsrs_parameters=list(outcome.parameters)
            )
    return fit


def parameters_reset(*, learner: AbstractBaseUser) -> LearnerProfile:
    """Go back to the default parameters."""
    profile = learner_profile_get(learner=learner)
    profile.fsrs_parameters = []
    profile.save(update_fields=["fsrs_parameters"])
    return profile


def learners_to_optimise(*, min_reviews: int) -> list[int]:
    """Ids of learners with at least `min_reviews` live reviews."""
    return list(
        ReviewLog.objects.filter(undone_at__isnull=True)
        .order_by()
        .values("learner_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_reviews)
        .values_list("learner_id", flat=True)
    )


def parameter_fits_recent(*, learner: AbstractBaseUser, limit: int = 5) -> list[ParameterFit]:
    """The learner's latest optimiser runs, newest first."""
    return list(ParameterFit.objects.filter(learner=learner)[:limit])


def parameter_fit_in_use(*, learner: AbstractBaseUser) -> ParameterFit | None:
    """The run whose parameters the learner has now (None when they use the defaults)."""
    profile = LearnerProfile.objects.filter(user=learner).first()
    if profile is None or not profile.fsrs_parameters:
        return None
    fit = (
        ParameterFit.objects.filter(learner=learner, kept=True)
        .order_by("-finished_at", "-id")
        .first()
    )
    return fit if fit is not None and fit.parameters == profile.fsrs_parameters else None

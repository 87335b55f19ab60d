"""The learner's scheduler parameters: the latest optimiser runs, and asking for a new one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import conf, scheduling
from quizzes.api import clock
from quizzes.api.permissions import require_unlimited_token
from quizzes.api.serializers.parameters import ParameterFitSerializer, ParametersSerializer
from quizzes.api.views.base import READ, WRITE, errors
from quizzes.selectors import learner_profile_get
from quizzes.services import optimise

FITS_SHOWN = 10


class MyOptimiseView(APIView):
    @extend_schema(
        summary="Your scheduler parameters and the optimiser's runs",
        description="Whether the scheduler uses FSRS's default parameters or ones fitted to "
        "your reviews, and the latest runs of the optimiser with their log loss and RMSE on "
        "your held-out later reviews, before (your parameters then) and after (the fitted ones). "
        "Needs a token not limited to banks (the parameters are fitted to all your reviews).",
        responses={200: ParametersSerializer, **errors(*READ)},
    )
    def get(self, request: Request) -> Response:
        require_unlimited_token(request)  # fitted on the reviews of every bank
        profile = learner_profile_get(learner=request.user)
        personal = bool(profile.fsrs_parameters)
        data = {
            "personal": personal,
            "parameters": list(profile.fsrs_parameters or scheduling.DEFAULT_PARAMETERS),
            "min_reviews": conf.get("OPTIMISER_MIN_REVIEWS"),
            "fits": optimise.parameter_fits_recent(learner=request.user, limit=FITS_SHOWN),
        }
        return Response(ParametersSerializer(data).data)

    @extend_schema(
        summary="Fit your scheduler parameters",
        description="Queues a run of the optimiser (a background task) and answers 202 with it; "
        "follow it with GET. A run already waiting is returned instead of a second one. The "
        "fitted parameters replace yours only when you have enough reviews and they predict your "
        "later reviews, held out from the fit, better by both log loss and RMSE. Needs a token "
        "not limited to banks (the parameters apply to all of them).",
        request=None,
        responses={202: ParameterFitSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request) -> Response:
        require_unlimited_token(request)  # the parameters apply to every bank
        fit = optimise.parameter_fit_request(learner=request.user, now=clock.now())
        fit.refresh_from_db()
        return Response(ParameterFitSerializer(fit).data, status=status.HTTP_202_ACCEPTED)

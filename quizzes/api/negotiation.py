"""Content negotiation that refuses an empty `?format=` (DRF would ignore it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

EMPTY_FORMAT = "The format is empty: leave the parameter out, or name a format (json, csv)."


class StrictContentNegotiation(DefaultContentNegotiation):
    """As DRF's, except that `?format=` with no value is a 400, as other empty query values are.

    The schema's `format` is an enum without an empty member; DRF takes an empty value as absent.
    """

    def select_renderer(
        self,
        request: Request,
        renderers: Sequence[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[Any, str]:
        name = settings.REST_FRAMEWORK.get("URL_FORMAT_OVERRIDE", "format")
        if not format_suffix and name and request.query_params.get(name, None) == "":
            raise ValidationError({name: [EMPTY_FORMAT]})
        return super().select_renderer(request, renderers, format_suffix)

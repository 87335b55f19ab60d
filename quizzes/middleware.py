"""JSON answers for request bodies the API cannot take: too large (413) or not UTF-8 (400).

Django answers an oversized body with an HTML 400, raised lazily when something reads the body;
DRF's parsers read the stream directly and never check the limit at all. Under /api/ this
middleware refuses a body whose Content-Length exceeds DATA_UPLOAD_MAX_MEMORY_SIZE before
anything reads it, and turns the errors Django raises while reading into the API's error body.
A multipart upload (an import's file) may be as large as IMPORT_MAX_BYTES, plus room for the
form's other fields.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from quizzes import conf
from quizzes.api.exceptions import BODY_NOT_UTF8, BODY_TOO_LARGE, json_error

API_PREFIX = "/api/"
MULTIPART_SLACK = 64 * 1024  # the other fields and the part headers of an upload


class ApiRequestBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
                limit = max(limit or 0, conf.get("IMPORT_MAX_BYTES") + MULTIPART_SLACK)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return json_error(400, "bad_request", "Invalid Content-Length header.")
            if limit is not None and length > limit:
                return _too_large(limit)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if isinstance(exception, UnicodeDecodeError):
            return json_error(400, "parse_error", BODY_NOT_UTF8)
        return None


def _too_large(limit: int | None) -> HttpResponse:
    return json_error(413, "payload_too_large", BODY_TOO_LARGE.format(limit=limit))

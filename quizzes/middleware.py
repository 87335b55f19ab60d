"""JSON answers for request bodies the API cannot take: too large (413) or not UTF-8 (400);
and chunked bodies, read rather than taken as empty.

Django answers an oversized body with an HTML 400, raised lazily when something reads the body;
DRF's parsers read the stream directly and never check the limit at all. Under /api/ this
middleware refuses a body whose Content-Length exceeds DATA_UPLOAD_MAX_MEMORY_SIZE before
anything reads it, and turns the errors Django raises while reading into the API's error body.

A body sent with `Transfer-Encoding: chunked` has no Content-Length, and Django reads such a
body as empty. When the server has decoded the chunks (gunicorn does, and says so with
`wsgi.input_terminated`), the body is read here, up to the size limit; when it cannot (Django's
runserver), the request is refused with 411 rather than silently seen as empty.

A multipart upload (an import's file) may be as large as IMPORT_MAX_BYTES, plus room for the
form's other fields.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse

from quizzes import conf
from quizzes.api.exceptions import BODY_NOT_UTF8, BODY_TOO_LARGE, json_error

API_PREFIX = "/api/"
LENGTH_REQUIRED = "Send the body with a Content-Length: this server cannot read a chunked body."

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
            if not length and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                refused = _read_chunked(request, limit)
                if refused is not None:
                    return refused
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


def _read_chunked(request: HttpRequest, limit: int | None) -> HttpResponse | None:
    """Read a chunked body the server has decoded; a refusal when it cannot be taken."""
    environ = getattr(request, "environ", {})
    if not environ.get("wsgi.input_terminated"):
        return json_error(411, "length_required", LENGTH_REQUIRED)
    stream = environ["wsgi.input"]
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        return _too_large(limit)
    request._stream = LimitedStream(io.BytesIO(raw), len(raw))  # type: ignore[attr-defined]
    request.META["CONTENT_LENGTH"] = str(len(raw))
    return None

"""Every 4xx and 5xx under /api/ has the API's JSON error body, whoever made it.

Most errors come from DRF's exception handler already. The rest are made by Django before or
around the view, as HTML: a `Host` header not in ALLOWED_HOSTS (400), a path no route matches,
CSRF failures, an uncaught exception (500). This middleware, the outermost one, replaces any
such non-JSON error answer under /api/ with `{"error": {"code", "message", "fields"}}`, keeping
the status and the headers that matter (Allow, Retry-After, WWW-Authenticate).

Errors that never reach Django (a malformed request line, a request line or header too long)
are answered by the front server (gunicorn, the proxy): docs/deployment.md says how to make
those JSON too.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from quizzes.api.exceptions import json_error

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


def is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.split(";")[0].strip().lower() == "application/json"


def as_json_error(response: HttpResponse) -> HttpResponse:
    """The same status (and the headers that matter) with the API's error body."""
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code = CODES.get(status, "server_error" if status >= 500 else "error")
    replacement = json_error(status, code, f"{phrase}.")
    for name in KEPT_HEADERS:
        if name in response:
            replacement[name] = response[name]
    return replacement


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not is_json(response)
        ):
            return as_json_error(response)
        return response

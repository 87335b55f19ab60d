"""One error body for every 4xx: `{"error": {"code": ..., "message": ..., "fields": {...}}}`.

DRF's own errors, Django's ValidationError raised by services (mapped by their `code`), 404s,
grading.InvalidAnswer and oversized or undecodable bodies all come out in this shape, as JSON
whatever renderer the request negotiated.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from quizzes.grading import InvalidAnswer

BODY_TOO_LARGE = "The request body is larger than {limit} bytes."
BODY_NOT_UTF8 = "The request body is not valid UTF-8."
NOT_FOUND = "Not found."
INVALID_FIELDS = "Some fields are invalid."

# Service errors (Django ValidationError codes) that are not plain bad input.
_SERVICE_STATUS = {
    "idempotency_conflict": status.HTTP_409_CONFLICT,
    "nothing_to_undo": status.HTTP_409_CONFLICT,
    "suspended": status.HTTP_409_CONFLICT,
    "retired": status.HTTP_409_CONFLICT,
    "already_resolved": status.HTTP_409_CONFLICT,
    "conflict": status.HTTP_409_CONFLICT,
    "not_enrolled": status.HTTP_403_FORBIDDEN,
    "private": status.HTTP_403_FORBIDDEN,
    "forbidden": status.HTTP_403_FORBIDDEN,
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def json_error(status_code: int, code: str, message: str) -> JsonResponse:
    """An error response outside DRF (middleware), in the same shape."""
    return JsonResponse(
        error_body(code, message), status=status_code, json_dumps_params={"separators": (",", ":")}
    )


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"spec.options[0].id": ["message", ...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, path))
    elif isinstance(detail, list) and any(isinstance(v, dict | list) for v in detail):
        for index, value in enumerate(detail):
            if value:
                out.update(_flatten(value, f"{prefix}[{index}]"))
    elif isinstance(detail, list):
        out[prefix or "non_field_errors"] = [str(v) for v in detail]
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _first_code(detail: Any) -> str | None:
    codes = detail
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes) if codes else None


def _from_api_exception(exc: exceptions.APIException) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(exc.detail, dict):
            message = INVALID_FIELDS
            if list(fields) == ["non_field_errors"]:
                message = fields.pop("non_field_errors")[0]
        else:
            message = next(iter(fields.values()))[0]
            fields = {}
        code = "invalid"
        if not fields:
            code = _first_code(exc.get_codes()) or code
        return exc.status_code, error_body(code, message, fields)
    code = _first_code(exc.get_codes()) or exc.default_code
    if isinstance(exc, exceptions.ParseError):
        code = "parse_error"
    detail = exc.detail
    message = str(detail if not isinstance(detail, dict | list) else _first_message(detail))
    return exc.status_code, error_body(code, message)


def _first_message(detail: Any) -> str:
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def _from_django_validation(exc: DjangoValidationError) -> tuple[int, dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        code = next((e.code for v in exc.error_dict.values() for e in v if e.code), "invalid")
        return status.HTTP_400_BAD_REQUEST, error_body(code or "invalid", INVALID_FIELDS, fields)
    code = getattr(exc, "code", None) or "invalid"
    return _SERVICE_STATUS.get(code, status.HTTP_400_BAD_REQUEST), error_body(
        code, " ".join(exc.messages)
    )


def convert(exc: Exception) -> tuple[int, dict[str, Any], dict[str, str]] | None:
    """(status, body, headers) for an exception the API answers itself; None for a 500."""
    headers: dict[str, str] = {}
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        # DoesNotExist escaping a view: the object was deleted by another request meanwhile.
        return status.HTTP_404_NOT_FOUND, error_body("not_found", NOT_FOUND), headers
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(str(exc) or None)
    if isinstance(exc, InvalidAnswer):
        body = error_body("invalid_answer", str(exc), {"answer": [str(exc)]})
        return status.HTTP_400_BAD_REQUEST, body, headers
    if isinstance(exc, DjangoValidationError):
        code, body = _from_django_validation(exc)
        return code, body, headers
    if isinstance(exc, UnicodeDecodeError):
        return status.HTTP_400_BAD_REQUEST, error_body("parse_error", BODY_NOT_UTF8), headers
    if isinstance(exc, SuspiciousOperation):
        return status.HTTP_400_BAD_REQUEST, error_body("bad_request", str(exc)), headers
    if not isinstance(exc, exceptions.APIException):
        return None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    code, body = _from_api_exception(exc)
    return code, body, headers


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: the error body, always rendered as JSON."""
    converted = convert(exc)
    if converted is None:
        return None
    status_code, body, headers = converted
    request = context.get("request")
    if request is not None:
        # An error is JSON even when the client asked for CSV (?format=csv, Accept: text/csv).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return Response(body, status=status_code, headers=headers)

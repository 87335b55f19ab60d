"""Imports into a bank and exports of it, for the bank's instructors.

The views call the same services as the instructor pages and `manage.py import_bank`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import conf
from quizzes.api import clock
from quizzes.api.exceptions import PayloadTooLarge, error_body
from quizzes.api.parsers import SafeJSONParser
from quizzes.api.serializers.imports import (
    AUTO,
    ImportApplySerializer,
    ImportCreateSerializer,
    ImportRunSerializer,
    ImportRunSummarySerializer,
)
from quizzes.api.views.base import (
    BANK_SLUG,
    READ,
    bank_or_404,
    errors,
    require_instructor,
    validated,
)
from quizzes.exporters import EXPORT_FORMATS, export
from quizzes.exporters.source import parsed_bank_from_db
from quizzes.models import Bank, ImportRun
from quizzes.services import imports
from quizzes.services.imports.runs import FILE_TOO_LARGE, human_size

INVALID_FILE = "The file cannot be imported ({count} problems); nothing was changed."
UNKNOWN_EXPORT_FORMAT = "No export format {format!r}: one of {formats}."

RUN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The import's id.")
FORMAT = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.PATH,
    enum=list(EXPORT_FORMATS),
    description="The export format.",
)


def _taught_bank(request: Request, slug: str) -> Bank:
    bank = bank_or_404(request, slug)
    require_instructor(request, bank)
    return bank


def _run_response(request: Request, run: ImportRun, *, created: bool = True) -> Response:
    """201 for a finished run (preview or applied), 202 with its URL while it runs in the
    background, 400 with every problem for a file that cannot be imported."""
    body = ImportRunSerializer(run, context={"request": request}).data
    if run.status == ImportRun.Status.FAILED:
        problems = list(body["errors"])
        error = error_body(
            "invalid_file",
            INVALID_FILE.format(count=run.error_count),
            {
                "file": [
                    p["message"] if not p.get("path") else f"{p['path']}: {p['message']}"
                    for p in problems
                ]
            },
        )
        error["error"].update(problems=problems, problem_count=run.error_count, run=body["url"])
        return Response(error, status=status.HTTP_400_BAD_REQUEST)
    if run.is_running or run.task_id:
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(
    methods=["GET"],
    summary="A bank's imports (instructors)",
    description="Newest first; each without its errors and diff (GET one for those).",
    parameters=[BANK_SLUG],
    responses={200: ImportRunSummarySerializer(many=True), **errors(400, *READ, 403, 404)},
)
@extend_schema(
    methods=["POST"],
    summary="Import a file into a bank (instructors)",
    description=(
        "Multipart: `file`, and optionally `format` (guessed when `auto`), `dry_run`, "
        "`skip_unsupported`, `reset_changed`, `retire_missing`. A file with any problem "
        "changes nothing: 400 lists every problem with its line and column. A small file is "
        "previewed or applied at once (201); a large one (more than the task threshold, or any "
        "Anki package) runs in the background: 202 with the import's URL in `Location` and "
        "`url`, to poll until its `status` is `preview`, `applied` or `failed`."
    ),
    parameters=[BANK_SLUG],
    request={"multipart/form-data": ImportCreateSerializer},
    responses={
        201: ImportRunSerializer,
        202: ImportRunSerializer,
        **errors(400, 401, 403, 404, 413, 429),
    },
)
class ImportListView(generics.ListAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportRunSummarySerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ImportRun.objects.none()
        bank = _taught_bank(self.request, self.kwargs["slug"])
        return ImportRun.objects.filter(bank=bank).select_related("user").order_by("-id")

    def post(self, request: Request, slug: str) -> Response:
        bank = _taught_bank(request, slug)
        upload = request.FILES.get("file")
        limit = conf.get("IMPORT_MAX_BYTES")
        if upload is not None and upload.size > limit:
            raise PayloadTooLarge(
                FILE_TOO_LARGE.format(size=human_size(upload.size), limit=human_size(limit))
            )
        data = validated(ImportCreateSerializer, request.data)
        run = imports.import_submit(
            user=request.user,
            data=data["file"].read(),
            filename=data["file"].name or "",
            now=clock.now(),
            fmt="" if data["format"] == AUTO else data["format"],
            slug=bank.slug,
            dry_run=data["dry_run"],
            skip_unsupported=data["skip_unsupported"],
            reset_changed=data["reset_changed"],
            retire_missing=data["retire_missing"],
        )
        return _run_response(request, run)


@extend_schema(
    summary="An import: its status, progress, counts, errors and diff (instructors)",
    parameters=[BANK_SLUG, RUN_ID],
    responses={200: ImportRunSerializer, **errors(*READ, 403, 404)},
)
class ImportDetailView(APIView):
    def get(self, request: Request, slug: str, pk: int) -> Response:
        bank = _taught_bank(request, slug)
        run = get_object_or_404(ImportRun.objects.select_related("user"), bank=bank, pk=pk)
        return Response(ImportRunSerializer(run, context={"request": request}).data)


@extend_schema(
    summary="Apply a previewed import (instructors)",
    description=(
        "Applies exactly what the preview (`dry_run`) showed: refused with 409 when the run "
        "is not a preview, when `file_hash` is not the previewed file's, or when the bank has "
        "changed since the preview. 201 when applied; 202 when it runs in the background."
    ),
    parameters=[BANK_SLUG, RUN_ID],
    request=ImportApplySerializer,
    responses={
        201: ImportRunSerializer,
        202: ImportRunSerializer,
        **errors(400, 401, 403, 404, 409, 429),
    },
)
class ImportApplyView(APIView):
    parser_classes = [SafeJSONParser]  # not nested too deep, no lone surrogates

    def post(self, request: Request, slug: str, pk: int) -> Response:
        bank = _taught_bank(request, slug)
        run = get_object_or_404(ImportRun, bank=bank, pk=pk)
        data = validated(ImportApplySerializer, request.data)
        run = imports.import_confirm(
            run=run, user=request.user, now=clock.now(), expected_hash=data.get("file_hash", "")
        )
        return _run_response(request, run)


class _AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts (errors are JSON regardless)."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: Any = None):  # type: ignore[no-untyped-def]
        return renderers[0], renderers[0].media_type


@extend_schema(
    summary="Export a bank as a file (instructors)",
    description=(
        "The bank's active questions in `format`, as an attachment. The header "
        "`X-Export-Skipped` counts the questions the format could not hold in full (left out "
        "or exported without some field); the instructor pages list them."
    ),
    parameters=[BANK_SLUG, FORMAT],
    responses={
        # Each format's own content type, so that clients (and the fuzzer) know what comes.
        (200, "application/json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="`native`: the kmodquiz-bank document."
        ),
        (200, "text/plain"): OpenApiResponse(bytes, description="`gift`, `aiken`."),
        (200, "text/csv"): OpenApiResponse(bytes, description="`csv`."),
        (200, "application/xml"): OpenApiResponse(bytes, description="`moodle_xml`."),
        (200, "application/apkg"): OpenApiResponse(bytes, description="`apkg` (Anki)."),
        **errors(*READ, 403, 404),
    },
)
class ExportView(APIView):
    content_negotiation_class = _AnyAccept

    def get_format_suffix(self, **kwargs: Any) -> None:
        return None  # `format` here is the export format, not DRF's format suffix

    def get(self, request: Request, slug: str, format: str) -> HttpResponse:  # noqa: A002
        bank = _taught_bank(request, slug)
        if format not in EXPORT_FORMATS:
            raise Http404(
                UNKNOWN_EXPORT_FORMAT.format(format=format[:40], formats=", ".join(EXPORT_FORMATS))
            )
        result = export(parsed_bank_from_db(bank), format)
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        response["X-Export-Skipped"] = str(
            len({i for skipped in result.skipped for i in skipped.external_ids})
        )
        return response

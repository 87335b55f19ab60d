"""Instructor pages for files: upload any format → preview (the diff, or every problem with its
line and column) → confirm; follow a background import's progress; export in every format.

The uploaded file is kept with its ImportRun (services.imports) between the preview and the
confirmation, so a large file never passes through the session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import conf, services
from quizzes.exporters import EXPORT_FORMATS, export
from quizzes.exporters.source import parsed_bank_from_db
from quizzes.forms import ImportForm
from quizzes.importers import FORMATS
from quizzes.models import Bank, ImportRun
from quizzes.services import imports
from quizzes.services.imports.runs import FILE_TOO_LARGE, human_size
from quizzes.views.common import render_local, taught_bank, taught_banks

# Room for the form's other fields and the multipart headers around the file.
UPLOAD_SLACK = 64 * 1024
SHOWN = 1000  # ids listed per group on a preview; the API returns them all
RECENT = 10
Status = ImportRun.Status


def _new_bank_allowed(request: HttpRequest) -> bool:
    return request.user.has_perm("quizzes.add_bank") or taught_banks(request.user).exists()


def _import_form_page(
    request: HttpRequest, bank: Bank | None, form: ImportForm, status: int = 200, **extra: Any
) -> HttpResponse:
    recent = []
    if bank is not None:
        recent = list(ImportRun.objects.filter(bank=bank).select_related("user")[:RECENT])
    context = {"bank": bank, "form": form, "recent": recent, **extra}
    return render_local(request, "quizzes/teach/import.html", context, status=status)


@login_required
def bank_import(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Upload a file in any format and see what it would change; nothing is written yet."""
    bank = taught_bank(request, slug) if slug else None
    if bank is None and not _new_bank_allowed(request):
        raise Http404("You do not teach any bank.")
    new_bank = bank is None
    limit = conf.get("IMPORT_MAX_BYTES")
    if request.method == "POST" and _content_length(request) > limit + UPLOAD_SLACK:
        # Refused before Django reads (and spools) the upload.
        message = FILE_TOO_LARGE.format(
            size=human_size(_content_length(request)), limit=human_size(limit)
        )
        form = ImportForm(new_bank=new_bank)
        return _import_form_page(request, bank, form, status=413, too_large=message)
    form = ImportForm(request.POST or None, request.FILES or None, new_bank=new_bank)
    if request.method != "POST" or not form.is_valid():
        return _import_form_page(request, bank, form)
    data = form.cleaned_data
    upload = data["file"]
    run = imports.import_submit(
        user=request.user,
        data=upload.read(),
        filename=upload.name or "",
        now=timezone.now(),
        fmt=data["format"],
        slug=bank.slug if bank else data.get("slug", ""),
        title=data.get("title", ""),
        dry_run=True,
        skip_unsupported=data["skip_unsupported"],
        reset_changed=data["reset_changed"],
    )
    if run.status == Status.FAILED:
        return _import_form_page(
            request, bank, form, run=run, unsupported=_mentions_unsupported(run)
        )
    return redirect("teach-import-run", pk=run.pk)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _mentions_unsupported(run: ImportRun) -> bool:
    return any("skip unsupported" in str(p.get("message", "")) for p in run.errors)


def _run_for(request: HttpRequest, pk: int) -> ImportRun:
    """A run of a bank the user teaches, or their own (a new bank's): others get a 404."""
    run = get_object_or_404(ImportRun.objects.select_related("bank", "user"), pk=pk)
    if run.user_id == request.user.pk:
        return run
    if run.bank is not None and services.user_is_bank_instructor(user=request.user, bank=run.bank):
        return run
    raise Http404("No such import among yours.")


@login_required
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its preview, outcome or problems."""
    run = _run_for(request, pk)
    diff = run.diff or {}
    context = {
        "run": run,
        "bank": run.bank,
        "running": run.is_running,
        "created": diff.get("created", [])[:SHOWN],
        "updated": diff.get("updated", [])[:SHOWN],
        "unchanged": diff.get("unchanged", [])[:SHOWN],
        "retired": diff.get("retired", [])[:SHOWN],
        "topics": diff.get("topics", {}),
        "bank_changes": diff.get("bank", []),
        "shown": SHOWN,
        "more_created": max(0, run.created - SHOWN),
        "more_updated": max(0, run.updated - SHOWN),
        "format_label": FORMATS[run.format][1] if run.format in FORMATS else run.format,
        "status_url": reverse("teach-import-status", kwargs={"pk": run.pk}),
        "api_url": f"/api/v1/banks/{run.bank_slug}/imports/{run.pk}",
    }
    return render_local(request, "quizzes/teach/import_run.html", context)


@login_required
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls (static/quizzes/imports.js)."""
    run = _run_for(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "stage": run.stage,
            "stage_label": run.get_stage_display(),
            "progress": run.progress,
            "finished": not run.is_running,
        }
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a preview: the same file (its hash checked) onto the bank as it was previewed."""
    run = _run_for(request, pk)
    try:
        run = imports.import_confirm(
            run=run,
            user=request.user,
            now=timezone.now(),
            expected_hash=request.POST.get("file_hash", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("teach-import-run", pk=run.pk)
    if run.status == Status.APPLIED:
        messages.success(
            request,
            f"Imported {run.filename}: {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.retired} retired.",
        )
        return redirect("teach-bank", slug=run.bank_slug)
    return redirect("teach-import-run", pk=run.pk)


@login_required
def import_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every import into the bank, newest first."""
    bank = taught_bank(request, slug)
    runs = ImportRun.objects.filter(bank=bank).select_related("user")[:200]
    return render_local(request, "quizzes/teach/imports.html", {"bank": bank, "runs": runs})


# --- export -------------------------------------------------------------------------------------

_EXPORT_NOTES = {
    "native": "Everything, losslessly: re-importing it changes nothing.",
    "gift": "Moodle's text format: every kind but ordering; cloze as missing words.",
    "aiken": "Single-choice questions only.",
    "csv": "One row per question, for spreadsheets (columns in docs/formats.md).",
    "moodle_xml": "Moodle's question bank format, with categories and tags.",
    "apkg": "An Anki deck: a note type per kind; re-exports update the same notes.",
}


@login_required
def bank_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The export formats, and (on request) what one of them would leave out."""
    bank = taught_bank(request, slug)
    check = request.GET.get("check", "")
    skipped = None
    if check in EXPORT_FORMATS:
        skipped = export(parsed_bank_from_db(bank), check).skipped
    formats = [
        {"name": name, "label": label, "note": _EXPORT_NOTES.get(name, "")}
        for name, (_module, label) in EXPORT_FORMATS.items()
    ]
    context = {"bank": bank, "formats": formats, "check": check, "skipped": skipped}
    return render_local(request, "quizzes/teach/export.html", context)


@login_required
def bank_export_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The bank as a file of one format, as an attachment."""
    bank = taught_bank(request, slug)
    if fmt not in EXPORT_FORMATS:
        raise Http404("No such export format.")
    result = export(parsed_bank_from_db(bank), fmt)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response

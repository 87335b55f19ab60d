"""The learner's own data: download all of it, or delete the account (pages; the API has the
same: GET /api/v1/me/export, POST /api/v1/me/delete)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes.exporters.learner import learner_data_export
from quizzes.services import privacy
from quizzes.views.common import render_local

ACCOUNT_DELETED = "Your account and your personal data have been deleted."


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@require_GET
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """All the signed-in person's data, as a JSON download."""
    data = learner_data_export(user=request.user, now=timezone.now())
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    filename = f"kmodquiz-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def account_delete_page(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, delete, sign out."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_password_check(
                user=request.user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            form.add_error("password", exc.message_dict["password"])
        else:
            privacy.account_delete(user=request.user, now=timezone.now())
            logout(request)
            messages.success(request, ACCOUNT_DELETED)
            return redirect("home")
    return render_local(request, "quizzes/accounts/delete_account.html", {"form": form})

"""Admin: platform registrations (with their deployments), keys (public part only), and what
launches made: users, courses, links and scores."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from quizzes.lti.models import (
    Deployment,
    LtiContext,
    LtiUser,
    Platform,
    ResourceLink,
    ScoreSync,
    ToolKey,
)
from quizzes.lti.services.platforms import key_set_check


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


def _https_urls(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PlatformForm(forms.ModelForm):
    class Meta:
        model = Platform
        formfield_callback = _https_urls
        fields = [
            "name",
            "issuer",
            "client_id",
            "auth_login_url",
            "auth_token_url",
            "auth_audience",
            "key_set_url",
            "key_set",
            "frame_origins",
            "is_active",
        ]

    def clean_key_set(self) -> Any:
        value = self.cleaned_data.get("key_set")
        if value in (None, ""):
            return None
        try:
            return key_set_check(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["key_set"]) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("key_set_url") and not data.get("key_set"):
            raise ValidationError("Give the platform's key set: a JWKS URL, or the JWKS itself.")
        return data


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    form = PlatformForm
    list_display = ["__str__", "issuer", "client_id", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    """Keys are made by `manage.py lti_keys`; the private part is never shown."""

    list_display = ["kid", "created_at", "retired_at", "private_key_file"]
    fields = ["kid", "public_jwk", "private_key_file", "created_at", "retired_at"]
    readonly_fields = ["kid", "public_jwk", "private_key_file", "created_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(LtiUser)
class LtiUserAdmin(admin.ModelAdmin):
    list_display = ["sub", "issuer", "user", "last_launch_at"]
    list_filter = ["platform"]
    search_fields = ["sub", "user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ["course", "platform", "context_id", "roster_synced_at", "roster_error"]
    list_filter = ["platform"]
    search_fields = ["context_id", "course__title"]
    raw_id_fields = ["course"]


@admin.register(ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "platform", "bank", "context", "lineitem_url"]
    list_filter = ["platform", "bank"]
    search_fields = ["title", "resource_link_id"]
    filter_horizontal = ["topics"]


@admin.register(ScoreSync)
class ScoreSyncAdmin(admin.ModelAdmin):
    list_display = ["learner", "link", "status", "score", "last_sent_at", "attempts", "last_error"]
    list_filter = ["status", "link__platform"]
    search_fields = ["learner__username", "lti_user_id"]
    raw_id_fields = ["learner", "link"]

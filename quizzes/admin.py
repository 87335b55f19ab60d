"""Admin for every model, with list filters and search."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils import timezone

from quizzes.models import (
    Attempt,
    Bank,
    BankMembership,
    Card,
    CardState,
    Course,
    CourseMembership,
    Enrollment,
    ImportRun,
    LearnerProfile,
    Question,
    ReviewLog,
    Topic,
)
from quizzes.services import privacy


class MembershipInline(admin.TabularInline):
    model = BankMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "version", "visibility", "owner", "retired_at"]
    list_filter = ["visibility", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["slug", "title", "description"]
    inlines = [MembershipInline]


@admin.register(BankMembership)
class BankMembershipAdmin(admin.ModelAdmin):
    list_display = ["bank", "user", "role", "created_at"]
    list_filter = ["role", "bank"]
    search_fields = ["bank__slug", "user__username", "user__email"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "bank", "parent"]
    list_filter = ["bank"]
    search_fields = ["slug", "title"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["external_id", "kind", "bank", "difficulty", "source", "retired_at"]
    list_filter = [
        "bank",
        "kind",
        "difficulty",
        ("retired_at", admin.EmptyFieldListFilter),
        "topics",
    ]
    search_fields = ["external_id", "prompt", "explanation", "source"]
    filter_horizontal = ["topics"]
    readonly_fields = ["content_hash", "created_at", "updated_at"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "bank", "deletion", "retired_at"]
    list_filter = ["bank", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["question__external_id"]
    list_select_related = ["question"]
    raw_id_fields = ["question"]


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "timezone",
        "day_start_hour",
        "new_per_day",
        "reviews_per_day",
        "desired_retention",
    ]
    list_filter = ["timezone", "day_start_hour"]
    search_fields = ["user__username", "user__email"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["learner", "bank", "new_per_day", "reviews_per_day", "created_at"]
    list_filter = ["bank"]
    search_fields = ["learner__username", "learner__email", "bank__slug"]


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ["learner", "card", "status", "due", "reps", "lapses", "suspended", "is_leech"]
    list_filter = ["status", "suspended", "is_leech", "retired", "bank"]
    search_fields = ["learner__username", "card__question__external_id"]
    list_select_related = ["learner", "card__question"]
    raw_id_fields = ["card", "learner"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = [
        "learner",
        "card",
        "rating",
        "correct",
        "overridden",
        "reviewed_at",
        "elapsed_ms",
        "undone_at",
    ]
    list_filter = [
        "rating",
        "correct",
        "overridden",
        "status_before",
        ("undone_at", admin.EmptyFieldListFilter),
        "bank",
    ]
    search_fields = ["learner__username", "card__question__external_id", "idempotency_key"]
    list_select_related = ["learner", "card__question"]
    raw_id_fields = ["card", "learner"]
    date_hierarchy = "reviewed_at"

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # append-only

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """First answers (read only): the verdicts that stuck, and the "I was right" overrides."""

    list_display = ["learner", "card", "reps", "correct", "overridden", "attempted_at", "closed_at"]
    list_filter = ["correct", "overridden", ("closed_at", admin.EmptyFieldListFilter), "bank"]
    search_fields = ["learner__username", "card__question__external_id"]
    list_select_related = ["learner", "card__question"]
    raw_id_fields = ["card", "learner", "question", "review"]
    date_hierarchy = "attempted_at"

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "bank",
        "user",
        "format",
        "filename",
        "status",
        "created",
        "updated",
        "unchanged",
        "retired",
        "error_count",
    ]
    list_filter = ["status", "format", "bank"]
    readonly_fields = ["file_hash", "plan_digest", "task_id"]
    search_fields = ["filename", "user__username"]


# --- REST API: tokens with their scopes, and question reports -----------------------------------

from knox.admin import AuthTokenAdmin as KnoxAuthTokenAdmin  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from quizzes.models import ApiTokenScope, QuestionReport  # noqa: E402


class ApiTokenScopeInline(admin.StackedInline):
    model = ApiTokenScope
    can_delete = False
    extra = 1
    max_num = 1
    filter_horizontal = ["banks"]


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ScopedAuthTokenAdmin(KnoxAuthTokenAdmin):
    """knox's token admin (the token is shown once, on creation) with the token's scope.

    Deleting a token here revokes it.
    """

    list_display = ["token_key", "user", "scope", "created", "expiry"]
    list_select_related = ["user", "scope"]
    inlines = [ApiTokenScopeInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        # A token always has a scope row, so the API lists it and can revoke it.
        ApiTokenScope.objects.get_or_create(token=form.instance)


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    list_display = ["question", "bank", "reporter", "status", "created_at", "resolved_at"]
    list_filter = ["status", "bank"]
    search_fields = ["text", "question__external_id", "reporter__username"]
    list_select_related = ["question", "bank", "reporter"]
    raw_id_fields = ["question", "card", "reporter", "resolved_by"]


# --- users: deleting personal data (quizzes.services.privacy) -----------------------------------

_User = get_user_model()
_BaseUserAdmin = type(admin.site._registry[_User]) if admin.site.is_registered(_User) else UserAdmin


@admin.action(description="Delete personal data (keep anonymised statistics)")
def delete_personal_data(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """The admin's way to honour a deletion request: as the learner's own "Delete account"."""
    done = 0
    for user in queryset.exclude(pk=request.user.pk):
        if not privacy.is_deleted(user):
            privacy.account_delete(user=user, now=timezone.now())
            done += 1
    modeladmin.message_user(request, f"Deleted the personal data of {done} account(s).")


class PrivacyUserAdmin(_BaseUserAdmin):  # type: ignore[misc, valid-type]
    actions = [*(_BaseUserAdmin.actions or []), delete_personal_data]


if admin.site.is_registered(_User):
    admin.site.unregister(_User)
admin.site.register(_User, PrivacyUserAdmin)


class CourseMembershipInline(admin.TabularInline):
    model = CourseMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "label", "platform", "external_id", "created_at"]
    search_fields = ["title", "label", "external_id"]
    filter_horizontal = ["banks"]
    inlines = [CourseMembershipInline]

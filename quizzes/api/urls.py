"""API routes: /api/v1/… (no trailing slashes), the OpenAPI schema and its Swagger UI."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from quizzes.api.views import (
    account,
    analytics,
    banks,
    courses,
    imports,
    me,
    parameters,
    questions,
    study,
    tokens,
)

v1 = [
    path("ping", tokens.PingView.as_view(), name="api-ping"),
    path("tokens", tokens.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<int:pk>", tokens.TokenDetailView.as_view(), name="api-token"),
    path("banks", banks.BankListView.as_view(), name="api-banks"),
    path("banks/<slug:slug>", banks.BankDetailView.as_view(), name="api-bank"),
    path("banks/<slug:slug>/topics", banks.TopicListView.as_view(), name="api-bank-topics"),
    path(
        "banks/<slug:slug>/questions",
        questions.QuestionListView.as_view(),
        name="api-bank-questions",
    ),
    path(
        "banks/<slug:slug>/enrollment",
        banks.MyEnrollmentView.as_view(),
        name="api-bank-enrollment",
    ),
    path(
        "banks/<slug:slug>/enrollments",
        banks.BankEnrollmentListView.as_view(),
        name="api-bank-enrollments",
    ),
    path(
        "banks/<slug:slug>/reports", questions.BankReportListView.as_view(), name="api-bank-reports"
    ),
    path("banks/<slug:slug>/imports", imports.ImportListView.as_view(), name="api-bank-imports"),
    path(
        "banks/<slug:slug>/imports/<int:pk>",
        imports.ImportDetailView.as_view(),
        name="api-bank-import",
    ),
    path(
        "banks/<slug:slug>/imports/<int:pk>/apply",
        imports.ImportApplyView.as_view(),
        name="api-bank-import-apply",
    ),
    path(
        "banks/<slug:slug>/exports/<str:format>",
        imports.ExportView.as_view(),
        name="api-bank-export",
    ),
    path("banks/<slug:slug>/progress", me.BankProgressView.as_view(), name="api-bank-progress"),
    path(
        "banks/<slug:slug>/analysis",
        analytics.BankAnalysisView.as_view(),
        name="api-bank-analysis",
    ),
    path("banks/<slug:slug>/study/next", study.StudyNextView.as_view(), name="api-study-next"),
    path("courses", courses.CourseListView.as_view(), name="api-courses"),
    path(
        "courses/<int:pk>/progress",
        courses.CourseProgressView.as_view(),
        name="api-course-progress",
    ),
    path("questions/<int:pk>", questions.QuestionDetailView.as_view(), name="api-question"),
    path(
        "questions/<int:pk>/reports",
        questions.ReportCreateView.as_view(),
        name="api-question-reports",
    ),
    path(
        "reports/<int:pk>/resolve", questions.ReportResolveView.as_view(), name="api-report-resolve"
    ),
    path("cards/<int:pk>", study.CardDetailView.as_view(), name="api-card"),
    path("cards/<int:pk>/answer", study.CardAnswerView.as_view(), name="api-card-answer"),
    path("cards/<int:pk>/suspend", study.CardSuspendView.as_view(), name="api-card-suspend"),
    path("cards/<int:pk>/unsuspend", study.CardUnsuspendView.as_view(), name="api-card-unsuspend"),
    path("cards/<int:pk>/bury", study.CardBuryView.as_view(), name="api-card-bury"),
    path("cards/<int:pk>/reset", study.CardResetView.as_view(), name="api-card-reset"),
    path("reviews", study.ReviewCreateView.as_view(), name="api-reviews"),
    path("reviews/undo", study.ReviewUndoView.as_view(), name="api-reviews-undo"),
    path("me/enrollments", banks.MyEnrollmentListView.as_view(), name="api-me-enrollments"),
    path("me/progress", me.MyProgressView.as_view(), name="api-me-progress"),
    path("me/reviews", me.MyReviewListView.as_view(), name="api-me-reviews"),
    path("me/cards", analytics.MyCardListView.as_view(), name="api-me-cards"),
    path("me/cards/bulk", analytics.MyCardBulkView.as_view(), name="api-me-cards-bulk"),
    path("me/profile", me.MyProfileView.as_view(), name="api-me-profile"),
    path("me/export", account.MyExportView.as_view(), name="api-me-export"),
    path("me/delete", account.MyAccountDeleteView.as_view(), name="api-me-delete"),
    path("me/optimise", parameters.MyOptimiseView.as_view(), name="api-me-optimise"),
]

urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    # The schema and its UI are documents about the API, named as the issue asks.
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="quizzes/api_docs.html"
        ),
        name="api-docs",
    ),
    # Not `.*`: a path with an encoded newline (%0A) is still under /api/, and a JSON 404.
    re_path(r"^[\s\S]*$", tokens.NotFoundView.as_view(), name="api-not-found"),
]

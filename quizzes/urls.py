"""Server-rendered pages, and the account pages (mounted under accounts/ by kmodquiz.urls)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from quizzes import views
from quizzes.views import account, analysis, cards, cohort, teach, teach_imports

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress_page, name="progress"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/data/", account.my_data, name="my-data"),
    path("settings/delete/", account.account_delete_page, name="account-delete"),
    path("settings/optimise/", views.settings_optimise, name="settings-optimise"),
    path(
        "settings/parameters/default/",
        views.settings_parameters_reset,
        name="settings-parameters-default",
    ),
    path("banks/<slug:slug>/", views.bank_detail, name="bank-detail"),
    path("banks/<slug:slug>/enroll/", views.bank_enroll, name="bank-enroll"),
    path("banks/<slug:slug>/leave/", views.bank_unenroll, name="bank-unenroll"),
    path("study/<slug:slug>/", views.study, name="study"),
    path("study/<slug:slug>/answer/", views.study_answer, name="study-answer"),
    path("study/<slug:slug>/override/", views.study_override, name="study-override"),
    path("study/<slug:slug>/review/", views.study_review, name="study-review"),
    path("study/<slug:slug>/undo/", views.study_undo, name="study-undo"),
    path("study/<slug:slug>/cards/<int:card_id>/", views.card_info, name="card-info"),
    path("study/<slug:slug>/cards/<int:card_id>/report/", views.card_report, name="card-report"),
    path(
        "study/<slug:slug>/cards/<int:card_id>/<str:action>/",
        views.card_action,
        name="card-action",
    ),
    path("cards/", cards.card_browser, name="cards"),
    path("cards/bulk/", cards.card_bulk, name="cards-bulk"),
    path("teach/", teach.teach_home, name="teach-home"),
    path("teach/import/", teach_imports.bank_import, name="teach-import-new"),
    path("teach/imports/<int:pk>/", teach_imports.import_run, name="teach-import-run"),
    path("teach/imports/<int:pk>/status/", teach_imports.import_status, name="teach-import-status"),
    path(
        "teach/imports/<int:pk>/confirm/",
        teach_imports.import_confirm,
        name="teach-import-confirm",
    ),
    path("teach/<slug:slug>/", teach.teach_bank, name="teach-bank"),
    path("teach/<slug:slug>/import/", teach_imports.bank_import, name="teach-import"),
    path("teach/<slug:slug>/imports/", teach_imports.import_history, name="teach-imports"),
    path("teach/<slug:slug>/export/", teach_imports.bank_export, name="teach-export"),
    path(
        "teach/<slug:slug>/export/<str:fmt>/",
        teach_imports.bank_export_file,
        name="teach-export-file",
    ),
    path("teach/<slug:slug>/preview/", teach.question_preview, name="teach-preview"),
    path("teach/<slug:slug>/questions/new/", teach.question_new, name="teach-question-new"),
    path("teach/<slug:slug>/questions/<int:pk>/", teach.question_edit, name="teach-question"),
    path(
        "teach/<slug:slug>/questions/<int:pk>/delete/",
        teach.question_delete,
        name="teach-question-delete",
    ),
    path("teach/<slug:slug>/reports/", teach.reports, name="teach-reports"),
    path(
        "teach/<slug:slug>/reports/<int:pk>/resolve/",
        teach.report_resolve,
        name="teach-report-resolve",
    ),
    path("teach/<slug:slug>/cohort/", teach.cohort, name="teach-cohort"),
    path(
        "teach/<slug:slug>/cohort/<int:learner_id>/",
        cohort.cohort_learner,
        name="teach-cohort-learner",
    ),
    path("teach/<slug:slug>/mastery/", cohort.mastery_table, name="teach-mastery"),
    path("teach/<slug:slug>/analysis/", analysis.bank_analysis, name="teach-analysis"),
    path(
        "teach/<slug:slug>/questions/<int:pk>/analysis/",
        analysis.question_analysis,
        name="teach-question-analysis",
    ),
]


def _auth(view: type, template: str, **kwargs: object) -> object:
    return view.as_view(template_name=f"quizzes/accounts/{template}.html", **kwargs)


# Django's own auth views with this site's templates, kept under quizzes/accounts/: the admin
# app ships registration/* templates of the same names, which would win by app order.
account_urlpatterns = [
    path("login/", _auth(auth_views.LoginView, "login"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path(
        "password_change/",
        _auth(auth_views.PasswordChangeView, "password_change_form"),
        name="password_change",
    ),
    path(
        "password_change/done/",
        _auth(auth_views.PasswordChangeDoneView, "password_change_done"),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        _auth(
            auth_views.PasswordResetView,
            "password_reset_form",
            email_template_name="quizzes/accounts/password_reset_email.txt",
            subject_template_name="quizzes/accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        _auth(auth_views.PasswordResetDoneView, "password_reset_done"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        _auth(auth_views.PasswordResetConfirmView, "password_reset_confirm"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        _auth(auth_views.PasswordResetCompleteView, "password_reset_complete"),
        name="password_reset_complete",
    ),
]

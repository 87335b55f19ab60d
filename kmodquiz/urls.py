"""URL configuration: the pages, the admin and the REST API."""

from django.contrib import admin
from django.urls import include, path

from quizzes.urls import account_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("quizzes.api.urls")),
    # Sign in/out, sign-up, password change and reset, with the site's own templates.
    path("accounts/", include(account_urlpatterns)),
    path("", include("quizzes.urls")),
]

"""URL configuration: the pages, the admin and the REST API."""

from django.contrib import admin
from django.urls import include, path

from quizzes.urls import account_urlpatterns
from quizzes.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # For the proxy and the container runtime: 200 when the database and cache answer.
    path("healthz", healthz, name="healthz"),
    path("api/", include("quizzes.api.urls")),
    # Sign in/out, sign-up, password change and reset, with the site's own templates.
    path("accounts/", include(account_urlpatterns)),
    path("", include("quizzes.urls")),
]

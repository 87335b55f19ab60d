"""URL configuration: the pages, the admin, the REST API and, when installed, the LTI tool."""

from django.apps import apps
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
]
# The LTI 1.3 tool is optional (KMODQUIZ_LTI_ENABLED=0 leaves the app out): only its own URLs.
if apps.is_installed("quizzes.lti"):
    urlpatterns.append(path("lti/", include("quizzes.lti.urls")))
urlpatterns.append(path("", include("quizzes.urls")))

"""The tool's URLs, mounted under /lti/ by kmodquiz.urls when the app is installed."""

from django.urls import path

from quizzes.lti import views

urlpatterns = [
    path("", views.tool_home, name="lti-home"),
    path("login/", views.login, name="lti-login"),
    path("launch/", views.launch, name="lti-launch"),
    path("jwks/", views.jwks, name="lti-jwks"),
    path("continue/<str:token>/", views.handoff, name="lti-continue"),
    path("deep-link/", views.deep_link, name="lti-deep-link"),
    path("links/<int:pk>/", views.link_setup, name="lti-link-setup"),
    path("courses/<int:pk>/", views.course_page, name="lti-course"),
    path("courses/<int:pk>/roster/", views.course_roster_sync, name="lti-course-roster"),
]

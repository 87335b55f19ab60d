"""Server-rendered pages."""

from django.urls import path

from quizzes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("banks/<slug:slug>/", views.bank_detail, name="bank-detail"),
    path("banks/<slug:slug>/enroll/", views.bank_enroll, name="bank-enroll"),
]

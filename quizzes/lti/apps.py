from django.apps import AppConfig


class LtiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"

    def ready(self) -> None:
        from quizzes.lti import receivers  # noqa: F401  (connects the signal receivers)

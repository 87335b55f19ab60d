"""Server-rendered pages. Each view checks who may see what, then calls selectors/services."""

from quizzes.views.accounts import (
    settings_optimise,
    settings_page,
    settings_parameters_reset,
    signup,
)
from quizzes.views.dashboard import bank_detail, bank_enroll, bank_unenroll, home
from quizzes.views.progress import progress_page
from quizzes.views.study import (
    card_action,
    card_info,
    card_report,
    study,
    study_answer,
    study_override,
    study_review,
    study_undo,
)

__all__ = [
    "bank_detail",
    "bank_enroll",
    "bank_unenroll",
    "card_action",
    "card_info",
    "card_report",
    "home",
    "progress_page",
    "settings_optimise",
    "settings_page",
    "settings_parameters_reset",
    "signup",
    "study",
    "study_answer",
    "study_override",
    "study_review",
    "study_undo",
]

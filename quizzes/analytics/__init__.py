"""Analytics that answer questions: item analysis of a bank (Moodle's question statistics from
first attempts), the cohort learner by learner, and the learner's card browser.

One module per concern; this package re-exports what the pages, the API and the benches use.
"""

from quizzes.analytics.browser import (
    MAX_PER_PAGE,
    SORTS,
    STATES,
    CardFilters,
    CardPage,
    CardRow,
    card_browser_page,
    filtered_cards,
)
from quizzes.analytics.cohort import (
    LearnerReport,
    MasteryCell,
    MasteryMatrix,
    MasteryRow,
    enrolled_learner,
    learner_report,
    mastery_matrix,
)
from quizzes.analytics.items import SORT_KEYS, BankAnalysis, QuestionStats, bank_item_analysis
from quizzes.analytics.moodle import Flag, ItemSums
from quizzes.analytics.responses import (
    AnswerCount,
    DeletionStats,
    OptionCount,
    answer_text,
    deletion_breakdown,
)

__all__ = [
    "MAX_PER_PAGE",
    "SORTS",
    "SORT_KEYS",
    "STATES",
    "CardFilters",
    "CardPage",
    "CardRow",
    "AnswerCount",
    "BankAnalysis",
    "DeletionStats",
    "Flag",
    "ItemSums",
    "LearnerReport",
    "MasteryCell",
    "MasteryMatrix",
    "MasteryRow",
    "OptionCount",
    "QuestionStats",
    "answer_text",
    "bank_item_analysis",
    "card_browser_page",
    "deletion_breakdown",
    "enrolled_learner",
    "filtered_cards",
    "learner_report",
    "mastery_matrix",
]

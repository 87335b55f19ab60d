"""Checks of a question bank's content that need no database: the log lines its questions show
(and the message formats they must match), and how alike two questions are. Used by the bank's
tests and by `manage.py bank_report`; the rules are written down in docs/bank.md."""

from quizzes.bankcheck.logs import LogLine, log_lines, prose_log_lines, question_log_lines
from quizzes.bankcheck.messages import Catalogue, MessageFormat, load_catalogue
from quizzes.bankcheck.scenarios import scenario_problems
from quizzes.bankcheck.similarity import answer_text, pair_scores, similar_pairs

__all__ = [
    "Catalogue",
    "LogLine",
    "MessageFormat",
    "answer_text",
    "load_catalogue",
    "log_lines",
    "pair_scores",
    "prose_log_lines",
    "question_log_lines",
    "scenario_problems",
    "similar_pairs",
]

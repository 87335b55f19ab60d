"""The data model: banks of questions, the cards they make, and each learner's progress.

A Question is authored content; a Card is what gets scheduled (one per question, one per cloze
deletion). CardState holds one learner's FSRS state of one card and exists only once the learner
has touched the card: a card with no state is new to them, so a question added to a bank later is
new for every enrolled learner without writing a row per learner. ReviewLog is append-only and is
the source of truth for limits, statistics and undo; Attempt keeps each learner's first graded
answer to a card in one state, so that a verdict sticks.

One module per concern; this package re-exports every model so `from quizzes.models import X`
keeps working.
"""

from quizzes.models.api import ApiTokenScope
from quizzes.models.banks import (
    Bank,
    BankMembership,
    BankQuerySet,
    Card,
    Question,
    QuestionKind,
    QuestionQuerySet,
    Topic,
)
from quizzes.models.courses import Course, CourseMembership
from quizzes.models.imports import ImportFile, ImportRun
from quizzes.models.learners import Enrollment, LearnerProfile
from quizzes.models.progress import DAILY_COUNTERS, DailyStat, ParameterFit
from quizzes.models.reports import QuestionReport
from quizzes.models.study import Attempt, CardState, CardStatus, Rating, ReviewLog

__all__ = [
    "DAILY_COUNTERS",
    "ApiTokenScope",
    "Attempt",
    "Bank",
    "BankMembership",
    "BankQuerySet",
    "Card",
    "CardState",
    "CardStatus",
    "Course",
    "CourseMembership",
    "DailyStat",
    "Enrollment",
    "ImportFile",
    "ImportRun",
    "LearnerProfile",
    "ParameterFit",
    "Question",
    "QuestionKind",
    "QuestionQuerySet",
    "QuestionReport",
    "Rating",
    "ReviewLog",
    "Topic",
]

"""Progress aggregates, computed in SQL: streak, reviews per day, retention, mastery, forecast,
and a bank's cohort. One module per concern; this package re-exports them.

Definitions (shared by the API and the progress page):
- a *learner day* starts at the learner's `day_start_hour` in their time zone;
- streak: consecutive learner days with at least one live review, ending today or yesterday;
- retention: share of live reviews of cards in review state that were not Again;
- mastery of a topic: share of its active cards whose retrievability now is at least the
  learner's desired retention.
"""

from quizzes.stats.cohort import bank_cohort_progress, cohort_progress
from quizzes.stats.expressions import (
    DaysSince,
    LearnerDate,
    days_until_retention,
    mastered_q,
    with_days_since_review,
)
from quizzes.stats.learner import (
    MAX_DAYS,
    DayCount,
    Mastery,
    Progress,
    Retention,
    TopicMastery,
    due_forecast,
    learner_progress,
    learner_today,
    mastery,
    retention,
    reviews_per_day,
    streak,
    topic_mastery,
)

__all__ = [
    "MAX_DAYS",
    "DayCount",
    "DaysSince",
    "LearnerDate",
    "Mastery",
    "Progress",
    "Retention",
    "TopicMastery",
    "bank_cohort_progress",
    "cohort_progress",
    "days_until_retention",
    "due_forecast",
    "learner_progress",
    "learner_today",
    "mastered_q",
    "mastery",
    "retention",
    "reviews_per_day",
    "streak",
    "topic_mastery",
    "with_days_since_review",
]

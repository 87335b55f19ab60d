"""Progress aggregates, computed in SQL: streak, reviews per day, retention, mastery, forecast,
and a bank's cohort. One module per concern (history: what grows with the log, read from the
per-learner-day sums; learner: mastery and the forecast, from the card states; cohort); this
package re-exports them.

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
    MasteryRule,
    days_until_retention,
    mastered_q,
    with_days_since_review,
)
from quizzes.stats.history import (
    MAX_DAYS,
    DayCount,
    Retention,
    WeekRetention,
    learner_today,
    retention,
    retention_per_week,
    reviews_per_day,
    streak,
    streaks,
)
from quizzes.stats.learner import (
    Mastery,
    Progress,
    TopicMastery,
    due_forecast,
    learner_progress,
    mastery,
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
    "WeekRetention",
    "Mastery",
    "bank_cohort_progress",
    "cohort_progress",
    "MasteryRule",
    "days_until_retention",
    "due_forecast",
    "learner_progress",
    "learner_today",
    "mastered_q",
    "mastery",
    "retention",
    "retention_per_week",
    "reviews_per_day",
    "streak",
    "streaks",
    "topic_mastery",
    "with_days_since_review",
]

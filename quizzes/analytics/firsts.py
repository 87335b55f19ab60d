"""The first attempts that item analysis reads, as SQL shared by its queries.

A learner's first attempt at a card is their earliest Attempt row for it made while the card was
new to them (reps = 0; by attempted_at, then id): the verdict the grader gave the first time they
met the card, before any review taught them the answer. (An attempt row exists for every answer
since attempts were recorded; a learner whose history with a card began before that has no
first attempt at it, and their later answers are not first attempts, so they are left out.)

A question's score for a learner is the mean of their first-attempt scores at its cards, so a
cloze question with three deletions is one item whose score is the mean of the blanks the learner
has met (as Moodle scores a Cloze question as one item from its parts). A flashcard has no graded
verdict: its first attempt scores 0 when the learner rated it Again and 1 otherwise, and counts
only once it has been rated.
"""

from __future__ import annotations

from functools import lru_cache

from quizzes.models import Attempt, Question, ReviewLog


@lru_cache(maxsize=1)
def ranked_attempts_cte() -> str:
    """`ranked`: a bank's attempts at new cards (one %s: the bank id) numbered per learner and
    card, k = 1 for the first (the partial index attempt_first_by_bank serves it in order)."""
    attempts = Attempt._meta.db_table
    return f"""ranked AS (
  SELECT a.id, a.learner_id, a.question_id, a.card_id, a.correct, a.score, a.answer,
    a.elapsed_ms, a.review_id,
    ROW_NUMBER() OVER (PARTITION BY a.learner_id, a.card_id ORDER BY a.attempted_at, a.id) AS k
  FROM {attempts} a
  WHERE a.bank_id = %s AND a.reps = 0
)"""


@lru_cache(maxsize=1)
def firsts_cte() -> str:
    """`firsts`: each learner's first attempt per card with its score (NULL: an unrated
    flashcard); needs `ranked` before it."""
    logs = ReviewLog._meta.db_table
    return f"""firsts AS (
  SELECT f.learner_id, f.question_id, f.card_id, f.correct, f.answer,
    CAST(f.elapsed_ms AS DOUBLE PRECISION) AS elapsed_ms,
    CASE WHEN f.correct IS NOT NULL THEN COALESCE(f.score, 0.0)
         WHEN r.rating IS NULL THEN NULL
         WHEN r.rating = 1 THEN 0.0
         ELSE 1.0 END AS score
  FROM ranked f LEFT JOIN {logs} r ON r.id = f.review_id
  WHERE f.k = 1
)"""


@lru_cache(maxsize=1)
def learner_question_cte() -> str:
    """`lq`: one row per learner and question: score x (the mean over its cards) and answer
    time t in ms (the mean of the known times; a client that sent no serve token recorded 0)."""
    return """lq AS (
  SELECT learner_id, question_id, AVG(score) AS x,
    AVG(CASE WHEN elapsed_ms > 0 THEN elapsed_ms END) AS t
  FROM firsts
  WHERE score IS NOT NULL
  GROUP BY learner_id, question_id
)"""


@lru_cache(maxsize=1)
def statistics_sql() -> str:
    """Per question: the sums of moodle.ItemSums, the mean and median answer time, how many
    first attempts had a time, and (on every row) how many learners the analysis covers (one %s:
    the bank id).

    Σ x₍ₖ₎y₍ₖ₎ pairs the k-th smallest score with the k-th smallest rest. Rather than joining
    two ranked lists row by row, it sums over the runs of equal scores: with runs of values
    v₁ < … < v_J ending at ranks h₁ < … < h_J (`xranks`) and Y(h) the sum of the h smallest
    rests, Σ_j v_j·(Y(h_j) − Y(h_{j−1})) = Σ_j Y(h_j)·(v_j − v_{j+1}), v_{J+1} = 0. Y(h_j) is
    a running sum over the ranked rests with each run's end merged in after rank h_j (`merged`,
    `running`): one sort, no join, whatever the cohort's size.
    """
    return f"""WITH {ranked_attempts_cte()},
{firsts_cte()},
{learner_question_cte()},
lt AS (
  SELECT learner_id, SUM(x) AS total, COUNT(*) AS n FROM lq GROUP BY learner_id
),
pairs AS (
  SELECT lq.question_id, lq.x,
    CASE WHEN lt.n > 1 THEN (lt.total - lq.x) / (lt.n - 1) END AS y
  FROM lq JOIN lt ON lt.learner_id = lq.learner_id
),
xs AS (
  SELECT question_id, x, COUNT(*) AS c FROM pairs WHERE y IS NOT NULL GROUP BY question_id, x
),
xranks AS (
  SELECT question_id, x,
    SUM(c) OVER (PARTITION BY question_id ORDER BY x) AS hi,
    LEAD(x, 1, 0.0) OVER (PARTITION BY question_id ORDER BY x) AS next_x
  FROM xs
),
yranks AS (
  SELECT question_id, y, ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY y) AS k
  FROM pairs WHERE y IS NOT NULL
),
merged AS (
  SELECT question_id, k, 0 AS side, y, CAST(NULL AS DOUBLE PRECISION) AS dx FROM yranks
  UNION ALL
  SELECT question_id, hi, 1, CAST(NULL AS DOUBLE PRECISION), x - next_x FROM xranks
),
running AS (
  SELECT question_id, dx,
    SUM(y) OVER (PARTITION BY question_id ORDER BY k, side ROWS UNBOUNDED PRECEDING) AS cum
  FROM merged
),
sorted AS (
  SELECT question_id, SUM(cum * dx) AS sorted_xy FROM running WHERE dx IS NOT NULL
  GROUP BY question_id
),
totals AS (
  SELECT question_id, COUNT(*) AS n, SUM(x) AS sum_x, SUM(x * x) AS sum_xx, COUNT(y) AS m,
    SUM(CASE WHEN y IS NOT NULL THEN x END) AS pair_x,
    SUM(CASE WHEN y IS NOT NULL THEN x * x END) AS pair_xx,
    SUM(y) AS pair_y, SUM(y * y) AS pair_yy, SUM(x * y) AS pair_xy
  FROM pairs GROUP BY question_id
),
times AS (
  SELECT question_id, t,
    ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY t) AS rt,
    COUNT(*) OVER (PARTITION BY question_id) AS ct
  FROM lq WHERE t IS NOT NULL
),
medians AS (
  SELECT question_id, AVG(t) AS median_t, MAX(ct) AS timed
  FROM times WHERE rt IN ((ct + 1) / 2, (ct + 2) / 2) GROUP BY question_id
),
means AS (
  SELECT question_id, AVG(t) AS mean_t FROM lq WHERE t IS NOT NULL GROUP BY question_id
)
SELECT t.question_id, t.n, t.sum_x, t.sum_xx, t.m, t.pair_x, t.pair_xx, t.pair_y, t.pair_yy,
  t.pair_xy, s.sorted_xy, mt.mean_t, md.median_t, md.timed,
  (SELECT COUNT(*) FROM lt) AS learners
FROM totals t
LEFT JOIN sorted s ON s.question_id = t.question_id
LEFT JOIN means mt ON mt.question_id = t.question_id
LEFT JOIN medians md ON md.question_id = t.question_id"""


@lru_cache(maxsize=1)
def responses_sql() -> str:
    """First answers grouped: per question, card and answer, how many learners gave it — every
    answer of a choice question, only the wrong ones of other kinds (two %s: the bank id, then
    the choice kinds are inlined as constants)."""
    questions = Question._meta.db_table
    choice = ", ".join(f"'{kind}'" for kind in CHOICE_KINDS)
    return f"""WITH {ranked_attempts_cte()}
SELECT f.question_id, f.card_id, f.answer, COUNT(*) AS n
FROM ranked f JOIN {questions} q ON q.id = f.question_id
WHERE f.k = 1 AND (q.kind IN ({choice}) OR f.correct = %s)
GROUP BY f.question_id, f.card_id, f.answer"""


@lru_cache(maxsize=1)
def deletions_sql() -> str:
    """Per card of one question: learners with a scored first attempt, and their mean score
    (two %s: the bank id, the question id)."""
    return f"""WITH {ranked_attempts_cte()},
{firsts_cte()}
SELECT card_id, COUNT(*) AS n, AVG(score) AS mean
FROM firsts WHERE score IS NOT NULL AND question_id = %s
GROUP BY card_id"""


CHOICE_KINDS = ("single_choice", "multiple_choice", "true_false")

"""Learners' mastery to the LMS gradebook (Assignment and Grade Services).

The score of a learner on a link is their mastery of the link's bank, or of its topics (with
their subtopics): the share of those active cards whose retrievability now is at least the
learner's desired retention (quizzes.stats.mastery, the figure of the progress page). It lies
between 0 and 1 and is sent as scoreGiven out of scoreMaximum 1; the platform scales it to the
gradebook column. activityProgress is Completed once every card is mastered, InProgress before;
gradingProgress is FullyGraded (the score is final for now and replaced by later ones).

After a review, a link's score is marked pending; it is sent by a background task at most once
per LTI_SCORE_INTERVAL_MINUTES per learner and link. A failure is recorded on the row and
retried with exponential backoff; nothing of it reaches the learner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from requests import RequestException

from quizzes import conf, stats
from quizzes.lti import claims as c
from quizzes.lti.models import ResourceLink, ScoreSync
from quizzes.lti.tool import service_connector
from quizzes.selectors import topic_ids_with_descendants

SCORE_MAXIMUM = 1
LINE_ITEM_MAXIMUM = 100
LINE_ITEM_TAG = "kmodquiz-mastery"
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
ERROR_MAX_LENGTH = 2000


def interval() -> timedelta:
    return timedelta(minutes=conf.get("LTI_SCORE_INTERVAL_MINUTES"))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failure, at most 6 hours."""
    return min(BACKOFF_FIRST * 2 ** max(0, attempts - 1), BACKOFF_MAX)


def link_mastery(*, link: ResourceLink, learner: object, now: datetime) -> stats.Mastery:
    assert link.bank is not None
    slugs = list(link.topics.values_list("slug", flat=True))
    topic_ids = topic_ids_with_descendants(bank=link.bank, slugs=slugs) if slugs else []
    return stats.mastery(learner=learner, bank=link.bank, now=now, topic_ids=topic_ids)


def grade_for(*, sync: ScoreSync, mastery: stats.Mastery, now: datetime) -> Grade:
    """The AGS score: scoreGiven in [0, 1] out of 1, for the learner's `sub`."""
    complete = mastery.cards > 0 and mastery.mastered == mastery.cards
    return (
        Grade()
        .set_score_given(round(mastery.share, 4))
        .set_score_maximum(SCORE_MAXIMUM)
        .set_activity_progress("Completed" if complete else "InProgress")
        .set_grading_progress("FullyGraded")
        .set_timestamp(now.isoformat(timespec="milliseconds"))
        .set_user_id(sync.lti_user_id)
        .set_comment(f"{mastery.mastered} of {mastery.cards} cards mastered.")
    )


def line_item_for(*, title: str, resource_id: str) -> LineItem:
    return (
        LineItem()
        .set_score_maximum(LINE_ITEM_MAXIMUM)
        .set_label(title[:255] or "kmodquiz mastery")
        .set_resource_id(resource_id)
        .set_tag(LINE_ITEM_TAG)
    )


def score_mark_pending(*, learner_id: int, bank_id: int, now: datetime) -> list[ScoreSync]:
    """Mark the learner's scores of links on this bank as owed; return those to send now
    (not sent within the interval, and not waiting out a failure's backoff)."""
    syncs = list(ScoreSync.objects.filter(learner_id=learner_id, link__bank_id=bank_id))
    fresh = [s.pk for s in syncs if s.pending_since is None]
    if fresh:  # most learners have no LTI link: then this costs the one query above
        ScoreSync.objects.filter(pk__in=fresh, pending_since__isnull=True).update(pending_since=now)
        for sync in syncs:
            sync.pending_since = sync.pending_since or now
    return syncs


def send_after(sync: ScoreSync) -> datetime | None:
    """When this pending score may be sent (None: nothing is pending)."""
    if sync.pending_since is None:
        return None
    moments = [sync.pending_since]
    if sync.last_sent_at is not None:
        moments.append(sync.last_sent_at + interval())
    if sync.next_attempt_at is not None:
        moments.append(sync.next_attempt_at)
    return max(moments)


def _ags(link: ResourceLink) -> AssignmentsGradesService:
    endpoint = {"scope": link.ags_scopes, "lineitems": link.lineitems_url}
    if link.lineitem_url:
        endpoint["lineitem"] = link.lineitem_url
    return AssignmentsGradesService(service_connector(link.platform), endpoint)  # type: ignore[arg-type]


def _line_item_url(link: ResourceLink, ags: AssignmentsGradesService) -> str:
    """The link's line item; created (once) when the platform gave none but allows it."""
    if link.lineitem_url:
        return link.lineitem_url
    if not (link.lineitems_url and c.SCOPE_LINEITEM in link.ags_scopes):
        raise LtiException("The platform gave no line item for this link and may not make one.")
    item = line_item_for(
        title=link.title or str(link.bank), resource_id=f"kmodquiz-link-{link.pk}"
    ).set_resource_link_id(link.resource_link_id)
    url = ags.find_or_create_lineitem(item, find_by="resource_link_id").get_id()
    if not url:
        raise LtiException("The platform did not return the line item's URL.")
    ResourceLink.objects.filter(pk=link.pk).update(lineitem_url=url)
    link.lineitem_url = url
    return url


@dataclass(frozen=True)
class PublishOutcome:
    status: str  # "sent", "failed", "waiting" (not yet due) or "nothing" (up to date)
    retry_at: datetime | None = None
    score: float | None = None


def score_publish(*, sync_id: int, now: datetime, force: bool = False) -> PublishOutcome:
    """Send one pending score if it is due (or `force`); record success or failure.

    No lock is held across the request to the platform: two workers sending the same score
    send the same value twice, which AGS treats as one update.
    """
    sync = ScoreSync.objects.select_related("link__platform", "link__bank").get(pk=sync_id)
    due = send_after(sync)
    if due is None:
        return PublishOutcome("nothing")
    if due > now and not force:
        return PublishOutcome("waiting", retry_at=due)
    observed = sync.pending_since
    mastery = link_mastery(link=sync.link, learner=sync.learner, now=now)
    grade = grade_for(sync=sync, mastery=mastery, now=now)
    try:
        ags = _ags(sync.link)
        item = LineItem({"id": _line_item_url(sync.link, ags)})  # type: ignore[typeddict-item]
        ags.put_grade(grade, item)
    except (LtiException, RequestException, ValueError, KeyError) as exc:
        attempts = sync.attempts + 1
        retry_at = now + backoff(attempts)
        ScoreSync.objects.filter(pk=sync.pk).update(
            status=ScoreSync.Status.FAILED,
            attempts=attempts,
            next_attempt_at=retry_at,
            last_error=_describe(exc)[:ERROR_MAX_LENGTH],
            last_error_at=now,
        )
        return PublishOutcome("failed", retry_at=retry_at)
    score = grade.get_score_given()
    ScoreSync.objects.filter(pk=sync.pk).update(
        status=ScoreSync.Status.SENT,
        score=score,
        last_sent_at=now,
        attempts=0,
        next_attempt_at=None,
        last_error="",
    )
    # A review recorded while sending keeps the score pending for the next send.
    ScoreSync.objects.filter(pk=sync.pk, pending_since=observed).update(pending_since=None)
    return PublishOutcome("sent", score=score)


def _describe(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status_code", None):
        body = " ".join((getattr(response, "text", "") or "").split())[:300]
        return f"HTTP {response.status_code} from {response.url}: {body or 'no details'}"
    return str(exc) or type(exc).__name__


def scores_pending(*, now: datetime, force: bool = False) -> list[int]:
    """Ids of pending scores whose backoff has passed (all pending ones with `force`)."""
    pending = ScoreSync.objects.filter(pending_since__isnull=False)
    if not force:
        pending = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return list(pending.order_by("pk").values_list("pk", flat=True))

"""Assignment and Grade Services 2.0 (imsglobal.org/spec/lti-ags/v2p0): line items (§3.2) and scores (§3.4).

Platform rules honoured here:
- scores are sent only for learners: Moodle answers 400 and Canvas 422 for anyone else;
- ``timestamp`` is UTC with milliseconds and strictly increasing per (line item, user): Moodle answers
  409 for a timestamp not later than the stored one and Canvas 400 for an earlier one;
- ``scoreMaximum`` always accompanies ``scoreGiven`` (both platforms reject it otherwise);
- the scores URL is the line item URL with ``/scores`` inserted before any query (Moodle's line item
  URLs carry ``?type_id=N``).
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

from lti_app.extensions import cache
from lti_app.lti import claims
from lti_app.lti.services.connector import ToolServiceConnector

LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")
MAX_LINEITEM_PAGES = 50


class NotALearner(ValueError):
    """Scores may only be sent for learners of the course."""


@dataclass(frozen=True)
class LineItem:
    """A gradebook column."""

    id: str
    label: str
    score_maximum: float
    resource_id: str | None = None
    tag: str | None = None
    resource_link_id: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineItem:
        return cls(
            id=data["id"],
            label=data.get("label", ""),
            score_maximum=float(data.get("scoreMaximum", 0)),
            resource_id=data.get("resourceId"),
            tag=data.get("tag"),
            resource_link_id=data.get("resourceLinkId"),
        )


@dataclass(frozen=True)
class Score:
    """One score for one user on one line item."""

    user_id: str
    activity_progress: str
    grading_progress: str
    score_given: float | None = None
    score_maximum: float | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        if self.activity_progress not in ACTIVITY_PROGRESS:
            raise ValueError(f"activityProgress {self.activity_progress!r} is not one of {ACTIVITY_PROGRESS}")
        if self.grading_progress not in GRADING_PROGRESS:
            raise ValueError(f"gradingProgress {self.grading_progress!r} is not one of {GRADING_PROGRESS}")
        if self.score_given is not None and self.score_maximum is None:
            raise ValueError("scoreGiven needs scoreMaximum")
        if self.score_given is not None and self.score_given < 0:
            raise ValueError("scoreGiven cannot be negative")

    def to_json(self, timestamp: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "userId": self.user_id,
            "activityProgress": self.activity_progress,
            "gradingProgress": self.grading_progress,
            "timestamp": timestamp,
        }
        if self.score_given is not None:
            body["scoreGiven"] = self.score_given
            body["scoreMaximum"] = self.score_maximum
        if self.comment:
            body["comment"] = self.comment
        return body


def format_timestamp(epoch_ms: int) -> str:
    """ISO 8601 in UTC with milliseconds and an explicit offset: 2026-01-02T03:04:05.678+00:00."""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")


def _timestamp_key(line_item_url: str, user_id: str) -> str:
    return "lti:score-ts:" + hashlib.sha256(f"{line_item_url}\x1f{user_id}".encode()).hexdigest()


def next_timestamp(line_item_url: str, user_id: str, now_ms: Callable[[], int] | None = None) -> str:
    """A timestamp later than every one sent before for this line item and user (kept in the shared cache)."""
    return next_timestamps([(line_item_url, user_id)], now_ms)[0]


def next_timestamps(pairs: Sequence[tuple[str, str]], now_ms: Callable[[], int] | None = None) -> list[str]:
    """``next_timestamp`` for many distinct (line item URL, user) pairs with one read and one write of the cache."""
    if not pairs:
        return []
    keys = [_timestamp_key(url, user) for url, user in pairs]
    current = (now_ms or (lambda: int(time.time() * 1000)))()
    stamps = [max(current, int(last) + 1) if last is not None else current for last in cache.get_many(*keys)]
    cache.set_many(dict(zip(keys, stamps)), timeout=0)
    return [format_timestamp(stamp) for stamp in stamps]


def scores_url(line_item_url: str) -> str:
    """The scores endpoint of a line item: ``/scores`` appended to the path, query kept."""
    parts = urlsplit(line_item_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


class AgsClient:
    """Line items and scores for one platform and one course's AGS endpoint."""

    def __init__(self, connector: ToolServiceConnector, endpoint: claims.AgsEndpoint) -> None:
        self.connector = connector
        self.endpoint = endpoint

    def _scopes(self) -> list[str]:
        return sorted(self.endpoint.scopes)

    def line_items(self, *, tag: str | None = None, resource_id: str | None = None) -> list[LineItem]:
        """Every line item of the course (all pages), optionally filtered by tag or resource id."""
        if not self.endpoint.lineitems_url:
            raise ValueError("The launch offers no line items URL")
        items: list[LineItem] = []
        pages = self.connector.get_paginated_data(self._scopes(), self.endpoint.lineitems_url, accept=LINEITEM_CONTAINER_TYPE)
        for number, page in enumerate(pages, start=1):
            items.extend(LineItem.from_json(item) for item in page["body"] or [])
            if number >= MAX_LINEITEM_PAGES:
                break
        return [i for i in items if (tag is None or i.tag == tag) and (resource_id is None or i.resource_id == resource_id)]

    def create_line_item(
        self, label: str, score_maximum: float, *, resource_id: str | None = None, tag: str | None = None,
        resource_link_id: str | None = None,
    ) -> LineItem:
        """Create a gradebook column."""
        if not self.endpoint.can_manage_lineitems or not self.endpoint.lineitems_url:
            raise PermissionError("The platform did not grant the line item scope")
        body = {"label": label, "scoreMaximum": score_maximum}
        body.update({k: v for k, v in (("resourceId", resource_id), ("tag", tag), ("resourceLinkId", resource_link_id)) if v})
        response = self.connector.make_service_request(
            self._scopes(), self.endpoint.lineitems_url, is_post=True, data=json.dumps(body),
            content_type=LINEITEM_TYPE, accept=LINEITEM_TYPE,
        )
        return LineItem.from_json(response["body"])  # type: ignore[arg-type]

    def find_or_create_line_item(self, label: str, score_maximum: float, *, resource_id: str, tag: str | None = None) -> LineItem:
        """The course's line item for ``resource_id``, created when there is none."""
        found = self.line_items(resource_id=resource_id)
        if found:
            return found[0]
        return self.create_line_item(label, score_maximum, resource_id=resource_id, tag=tag)

    def post_score(self, line_item_url: str, score: Score, *, learner: bool, timestamp: str | None = None) -> dict[str, Any]:
        """Send ``score`` to the line item; refuses anyone who is not a learner. Returns the JSON sent.

        ``timestamp`` comes from ``next_timestamps`` when a batch took its timestamps at once."""
        if not learner:
            raise NotALearner(f"User {score.user_id!r} is not a learner; platforms refuse their scores")
        if not self.endpoint.can_post_scores:
            raise PermissionError("The platform did not grant the score scope")
        body = score.to_json(timestamp or next_timestamp(line_item_url, score.user_id))
        self.connector.make_service_request(
            self._scopes(), scores_url(line_item_url), is_post=True, data=json.dumps(body), content_type=SCORE_TYPE
        )
        return body

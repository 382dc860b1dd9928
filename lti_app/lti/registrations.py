"""Facts about registrations learnt from validated launches.

Most launches bring nothing new: the origins are known from the platform's (cached) record, and the
course's service endpoints from a fingerprint of what the last launch wrote, kept in the shared cache
after its commit. So a launch reads and writes these rows only when something changed.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from lti_app.extensions import cache, db
from lti_app.lti.claims import AgsEndpoint, LaunchContext
from lti_app.lti.models import LtiContext, Platform, origin_of
from lti_app.lti.registration_cache import PlatformRecord, on_commit

MAX_FRAME_ORIGINS = 20
SERVICES_KEY_PREFIX = "lti:context-services:"
SERVICES_CACHE_SECONDS = 600


def note_launch_origins(platform: Platform | PlatformRecord, context: LaunchContext) -> bool:
    """Remember the origins a signed launch names (return URL, platform URL) as allowed to frame us.

    Returns True when a new origin was added. Only validated launches call this, so an origin can only
    come from the registered platform's own signed token.
    """
    known = platform.origins()
    new = [o for o in dict.fromkeys(origin_of(url) for url in (context.return_url, context.platform_url)) if o and o not in known]
    if not new:
        return False
    # The record may be a little older than the row: add to what the row holds now.
    row = platform if isinstance(platform, Platform) else db.session.get(Platform, platform.id)
    seen = list(row.frame_origins or [])
    row.frame_origins = (seen + [o for o in new if o not in seen])[-MAX_FRAME_ORIGINS:]
    return True


def _services_fingerprint(context: LaunchContext) -> str:
    ags = context.ags
    carried = [context.nrps_url, ags.lineitems_url if ags else None, sorted(ags.scopes) if ags else None]
    return hashlib.sha256(json.dumps(carried).encode()).hexdigest()


def note_context_services(platform_id: int, course_id: int, context: LaunchContext) -> LtiContext | None:
    """Keep the course's NRPS and AGS endpoints from its newest launch that carried them. Flushes.

    Returns None, without a query, when the previous launch into the course carried the same endpoints.
    """
    key, fingerprint = f"{SERVICES_KEY_PREFIX}{course_id}", _services_fingerprint(context)
    if cache.get(key) == fingerprint:
        return None
    row = db.session.scalar(select(LtiContext).where(LtiContext.course_id == course_id))
    if row is None:
        row = LtiContext(course_id=course_id, platform_id=platform_id, ags_scopes=[])
        db.session.add(row)
    if context.nrps_url:
        row.memberships_url = context.nrps_url
    if context.ags and context.ags.lineitems_url:
        row.lineitems_url = context.ags.lineitems_url
        row.ags_scopes = sorted(context.ags.scopes)
    db.session.flush()
    # Only once committed: a launch that rolls back must not make the next one skip its write.
    on_commit(lambda: cache.set(key, fingerprint, timeout=SERVICES_CACHE_SECONDS))
    return row


def context_services(course_id: int) -> LtiContext | None:
    """The stored service endpoints of a course, if any launch carried them."""
    return db.session.scalar(select(LtiContext).where(LtiContext.course_id == course_id))


def ags_endpoint(row: LtiContext, lineitem_url: str | None = None) -> AgsEndpoint:
    """The course's AGS endpoint, optionally bound to one line item."""
    return AgsEndpoint(frozenset(row.ags_scopes or ()), row.lineitems_url, lineitem_url)

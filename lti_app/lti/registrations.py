"""Facts about registrations learnt from validated launches.

A course's service URLs (AGS line items, NRPS memberships) are kept only when they are on one of the platform's
hosts (``platform_hosts``): its issuer's, the hosts of its registered login, token and key set URLs, and the
origins its signed launches named (Canvas serves services on the school's own domain, which launches teach us).
Host names are compared exactly, ports aside. Listing a host in ``LTI_PRIVATE_HOSTS`` does not make it any
platform's: that setting says which hosts may be called at all, this rule whose token may go where. A launch
naming a service on another host is still launched, without that service (as when the claim is absent), and
the connector checks again at call time (rows stored before this rule).

Most launches bring nothing new: the origins are known from the platform's (cached) record, and the
course's service endpoints from a fingerprint of what the last launch wrote, kept in the shared cache
after its commit. So a launch reads and writes these rows only when something changed.
"""
from __future__ import annotations

import hashlib
import json
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select

from lti_app.extensions import cache, db
from lti_app.lti.claims import AgsEndpoint, LaunchContext
from lti_app.lti.models import LtiContext, Platform, origin_of
from lti_app.lti.outbound import host_of
from lti_app.lti.registration_cache import PlatformRecord, on_commit

log = logging.getLogger(__name__)

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


def platform_hosts(platform: Platform | PlatformRecord) -> frozenset[str]:
    """The hosts the platform's service URLs may be on (see the module's docstring)."""
    urls = (platform.issuer, platform.auth_login_url, platform.auth_token_url, platform.key_set_url,
            *(platform.frame_origins or ()))
    return frozenset(filter(None, map(host_of, urls)))


def own_service_url(platform: Platform | PlatformRecord, url: str | None, what: str) -> str | None:
    """``url`` when it is on one of the platform's hosts; else None, with a warning naming the host (``what``: which
    service URL, for the log). For a launch's AGS line item URL, which the course's pages keep."""
    return _own(url, platform_hosts(platform), what, platform.id)


def _own(url: str | None, hosts: frozenset[str], what: str, platform_id: int) -> str | None:
    if url and host_of(url) not in hosts:
        log.warning("launch from platform %s names its %s on host %r, not one of the platform's: not kept",
                    platform_id, what, host_of(url))
        return None
    return url


SESSION_PARAMETERS = ("sess", "token", "nonce", "sig", "key", "auth", "ticket", "state")


def course_link(return_url: str | None) -> str | None:
    """The launch's return URL as a link into the course for e-mail: http(s) only, without fragment or any query
    parameter that may carry a session (Moodle's ``sesskey``, tokens, signatures). None when unusable."""
    if not return_url or len(return_url) > 2000:
        return None
    parts = urlsplit(return_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not any(word in k.lower() for word in SESSION_PARAMETERS)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _services_fingerprint(context: LaunchContext, activity_lineitem: bool, platform_id: int) -> str:
    ags = context.ags
    carried = [platform_id, context.nrps_url, ags.lineitems_url if ags else None, sorted(ags.scopes) if ags else None,
               ags.lineitem_url if ags and activity_lineitem else None, course_link(getattr(context, "return_url", None))]
    return hashlib.sha256(json.dumps(carried).encode()).hexdigest()


def note_context_services(platform: int | Platform, context: LaunchContext, *,
                          activity_lineitem: bool = False) -> LtiContext | None:
    """Keep the LMS course's NRPS and AGS endpoints on the platform's hosts from its newest launch that carried them.
    Flushes. With ``activity_lineitem`` the launch's own line item (the activity's column) is kept too. The course is
    the launch's context of the platform's issuer, whichever registration of that LMS the launch came through.

    Returns None, without a query, when the previous launch into the course carried the same endpoints. Call it
    after ``note_launch_origins``, so that the launch's own origins count (given an id, the row it updated is read).
    """
    names = hashlib.sha256(f"{context.issuer}\0{context.context_id}".encode()).hexdigest()
    platform_id = platform if isinstance(platform, int) else platform.id
    key, fingerprint = f"{SERVICES_KEY_PREFIX}{names}", _services_fingerprint(context, activity_lineitem, platform_id)
    if cache.get(key) == fingerprint:
        return None
    if isinstance(platform, int):
        platform = db.session.get(Platform, platform)
    hosts = platform_hosts(platform)
    nrps_url = _own(context.nrps_url, hosts, "NRPS membership URL", platform.id)
    lineitems_url = _own(context.ags.lineitems_url if context.ags else None, hosts, "AGS line items URL", platform.id)
    lineitem_url = (_own(context.ags.lineitem_url, hosts, "AGS line item URL", platform.id)
                    if activity_lineitem and context.ags else None)
    row = db.session.scalar(select(LtiContext).where(LtiContext.issuer == platform.issuer,
                                                     LtiContext.context_id == context.context_id))
    if row is None:
        row = LtiContext(issuer=platform.issuer, context_id=context.context_id, platform_id=platform.id, ags_scopes=[])
        db.session.add(row)
    row.platform_id = platform.id  # the newest launch's registration calls the services
    if nrps_url:
        row.memberships_url = nrps_url
    if lineitems_url and context.ags:
        row.lineitems_url = lineitems_url
        row.ags_scopes = sorted(context.ags.scopes)
    if lineitem_url:
        row.activity_lineitem_url = lineitem_url
    link = _own(course_link(getattr(context, "return_url", None)), hosts, "return URL", platform.id)
    if link:
        row.course_link = link
    db.session.flush()
    # Only once committed: a launch that rolls back must not make the next one skip its write.
    on_commit(lambda: cache.set(key, fingerprint, timeout=SERVICES_CACHE_SECONDS))
    return row


def ags_endpoint(row: LtiContext, lineitem_url: str | None = None) -> AgsEndpoint:
    """The course's AGS endpoint, optionally bound to one line item."""
    return AgsEndpoint(frozenset(row.ags_scopes or ()), row.lineitems_url, lineitem_url)

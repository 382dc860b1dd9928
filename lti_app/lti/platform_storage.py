"""LTI Client Side postMessage Storage: the OIDC state kept in the platform's frame instead of a cookie.

1EdTech "LTI OIDC Login with Client-Side postMessages" (lti-cs-oidc), "Client-side postMessages" (lti-cs-pm) and
"postMessage Storage" (lti-pm-s), as Canvas implements them. A platform that offers storage sends
``lti_storage_target`` (the name of a frame beside the tool's, e.g. ``post_message_forwarding``) with the login
initiation and with the launch. The tool's login page then stores the state and the nonce there
(``lti.put_data`` to ``window.parent.frames[target]``, target origin = the platform's OIDC auth origin) before it
goes on to the platform; after the launch the tool's page reads the state back (``lti.get_data``) and posts it
to the tool, which accepts the launch only when it is the state this login issued.

The server side of that proof lives here: each state a storage login issues is recorded for five minutes (as
the state cookie lives), with the origin its frame answers from and the frame's name; the launch page reads the
record (``peek``) and the verifying POST spends it (``consume``), exactly once.
"""
from __future__ import annotations

import re
from typing import Any

from lti_app.extensions import cache
from lti_app.lti import claim_types

STATE_PREFIX = "lti:pm-state:"
STATE_SECONDS = 300  # as the state cookie of the cookie flow
# A frame name the tool will address: a platform's own word (Canvas: post_message_forwarding), or _parent.
_TARGET = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_STATE = re.compile(r"state-[0-9a-f-]{36}")


def is_storage_target(value: Any) -> bool:
    """Whether ``value`` can name the platform's storage frame (a short word, no markup, no script)."""
    return claim_types.is_text(value, 64) and bool(_TARGET.fullmatch(value))


def is_state(value: Any) -> bool:
    """Whether ``value`` has the shape of a state this tool issues (``state-<uuid>``)."""
    return isinstance(value, str) and bool(_STATE.fullmatch(value))


def record_state(state: str, *, target: str, origin: str, platform_id: int) -> None:
    """Remember a state that a storage login issued: which frame keeps it, and that frame's origin."""
    cache.set(STATE_PREFIX + state, {"target": target, "origin": origin, "platform": platform_id}, timeout=STATE_SECONDS)


def peek(state: Any) -> dict[str, Any] | None:
    """The record of a storage login's state, or None (never issued, expired, or already spent)."""
    if not is_state(state):
        return None
    return cache.get(STATE_PREFIX + state)


def consume(state: Any) -> dict[str, Any] | None:
    """Spend a storage login's state; its record only for the one caller that spent it (atomic delete)."""
    record = peek(state)
    if record is None or not cache.delete(STATE_PREFIX + state):
        return None
    return record


def state_key(state: str) -> str:
    """The key the state is stored under in the platform's frame (as Canvas documents it)."""
    return state  # the state already reads ``state-<uuid>``


def nonce_key(nonce: str) -> str:
    """The key the nonce is stored under in the platform's frame."""
    return "nonce-" + nonce

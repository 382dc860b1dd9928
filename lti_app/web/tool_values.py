"""The tool's own addresses that an LMS administrator pastes into the LMS (PRODUCT.md: they never change)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

STABLE_PATHS = (
    (_l("OIDC login initiation URL"), "/lti/login"),
    (_l("Target link / redirect (launch) URL"), "/lti/launch"),
    (_l("Public keyset (JWKS) URL"), "/lti/jwks"),
    (_l("Dynamic registration URL (Moodle, Canvas)"), "/lti/register"),
    (_l("Canvas developer key configuration (JSON) URL"), "/lti/canvas.json"),
    (_l("Icon URL"), "/static/img/rementor.svg"),
)


def tool_values() -> list[tuple[str, str]]:
    """(label, absolute URL) of every address an LMS needs, on the host this request came to."""
    root = url_for("launch.index", _external=True).rstrip("/")
    return [(str(label), root + path) for label, path in STABLE_PATHS]

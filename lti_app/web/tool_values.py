"""The tool's own addresses that an LMS administrator pastes into the LMS (PRODUCT.md: they never change)."""
from __future__ import annotations

from flask import url_for

STABLE_PATHS = (
    ("OIDC login initiation URL", "/lti/login"),
    ("Target link / redirect (launch) URL", "/lti/launch"),
    ("Public keyset (JWKS) URL", "/lti/jwks"),
    ("Dynamic registration URL (Moodle, Canvas)", "/lti/register"),
    ("Canvas developer key configuration (JSON) URL", "/lti/canvas.json"),
    ("Icon URL", "/static/img/rementor.svg"),
)


def tool_values() -> list[tuple[str, str]]:
    """(label, absolute URL) of every address an LMS needs, on the host this request came to."""
    root = url_for("launch.index", _external=True).rstrip("/")
    return [(label, root + path) for label, path in STABLE_PATHS]

"""Message-level checks of a launch (LTI 1.3 core §5.3-5.4, Deep Linking 2.0 §4.4): version, type, user, roles,
context, resource link or deep-linking settings, and a ``target_link_uri`` that points at this tool."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from lti_app.lti import claim_types, claims, errors


def tool_origins(request_host_url: str) -> set[str]:
    """The origins (scheme://host[:port]) that are this tool."""
    origins = {request_host_url.rstrip("/")}
    origins.update(origin.rstrip("/") for origin in current_app.config["LTI_EXTRA_TOOL_ORIGINS"])
    return origins


def is_our_url(url: str | None, request_host_url: str) -> bool:
    """Whether ``url`` is an absolute URL on one of this tool's origins."""
    if not claim_types.is_http_url(url):
        return False
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" in tool_origins(request_host_url)


def check_message(body: Mapping[str, Any], request_host_url: str) -> None:
    """The message-level checks: version, type, user, roles, context, link and target (named errors)."""
    message_type = body.get(claims.MESSAGE_TYPE)
    if message_type not in claims.SUPPORTED_MESSAGE_TYPES:
        raise errors.WrongMessageType(_l("Message type %(type)s is not handled here.", type=repr(message_type)))
    if body.get(claims.VERSION) != "1.3.0":
        raise errors.WrongMessageType(_l("LTI version %(version)s is not 1.3.0.", version=repr(body.get(claims.VERSION))))
    if not body.get("sub"):
        raise errors.MissingClaim(_l("The launch has no user (sub); anonymous launches are not supported."))
    if not isinstance(body.get(claims.ROLES), list):
        raise errors.MissingClaim(_l("The launch has no roles claim."))
    if not (body.get(claims.CONTEXT) or {}).get("id"):
        raise errors.MissingClaim(_l("The launch has no course context; add ReMentor inside a course."))
    if message_type == claims.RESOURCE_LINK_REQUEST and not (body.get(claims.RESOURCE_LINK) or {}).get("id"):
        raise errors.MissingClaim(_l("The launch has no resource link id."))
    if message_type == claims.DEEP_LINKING_REQUEST:
        _check_deep_linking(body.get(claims.DEEP_LINKING_SETTINGS))
    target = body.get(claims.TARGET_LINK_URI)
    if not target:
        raise errors.MissingClaim(_l("The launch has no target_link_uri."))
    if not is_our_url(target, request_host_url):
        raise errors.ForeignTargetLink(_l("target_link_uri %(target)s is not a URL of this tool.", target=repr(target)))


def _check_deep_linking(settings: Any) -> None:
    if not isinstance(settings, Mapping):
        raise errors.MissingClaim(_l("The deep-linking launch has no deep_linking_settings."))
    if not settings.get("deep_link_return_url"):
        raise errors.MissingClaim(_l("The deep-linking launch has no deep_link_return_url."))
    if "ltiResourceLink" not in (settings.get("accept_types") or []):
        raise errors.WrongMessageType(_l("The platform does not accept LTI resource links here."))

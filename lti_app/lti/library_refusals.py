"""pylti1p3's own refusals of a login or a launch, said in whole translated sentences of ours.

The library raises its exceptions with English text. A page shows a sentence of ours instead: the messages it
raises on the paths the tool takes (``oidc_login``: the login request's issuer and login hint; ``launch``: the
login's session cookie, the id_token's form) each have their own; any other reads as a generic sentence that
gives the library's words as the technical detail they are, for the LMS administrator. The library's text is
logged as it is.
"""
from __future__ import annotations

import logging

from flask_babel import LazyString, lazy_gettext as _l

log = logging.getLogger(__name__)

# The library's words (pylti1p3/oidc_login.py, pylti1p3/message_launch.py) and ours.
KNOWN = {
    "Could not find issuer": _l("The login request from the LMS names no issuer (iss)."),
    "Could not find login hint": _l("The login request from the LMS has no login hint (login_hint)."),
    "Missing cookie session-id": _l(  # the cookie is lti1p3-session-id; the library names it without its prefix
        "The launch came without the cookie of the login that started it (lti1p3-session-id)."),
    "Invalid id_token, JWT must contain 3 parts": _l(
        "The launch token (id_token) is not a JSON Web Token: it does not have three parts."),
    "Invalid JWT format, can't be decoded": _l("The launch token's header or payload cannot be decoded."),
}


def in_our_words(exc: Exception, *, login: bool = False) -> LazyString:
    """Our sentence for the library's refusal of a login initiation (``login``) or of a launch; its text is logged."""
    text = str(exc)
    log.warning("pylti1p3 refused the %s: %s", "login" if login else "launch", text)
    if text in KNOWN:
        return KNOWN[text]
    if login:
        return _l("The LMS's login request could not be read. Technical detail (in English): %(detail)s", detail=text)
    return _l("The LMS's launch could not be read. Technical detail (in English): %(detail)s", detail=text)

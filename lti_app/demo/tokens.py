"""The demo LMS's OAuth 2 token endpoint (client credentials with a signed JWT assertion), a mixin of DemoPlatform."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Mapping

import jwt
from lti1p3platform.exceptions import InvalidKeySetUrl, LtiException, MissingRequiredClaim, UnsupportedGrantType

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class TokenEndpointMixin:
    """``token``: what the platform's token URL answers."""

    client_id: str
    token_url: str
    token_requests: list[dict[str, Any]]
    _seen_jti: set[str]
    conf: Callable[..., Any]

    def token(self, form: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        """OAuth 2 client credentials with a signed JWT assertion (1EdTech Security Framework §4.1)."""
        form = {k: str(v) for k, v in dict(form).items()}
        self.token_requests.append(form)
        if form.get("client_assertion_type", ASSERTION_TYPE) != ASSERTION_TYPE:
            return 400, {"error": "invalid_request", "error_description": "unsupported client_assertion_type"}
        try:
            granted = self.conf().get_access_token(form)
        except MissingRequiredClaim as exc:
            return 400, {"error": "invalid_request", "error_description": str(exc)}
        except UnsupportedGrantType:
            return 400, {"error": "unsupported_grant_type"}
        except (LtiException, InvalidKeySetUrl, jwt.InvalidTokenError) as exc:
            return 401, {"error": "invalid_client", "error_description": str(exc) or type(exc).__name__}
        claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
        aud = claims.get("aud")
        problems = [
            claims.get("iss") != self.client_id and "iss is not the client_id",
            claims.get("sub") != self.client_id and "sub is not the client_id",
            self.token_url not in (aud if isinstance(aud, list) else [aud]) and "aud is not the token endpoint",
            (not claims.get("jti") or claims["jti"] in self._seen_jti) and "jti is missing or was used before",
        ]
        if any(problems):
            return 401, {"error": "invalid_client", "error_description": "; ".join(p for p in problems if p)}
        self._seen_jti.add(claims["jti"])
        if not granted["scope"]:
            return 400, {"error": "invalid_scope"}
        return 200, dict(granted)

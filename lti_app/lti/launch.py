"""id_token launch validation (LTI 1.3 core §5.1.2, 1EdTech Security Framework §5.1.3); the login that comes
before it is ``oidc_login``.

Built on pylti1p3next's Flask classes, with the checks that library lacks added here:
- the validation order puts the signature before the nonce, so a forged token cannot spend a real nonce;
- the nonce is single use (deleted atomically from the shared cache when the launch is accepted);
- only RS256; ``aud`` must contain our client id and, when it lists several audiences, ``azp`` must be ours;
- a small clock leeway for ``iat``/``nbf``/``exp`` (platform clocks drift);
- the platform key set is cached, never fetched per launch, and refetched once on an unknown ``kid``
  (platforms rotate keys) with a rate limit so a forged ``kid`` cannot make us hammer the platform;
- every outbound call has a timeout;
- unknown or inactive registrations and deployments fail with named errors;
- every claim read has its JSON type checked first (``claim_types``), so a value of
  the wrong shape is a named error, never a crash: before the signature only what finds the registration.
"""
from __future__ import annotations

import json
import secrets
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from flask import current_app
from flask_babel import LazyString, lazy_gettext as _l
from jwcrypto.jwk import JWK
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from pylti1p3.exception import LtiException

from lti_app.extensions import cache
from lti_app.lti import claim_types, claims, errors, messages, platform_keys
from lti_app.lti.library_refusals import in_our_words
from lti_app.lti.oidc_login import CookielessLaunchStorage, LaunchStorage
from lti_app.lti.services.connector import ToolServiceConnector
from lti_app.lti.tool_config import DatabaseToolConf

LAUNCH_KEY_PREFIX = "lti:launch:"


class ToolMessageLaunch(FlaskMessageLaunch):
    """An id_token launch validated with the checks above; failures raise named LaunchErrors."""

    def __init__(
        self, request: FlaskRequest, tool_config: DatabaseToolConf, *, restore: bool = False,
        stored_state: str | None = None,
    ) -> None:
        """``stored_state``: the state the platform's storage frame gave back, already checked and spent by the
        caller (``platform_storage.consume``); the launch then needs no cookie at all."""
        self._stored_state = stored_state
        storage = CookielessLaunchStorage(cache) if stored_state else LaunchStorage(cache)
        try:
            super().__init__(
                request,
                tool_config,
                launch_data_storage=None if restore else storage,
                requests_session=platform_keys.http_session(),
                service_connector_cls=ToolServiceConnector,
            )
        except LtiException as exc:  # "Missing cookie session-id": the login cookie did not come back
            raise errors.StateMismatch(in_our_words(exc)) from exc
        self.tool_config = tool_config

    @classmethod
    def from_cache(cls, launch_id: str, *args: Any, **kwargs: Any) -> ToolMessageLaunch:  # type: ignore[override]
        """A launch restored from our server-side store, always with our service connector (see restore_launch)."""
        return restore_launch(launch_id)

    # -- order and error translation ------------------------------------------------------------------
    def validate(self) -> ToolMessageLaunch:
        """Validate the launch completely and keep its data server-side under a fresh launch id."""
        if self._restored:
            raise errors.InvalidToken(_l("A restored launch cannot be validated again."))
        self._validated = True
        try:
            self.validate_state().validate_jwt_format().validate_registration()
            self.validate_jwt_signature().validate_claims().validate_nonce().validate_deployment().validate_message()
        except errors.LaunchError:
            self._validated = False
            raise
        except LtiException as exc:
            self._validated = False
            raise errors.InvalidToken(in_our_words(exc)) from exc
        self.save_launch_data()
        return self

    def validate_state(self) -> ToolMessageLaunch:
        state = self._get_request_param("state")
        if not state:
            raise errors.StateMismatch(_l("The launch has no state parameter."))
        if self._stored_state is not None:
            if state != self._stored_state:
                raise errors.StateMismatch(_l("The state does not match the one the LMS kept for this login."))
            return self
        if self._cookie_service.get_cookie(state) != state:
            raise errors.StateMismatch(_l("The state does not match a login started in this browser."))
        return self

    def validate_jwt_format(self) -> ToolMessageLaunch:
        if not self._get_request_param("id_token"):
            raise errors.MissingClaim(_l("The launch has no id_token."))
        try:
            super().validate_jwt_format()
        except LtiException as exc:
            raise errors.InvalidToken(in_our_words(exc)) from exc
        header, body = self._jwt.get("header"), self._jwt.get("body")
        if not isinstance(header, dict) or not isinstance(body, dict):
            raise errors.InvalidToken(_l("The launch token's header or payload is not a JSON object."))
        if not claim_types.is_text(header.get("alg"), 20) or not claim_types.is_text(header.get("kid", ""), 255):
            raise errors.InvalidToken(_l("The launch token's header names its algorithm or key (kid) in a form that cannot be used."))
        # Unverified still: only the claims that find the registration and that the signature check reads.
        self._jwt["body"] = claim_types.checked(body, claim_types.TOKEN_CLAIMS)
        return self

    def client_id_candidates(self) -> list[str]:
        """Client ids the token could be for: ``azp``, then every audience (each at most once)."""
        body = self._get_jwt_body()
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        return [str(c) for c in dict.fromkeys([body.get("azp"), *audiences]) if c]

    def get_client_id(self) -> str:
        """The client id of the registration found (before that: the first candidate)."""
        if self._registration is not None:
            return self._registration.get_client_id()  # type: ignore[return-value]
        candidates = self.client_id_candidates()
        return candidates[0] if candidates else None  # type: ignore[return-value]

    def validate_registration(self) -> ToolMessageLaunch:
        """Find the registration among the token's candidate client ids; the signature check then insists that
        ``aud`` holds it and ``azp`` (if any) is it, so a foreign audience is named as an invalid token."""
        iss = self._get_jwt_body().get("iss")
        if not iss:
            raise errors.MissingClaim(_l("The launch has no issuer (iss)."))
        candidates = self.client_id_candidates()
        if not candidates:
            raise errors.MissingClaim(_l("The launch has no audience (aud)."))
        first_error: errors.LaunchError | None = None
        for client_id in candidates:
            try:
                self._registration = self.tool_config.find_registration_by_params(iss, client_id)
                return self
            except errors.InactivePlatform:
                raise
            except errors.UnknownPlatform as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    # -- signature ------------------------------------------------------------------------------------
    def validate_jwt_signature(self) -> ToolMessageLaunch:
        header = self._jwt.get("header", {})
        if header.get("alg") != "RS256":
            raise errors.InvalidToken(_l("Signing algorithm %(alg)s is not accepted; RS256 only.", alg=repr(header.get("alg"))))
        if not header.get("kid"):
            raise errors.InvalidToken(_l("The launch token names no key (kid)."))
        assert self._registration is not None
        public_key = self.platform_public_key(header["kid"])
        client_id = self._registration.get_client_id()
        try:
            body = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=["RS256"],
                audience=client_id,
                issuer=self._registration.get_issuer(),
                leeway=current_app.config["LTI_CLOCK_LEEWAY_SECONDS"],
                options={"require": ["exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise errors.LaunchExpired(_l("The launch token has expired.")) from exc
        except jwt.ImmatureSignatureError as exc:
            raise errors.InvalidToken(_l("The launch token is not valid yet (%(reason)s); check the platform's clock.", reason=str(exc))) from exc
        except jwt.InvalidTokenError as exc:
            raise errors.InvalidToken(_token_rejected(exc)) from exc
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if len(audiences) > 1 and "azp" not in body:
            raise errors.InvalidToken(_l("The token has several audiences but no authorised party (azp)."))
        if "azp" in body and body["azp"] != client_id:
            raise errors.InvalidToken(_l("The authorised party (azp) %(azp)s is not our client ID.", azp=repr(body["azp"])))
        return self

    def platform_public_key(self, kid: str) -> RSAPublicKey:
        """The platform's public key ``kid``: inline key set, or the cached URL key set with one refetch."""
        assert self._registration is not None
        inline = self._registration.get_key_set()
        if inline:
            key = platform_keys.find_key(inline.get("keys", []), kid)
        else:
            url = self._registration.get_key_set_url() or ""
            key = platform_keys.find_key(platform_keys.key_set(url, self._requests_session).get("keys", []), kid)
            if key is None and platform_keys.may_refetch(url):
                key = platform_keys.find_key(platform_keys.key_set(url, self._requests_session, refresh=True).get("keys", []), kid)
        if key is None:
            raise errors.InvalidToken(_l("The platform's key set has no key %(kid)s.", kid=repr(kid)))
        try:
            return _public_key(json.dumps(key, sort_keys=True))
        except (ValueError, TypeError) as exc:
            raise errors.InvalidToken(_l("The platform's key %(kid)s cannot be read.", kid=repr(kid))) from exc

    # -- claims, nonce, deployment, message ------------------------------------------------------------
    def validate_claims(self) -> ToolMessageLaunch:
        """Every other claim the tool reads, now that the platform signed them (wrong optional values dropped)."""
        self._jwt["body"] = claim_types.checked(self._get_jwt_body(), claim_types.MESSAGE_CLAIMS)
        return self

    def validate_nonce(self) -> ToolMessageLaunch:
        nonce = self._get_jwt_body().get("nonce")
        if not nonce:
            raise errors.MissingClaim(_l("The launch has no nonce."))
        storage = self._session_service.data_storage
        if not isinstance(storage, LaunchStorage) or not storage.consume_value(f"lti1p3-nonce-{nonce}"):
            raise errors.ReplayedLaunch(_l("The launch's nonce was already used or was never issued to this browser."))
        return self

    def validate_deployment(self) -> ToolMessageLaunch:
        if not self._get_jwt_body().get(claims.DEPLOYMENT_ID):
            raise errors.MissingClaim(_l("The launch has no deployment_id."))
        return super().validate_deployment()

    def validate_message(self) -> ToolMessageLaunch:
        messages.check_message(self._get_jwt_body(), _request_host_url())
        return self

    def save_launch_data(self) -> ToolMessageLaunch:
        """Keep the validated body server-side under an unguessable launch id."""
        self._launch_id = "launch-" + secrets.token_urlsafe(24)
        cache.set(LAUNCH_KEY_PREFIX + self._launch_id, self._jwt["body"], timeout=current_app.config["LTI_LAUNCH_DATA_SECONDS"])
        return self

    def context(self) -> claims.LaunchContext:
        """The validated launch as a LaunchContext."""
        return claims.build_context(self._launch_id, self._get_jwt_body())


def _token_rejected(exc: jwt.InvalidTokenError) -> LazyString:
    """PyJWT's refusal of a signed token in a sentence of ours: the signature, audience, issuer and a missing
    required claim by name; any other with PyJWT's English words as the reason."""
    if isinstance(exc, jwt.InvalidSignatureError):
        return _l("The launch token's signature does not match the platform's key.")
    if isinstance(exc, jwt.InvalidAudienceError):
        return _l("The launch token is not addressed to ReMentor's client ID (aud).")
    if isinstance(exc, jwt.InvalidIssuerError):
        return _l("The launch token's issuer (iss) is not the registered one.")
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return _l("The launch token has no %(claim)s claim.", claim=exc.claim)
    return _l("The launch token was rejected: %(reason)s", reason=str(exc))


@lru_cache(maxsize=64)
def _public_key(jwk_json: str) -> RSAPublicKey:
    """A platform's RSA key, parsed once per process (the same few keys sign every launch)."""
    key = serialization.load_pem_public_key(JWK.from_json(jwk_json).export_to_pem())
    if not isinstance(key, RSAPublicKey):
        raise ValueError("not an RSA key")
    return key


def _request_host_url() -> str:
    from flask import request

    return request.host_url


def restore_launch(launch_id: str) -> ToolMessageLaunch:
    """A launch validated earlier, from the server-side cache; raises SessionExpired when it is gone."""
    body = cache.get(LAUNCH_KEY_PREFIX + launch_id) if launch_id else None
    if not body:
        raise errors.SessionExpired(_l("The launch data has expired."))
    launch = ToolMessageLaunch(FlaskRequest(), DatabaseToolConf(), restore=True)
    launch.set_launch_id(launch_id).set_auto_validation(enable=False).set_jwt({"body": body}).set_restored()
    launch.validate_registration()
    return launch

"""OIDC login initiation (LTI 1.3 core §5.1.1, 1EdTech Security Framework §5.1.1), and the cache the login and
the launch keep their state and nonce in.

Built on pylti1p3next's Flask classes, with the checks that library lacks added here:
- every login parameter is text of a sane length and ``target_link_uri`` must point at this tool;
- inside an iframe that blocks cookies, the login either goes through the platform's storage frame
  (``lti_storage_target``, no cookie of ours at all) or asks for a new window after a cookie check;
- a nonce can be spent exactly once (``LaunchStorage.consume_value``, atomic in Redis and in-process).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask_babel import gettext as _, lazy_gettext as _l
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import OIDCException

from lti_app.extensions import cache
from lti_app.lti import claim_types, errors, messages, platform_storage
from lti_app.lti.library_refusals import in_our_words
from lti_app.lti.models import origin_of
from lti_app.lti.tool_config import DatabaseToolConf

# The login initiation's parameters (LTI 1.3 core §5.1.1) and the longest value each may have.
LOGIN_PARAMETERS = {
    "iss": 255, "client_id": 255, "lti_deployment_id": 255, "login_hint": 4000, "lti_message_hint": 8000,
    "target_link_uri": 2000,
}


class LaunchStorage(FlaskCacheDataStorage):
    """pylti1p3's cache storage over Flask-Caching, able to spend a key exactly once."""

    def consume_value(self, key: str) -> bool:
        """Delete ``key``; True only for the one caller that deleted it (atomic in Redis and in-process)."""
        return bool(self._get_cache().delete(self._prepare_key(key)))


class CookielessLaunchStorage(LaunchStorage):
    """The same cache without the per-browser ``lti1p3-session-id`` cookie prefix: a platform-storage login's
    nonce is found by the launch of a browser that keeps no cookie of ours (the nonce is 64 random hex digits)."""

    def get_session_cookie_name(self) -> str | None:
        return None


class ToolOIDCLogin(FlaskOIDCLogin):
    """Login initiation: known registration, a target that is ours, and a cookie check for iframes."""

    def __init__(self, request: FlaskRequest, tool_config: DatabaseToolConf) -> None:
        super().__init__(request, tool_config, launch_data_storage=LaunchStorage(cache))

    def start(self, launch_url: str, request_host_url: str) -> Any:
        """Validate the login request and answer with the redirect to the platform's auth endpoint."""
        self.check_parameters()
        target = self._get_request_param("target_link_uri")
        if target and not messages.is_our_url(target, request_host_url):
            raise errors.ForeignTargetLink(_l("target_link_uri %(target)s is not a URL of this tool.", target=repr(target)))
        if self.storage_target() and not self._is_new_window_request():
            return self.platform_storage_login(launch_url)
        self.enable_check_cookies(
            main_msg=_("Your browser is blocking cookies inside this course page, so ReMentor cannot start here."),
            click_msg=_("Open ReMentor in a new window"),
            loading_msg=_("Starting ReMentor…"),
        )
        try:
            # The redirect_uri is always our own launch URL, never a value taken from the request.
            return self.redirect(launch_url)
        except OIDCException as exc:
            raise errors.InvalidLogin(in_our_words(exc, login=True)) from exc

    def storage_target(self) -> str | None:
        """The platform's storage frame (``lti_storage_target``), when it offers one and the login may use it."""
        value = self._get_request_param("lti_storage_target")
        return value if platform_storage.is_storage_target(value) else None

    def platform_storage_login(self, launch_url: str) -> dict[str, str]:
        """The auth request of a login whose state and nonce go to the platform's storage frame, not a cookie.

        What the login page needs: the auth URL, the state and nonce to store, the frame and its origin (the
        platform's OIDC auth origin, the only origin the page talks to), and the cookie login to fall back on.
        No cookie is set; the state is recorded server-side for five minutes (``platform_storage``).
        """
        self._launch_data_storage = CookielessLaunchStorage(cache)
        try:
            auth_url = self._prepare_redirect_url(launch_url)
        except OIDCException as exc:
            raise errors.InvalidLogin(in_our_words(exc, login=True)) from exc
        query = dict(parse_qsl(urlsplit(auth_url).query))
        origin = origin_of(auth_url)
        if origin is None:
            raise errors.InvalidLogin(_l("The platform's authentication URL is not an http(s) URL."))
        target = self.storage_target()
        assert target is not None and self._registration is not None
        platform_storage.record_state(query["state"], target=target, origin=origin, platform_id=self._tool_config.platform.id)
        _protocol, params = self.get_cookies_allowed_js_check_params()
        params.pop("lti1p3_new_window", None)  # the fallback is the cookie login, with its cookie check
        return {
            "auth_url": auth_url, "state": query["state"], "nonce": query["nonce"], "target": target,
            "origin": origin, "state_key": platform_storage.state_key(query["state"]),
            "nonce_key": platform_storage.nonce_key(query["nonce"]), "fallback": urlencode(params),
        }

    def check_parameters(self) -> None:
        """Each login parameter sent is text of a sane length (so ``Platform.find`` gets a storable string)."""
        storage_target = self._get_request_param("lti_storage_target")
        if storage_target is not None and not platform_storage.is_storage_target(storage_target):
            raise errors.InvalidLogin(_l("The login parameter lti_storage_target is not a frame name."))
        for name, max_length in LOGIN_PARAMETERS.items():
            value = self._get_request_param(name)
            if value is not None and not claim_types.is_text(value, max_length):
                raise errors.InvalidLogin(
                    _l("The login parameter %(name)s is not text of at most %(max)s characters.", name=name, max=max_length))
        target = self._get_request_param("target_link_uri")
        if target and not claim_types.is_http_url(target):
            raise errors.InvalidLogin(_l("The login parameter target_link_uri is not an http(s) URL."))

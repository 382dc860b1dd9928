"""The small subclasses lti1p3platform needs to run without a web framework (core modules only).

lti1p3platform's ``framework`` package is avoided on purpose: its templates module imports
``pkg_resources``. Its abstract classes are filled in here: a request built from plain values, a
platform configuration holding one registration, an OIDC login that returns the URL, and a message
launch that returns the id_token and state instead of rendering a form. The registration signs
through the platform's ``sign`` (``ports.Signer``) so that tests can change claims and headers of the id_token.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from cryptography.hazmat.primitives import serialization
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

from lti_app.demo.ports import Signer

HEADER_OPTIONS = ("kid", "alg", "key")  # claim overrides that change how the token is signed, not its claims


@lru_cache(maxsize=16)
def private_key(private_key_pem: str) -> Any:
    """The loaded key of a private PEM (cached: loading an RSA key checks it, which takes tens of milliseconds)."""
    return serialization.load_pem_private_key(private_key_pem.encode(), password=None)


@lru_cache(maxsize=16)
def public_pem(private_key_pem: str) -> str:
    """The public half of a private PEM."""
    return private_key(private_key_pem).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def public_jwks(private_key_pem: str) -> dict[str, Any]:
    """The JWKS a platform with this key publishes (kid = RFC 7638 thumbprint, as lti1p3platform signs)."""
    return {"keys": [Registration.get_jwk(public_pem(private_key_pem))]}


class DictRequest(Request):
    """An lti1p3platform request built from plain values."""

    def build_metadata(self, request: Mapping[str, Any]) -> TRequest:
        return {
            "method": request.get("method", "GET"),
            "form_data": dict(request.get("form_data") or {}),
            "get_data": dict(request.get("get_data") or {}),
            "headers": request.get("headers") or {},
            "content_type": request.get("content_type"),
            "path": request.get("path", "/"),
            "json": request.get("json"),
        }


class SigningRegistration(Registration):
    """lti1p3platform's registration, signing through the platform's ``sign`` with a launch's claim overrides.

    An override with value None removes the claim; ``kid``, ``alg`` and ``key`` change the signature.
    """

    def __init__(self, platform: Signer, overrides: Mapping[str, Any] | None = None) -> None:
        self._platform, self._overrides = platform, dict(overrides or {})

    def platform_encode_and_sign(self, payload: dict[str, Any], expiration: int | None = None) -> str:
        now = self._platform.now()
        body = dict(payload, **({"iat": now, "exp": now + expiration} if expiration else {}))
        for name, value in self._overrides.items():
            if name in HEADER_OPTIONS:
                continue
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        return self._platform.sign(body, **{k: v for k, v in self._overrides.items() if k in HEADER_OPTIONS})


class PlatformConf(LTI1P3PlatformConfAbstract):
    """A platform configuration that holds exactly one registration."""

    def init_platform_config(self, registration: Registration) -> None:  # type: ignore[override]
        self._registration = registration

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration  # type: ignore[return-value]


class Login(OIDCLoginAbstract):
    """Third-party login initiation whose 'redirect' is just the URL."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    """A message launch whose 'form' is the dict {id_token, state, launch_url}."""

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data

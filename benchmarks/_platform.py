"""The platform side of the launch benchmark: an RSA key, a real JWKS server on 127.0.0.1, id_token signing.

None of this runs inside the tool's WSGI app, so none of it is counted as server time (except that the
baseline's per-launch JWKS fetch is answered by this server thread while the tool waits, as a real
platform would be waited for).
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from lti_app.lti import claims

LEARNER = claims.MEMBERSHIP + "#Learner"
INSTRUCTOR = claims.MEMBERSHIP + "#Instructor"


class JwksServer:
    """http.server in a background thread serving one JWKS at every path, counting GETs per path."""

    def __init__(self, jwks: dict) -> None:
        body = json.dumps(jwks).encode()
        self.hits: Counter[str] = Counter()
        lock = threading.Lock()
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with lock:
                    hits[self.path] += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="jwks", daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> JwksServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class Platform:
    """An LMS that signs launches with its own RS256 key (``kid`` in the header)."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "bench-" + uuid.uuid4().hex[:12]
        public = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        public.update(kid=self.kid, alg="RS256", use="sig")
        self.jwks = {"keys": [public]}

    def id_token(self, *, issuer: str, client_id: str, deployment_id: str, nonce: str, target: str, n: int,
                 people: int = 100, courses: int = 10, role: str = LEARNER) -> str:
        """A signed LtiResourceLinkRequest for person ``n`` (``people`` people over ``courses`` courses, repeating)."""
        now = int(time.time())
        person, course = n % people, n % courses
        body = {
            "iss": issuer,
            "aud": client_id,
            "azp": client_id,
            "sub": f"learner-{person}",
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            claims.DEPLOYMENT_ID: deployment_id,
            claims.MESSAGE_TYPE: claims.RESOURCE_LINK_REQUEST,
            claims.VERSION: "1.3.0",
            claims.ROLES: [role],
            claims.CONTEXT: {"id": f"course-{course}", "title": f"Course {course}"},
            claims.RESOURCE_LINK: {"id": f"link-{course}"},
            claims.TARGET_LINK_URI: target,
            "name": f"Learner {person}",
            "email": f"learner{person}@example.test",
        }
        return jwt.encode(body, self._key, algorithm="RS256", headers={"kid": self.kid})

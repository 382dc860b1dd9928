"""Real servers on 127.0.0.1 for the outbound guard's tests, and a resolver the tests control.

``Listener`` accepts TCP connections and counts them (it answers nothing; it keeps what each sent first): a test that must make no connection
asserts ``listener.accepted == 0``. ``PlatformServer`` serves a ``SimulatedPlatform`` (Moodle-shaped) over plain
HTTP, or a fixed redirect. ``Resolver`` replaces ``socket.getaddrinfo`` for chosen names and passes every other
name and every numeric address to the real one. ``refuse_connections`` makes every connection attempt fail at once.
"""
from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import urllib3.util.connection

from tests.lti import simulated_lms


def refuse_connections(monkeypatch: Any) -> list[tuple]:
    """Every address urllib3 connects to from now on (the list returned); each attempt fails at once, so that
    nothing reaches the network even when the guard under test lets a call through."""
    seen: list[tuple] = []

    def refuse(address: tuple, *args: Any, **kwargs: Any) -> Any:
        seen.append(address)
        raise ConnectionRefusedError(111, "refused by the test")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse)
    return seen


class _Counting(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.accepted += 1  # type: ignore[attr-defined]
        self.request.settimeout(0.5)
        try:
            first = self.request.recv(256)
        except OSError:
            first = b""
        self.server.received.append(first)  # type: ignore[attr-defined]


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts, keeps the first bytes each sent
    (``received``) and closes them."""

    def __init__(self) -> None:
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Counting)
        self.server.accepted = 0  # type: ignore[attr-defined]
        self.server.received = []  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def accepted(self) -> int:
        return self.server.accepted  # type: ignore[attr-defined]

    @property
    def received(self) -> list[bytes]:
        return self.server.received  # type: ignore[attr-defined]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _PlatformHandler(BaseHTTPRequestHandler):
    server: PlatformServer

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((method, self.path))
        status, headers, text = self.server.answer(method, self.path, self.headers, body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        payload = text.encode()
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class PlatformServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 answering with ``answer(method, path, headers, body) -> (status, headers, text)``."""

    daemon_threads = True

    def __init__(self, answer: Callable[[str, str, Any, bytes], tuple[int, dict[str, str], str]]) -> None:
        super().__init__(("127.0.0.1", 0), _PlatformHandler)
        self.answer = answer
        self.requests: list[tuple[str, str]] = []
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


def moodle_at(server_base: str) -> simulated_lms.SimulatedPlatform:
    """The simulated Moodle with every URL on ``server_base`` instead of https://moodle.test."""
    platform = simulated_lms.moodle()
    platform.issuer = server_base
    platform.config_url = platform.config_url.replace(simulated_lms.MOODLE, server_base)
    platform.configuration = {
        key: value.replace(simulated_lms.MOODLE, server_base) if isinstance(value, str) else value
        for key, value in platform.configuration.items()
    }
    return platform


def serve(platform: simulated_lms.SimulatedPlatform) -> Callable[[str, str, Any, bytes], tuple[int, dict[str, str], str]]:
    """An ``answer`` for PlatformServer that lets ``platform`` answer its configuration and registration URLs."""

    def answer(method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], str]:
        request = SimpleNamespace(headers=headers, json=lambda: json.loads(body))
        context = SimpleNamespace(status_code=200, headers={})
        if method == "GET" and path == urlsplit(platform.config_url).path:
            found = platform._configuration(request, context)
            return context.status_code, {"Content-Type": "application/json"}, json.dumps(found)
        if method == "POST" and path == urlsplit(platform.registration_endpoint).path:
            text = platform._register(request, context)
            return context.status_code, dict(context.headers), text
        return 404, {}, "not here"

    return answer


class Resolver:
    """``socket.getaddrinfo`` with chosen answers: ``names[name]`` is a list of address lists, one per lookup (the
    last repeats), or None for a name that does not resolve. Every lookup of a chosen name is kept in ``asked``."""

    def __init__(self, names: dict[str, list[list[str]] | None]) -> None:
        self.names = names
        self.asked: list[str] = []
        self.real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> list:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.names:
            return self.real(host, port, family, type, proto, flags)
        self.asked.append(name)
        answers = self.names[name]
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = answers[min(len(self.asked_for(name)) - 1, len(answers) - 1)]
        return [self._entry(address, port) for address in addresses]

    def asked_for(self, name: str) -> list[str]:
        return [asked for asked in self.asked if asked == name]

    @staticmethod
    def _entry(address: str, port: Any) -> tuple:
        if ":" in address:
            return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port or 0), 0, 0))
        return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))

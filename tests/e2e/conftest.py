"""A live ReMentor (development configuration, demo LMS seeded) and headless Debian Chromium driven by Playwright."""
from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; a missing browser fails in CI and skips (saying why) on a developer's machine."""
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install -y chromium); browser tests need /usr/bin/chromium"
        if os.environ.get("REMENTOR_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture
def live_server(tmp_path):
    """ReMentor in the development configuration on 127.0.0.1, with the demo LMS seeded; yields its base URL."""
    from lti_app import create_app
    from lti_app.extensions import db
    from lti_app.demo import registration

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e.sqlite'}",
        "CACHE_TYPE": "SimpleCache",
        "DEMO_ENABLED": True,
        "DEMO_BASE_URL": base,
        "DEMO_PLATFORM_KEY_FILE": str(tmp_path / "demo_platform_key.pem"),
        "TOOL_KEY_FILE": str(tmp_path / "tool_key.pem"),
        "SERVER_NAME": None,
        "DEBUG": False,
        # the demo LMS's course page opened at localhost frames the tool at 127.0.0.1 (test_cookieless_frame.py)
        "FRAME_ANCESTORS_EXTRA": [f"http://localhost:{port}"],
    })
    with app.app_context():
        db.create_all()
        registration.seed()
        db.session.remove()
    with serving(app, port):
        yield base


@contextmanager
def serving(app, port: int):
    """``app`` served on 127.0.0.1:``port`` in a thread while the block runs; then stopped, its database let go."""
    from lti_app.extensions import db

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _fresh_page(chromium_path: str, extra_flags: tuple[str, ...] = ()):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=[*CHROMIUM_FLAGS, *extra_flags],
        )
        context = browser.new_context()
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def page(chromium_path):
    """A fresh headless Chromium page."""
    yield from _fresh_page(chromium_path)


@pytest.fixture
def blocked_page(chromium_path):
    """A fresh headless Chromium page that blocks third-party cookies (as Chrome will for everyone)."""
    yield from _fresh_page(chromium_path, ("--test-third-party-cookie-phaseout",))


def pytest_collection_modifyitems(config, items):
    """The browser tests always run the development configuration on their own SQLite file and in-process cache
    (``live_server``), whatever DATABASE_URL says: a pass of the suite on PostgreSQL would only run them again, so
    they run in the SQLite pass alone."""
    if not os.environ.get("DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="browser tests run on their own SQLite file; the SQLite pass of the suite runs them")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)

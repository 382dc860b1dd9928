"""An app whose mail goes to a real SMTP server started in this process (``smtp``)."""
from __future__ import annotations

import pytest

from tests.conftest import fresh_app
from tests.mail.smtp_server import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app(request, smtp):
    yield from fresh_app(request, smtp.settings())

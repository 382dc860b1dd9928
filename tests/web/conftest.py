"""Fixtures the page tests share."""
from __future__ import annotations

import pytest

from tests.web.course_pages import launch


@pytest.fixture
def teacher(app, platform):
    """The course's instructor, launched into the demo course."""
    return launch(app, platform, platform.instructor.sub)

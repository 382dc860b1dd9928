"""Rich text is sanitised with nh3: allowed formatting stays, scripts and handlers go."""
from __future__ import annotations

import pytest

from lti_app.mentoring.domain.rich_text import is_blank, plain_text, sanitise


@pytest.mark.parametrize("dirty, clean", [
    ("<p>Hello <strong>there</strong></p>", "<p>Hello <strong>there</strong></p>"),
    ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
    ('<p onclick="steal()">hi</p>', "<p>hi</p>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<img src=x onerror=alert(1)>', ""),
    ('<iframe src="https://evil.example"></iframe>text', "text"),
    ("plain & simple", "plain &amp; simple"),
])
def test_sanitise_keeps_formatting_and_drops_anything_active(dirty, clean):
    assert sanitise(dirty) == clean


def test_links_keep_safe_schemes_and_get_a_safe_rel():
    assert sanitise('<a href="https://example.org/x" target="_top">x</a>') == (
        '<a href="https://example.org/x" rel="noopener noreferrer nofollow">x</a>')


def test_plain_text_and_blank():
    assert plain_text("<p>One&nbsp;<em>two</em></p><p>three</p>") == "One two three"
    assert is_blank("<p> </p><br>")
    assert not is_blank("<p>x</p>")
    assert sanitise(None) == ""

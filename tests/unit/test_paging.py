"""One page of a long list: bounds, positions and page numbers that never fail."""
from __future__ import annotations

import pytest

from lti_app.mentoring.services.paging import Page, clamp_page, page_of_list


@pytest.mark.parametrize(
    ("asked", "total", "expected"), [(None, 0, 1), (0, 120, 1), (-4, 120, 1), (3, 120, 3), (4, 120, 3), (10**9, 120, 3)]
)
def test_a_page_number_is_kept_within_the_list(asked, total, expected):
    assert clamp_page(asked, total, 50) == expected


def test_a_page_knows_its_rows_positions_and_neighbours():
    page = page_of_list(list(range(120)), 3, 50)
    assert page.items == list(range(100, 120))
    assert (page.first, page.last, page.pages, page.has_previous, page.has_next) == (101, 120, 3, True, False)


def test_an_empty_list_is_page_one_of_one():
    page = Page(items=[], total=0, number=1, size=50)
    assert (page.pages, page.first, page.last, page.has_next) == (1, 0, 0, False)

"""One page of a long list: the rows of that page and the total, in two queries whatever the list's length."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from lti_app.extensions import db

T = TypeVar("T")

PAGE_SIZE = 50
MAX_PAGE = 1_000_000  # a page number beyond any list; larger ones are read as the last page


@dataclass(frozen=True)
class Page(Generic[T]):
    """Rows ``first``..``last`` (1-based) of ``total``; ``number`` of ``pages``."""

    items: list[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, so an empty list is page 1 of 1)."""
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The 1-based position of this page's first row (0 for an empty list)."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The 1-based position of this page's last row."""
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.number < self.pages


def clamp_page(number: int | None, total: int, size: int = PAGE_SIZE) -> int:
    """A page number within 1..pages (a number past the end shows the last page)."""
    pages = max(1, -(-total // size))
    return min(max(1, number or 1), pages)


def page_of(statement: Select, number: int | None, size: int = PAGE_SIZE) -> Page:
    """Run ``statement`` (ordered) for one page: a count of the whole list, then the page's rows."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    number = clamp_page(number, total, size)
    paged = statement.limit(size).offset((number - 1) * size)
    rows = list(db.session.scalars(paged))
    return Page(items=rows, total=total, number=number, size=size)


def page_of_list(items: list[T], number: int | None, size: int = PAGE_SIZE) -> Page[T]:
    """One page of a list already in memory (a list that was computed, not queried)."""
    number = clamp_page(number, len(items), size)
    start = (number - 1) * size
    return Page(items=items[start : start + size], total=len(items), number=number, size=size)

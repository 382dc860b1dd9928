"""What the lti1p3platform adapters and the AGS/NRPS handlers need of the demo platform, as protocols.

``adapters`` and ``services`` name these instead of ``DemoPlatform`` itself, so that the platform imports
them and nothing imports the platform back (not even for type hints): the dependency runs one way.
"""
from __future__ import annotations

from typing import Any, Mapping, Protocol

from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract

from lti_app.demo.course import DemoCourse, DemoPerson


class Signer(Protocol):
    """Signs an id_token or a deep-linking request as the platform, at the platform's clock."""

    def now(self) -> int:
        """The platform's time (seconds since the epoch)."""
        ...

    def sign(self, payload: Mapping[str, Any], kid: Any = ..., alg: str = ..., key: Any = ...) -> str:
        """The payload as a JWT signed with the platform's key (or the given one)."""
        ...


class Gradebook(Protocol):
    """The course, its people and its line items with their results, as AGS and NRPS serve them."""

    course: DemoCourse
    people: tuple[DemoPerson, ...]
    people_by_sub: dict[str, DemoPerson]
    line_items: dict[str, dict[str, Any]]
    results: dict[str, dict[str, dict[str, Any]]]

    @property
    def lineitems_url(self) -> str:
        """The course's line items container."""
        ...

    @property
    def memberships_url(self) -> str:
        """The course's NRPS memberships URL."""
        ...

    def conf(self, overrides: Mapping[str, Any] | None = None) -> LTI1P3PlatformConfAbstract:
        """The lti1p3platform configuration that checks the tool's access tokens."""
        ...

    def next_line_item_number(self) -> int:
        """A fresh line item id."""
        ...

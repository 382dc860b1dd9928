"""Links the tool placed in the demo course by deep linking, as an LMS keeps them: each becomes a resource link of
its own (its title, its custom parameters) and, when it asked for one, a gradebook column (line item) tied to it,
so the demo can launch a placed reflection the way Moodle launches the activity deep linking made."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class PlacedLink:
    """One placed ltiResourceLink: the resource link id launches carry, and its line item's URL if any."""

    resource_link_id: str
    title: str
    custom: dict[str, str] = field(default_factory=dict)
    lineitem_url: str | None = None


def place(item: dict[str, Any], number: int, lineitems_url: str, add_line_item: Callable[[dict[str, Any]], str],
          ) -> PlacedLink:
    """A resource link for a content item (``number``: its place in the course), with a line item when the item
    asks for one (``add_line_item`` stores the line item and returns its URL)."""
    link_id = f"placed-link-{number}"
    custom = {str(k): str(v) for k, v in (item.get("custom") or {}).items()}
    lineitem_url = None
    wanted = item.get("lineItem")
    if isinstance(wanted, dict):
        lineitem_url = add_line_item({
            "label": wanted.get("label") or item.get("title") or "Activity",
            "scoreMaximum": wanted.get("scoreMaximum", 100), "resourceId": wanted.get("resourceId", ""),
            "tag": wanted.get("tag", ""), "resourceLinkId": link_id,
        })
    return PlacedLink(link_id, str(item.get("title") or "Untitled activity"), custom, lineitem_url)

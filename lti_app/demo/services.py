"""The demo LMS's LTI Advantage services over in-memory dicts: AGS 2.0 line items, scores, results; NRPS 2.0.

lti1p3platform supplies the request handling (bearer token and scope checks, next-page links); this
module supplies the storage and the rules real platforms apply to scores (Moodle 400/409, Canvas 422):
userId, timestamp, activityProgress and gradingProgress required, scoreMaximum with scoreGiven, only
learners gradable, timestamps strictly increasing per (line item, user).

Quirks of lti1p3platform 0.1.8 handled here: its handlers do ``page + 1`` on raw query strings (so page
and limit are coerced to ints first), pass every query parameter to the storage methods as keyword
arguments (so those accept ``**_``), raise PyJWT errors for bad tokens instead of answering 401, and
only emit a next link for NRPS when the request carries ``limit`` (so the default page size is added).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, urlsplit

import jwt
from lti1p3platform.exceptions import LineItemNotFoundException, LtiException, LtiServiceException
from lti1p3platform.membership import Context
from lti1p3platform.request import Request
from lti1p3platform.response import Response, generate_next_link
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService
from requests.structures import CaseInsensitiveDict

from lti_app.demo.adapters import DictRequest
from lti_app.demo.ports import Gradebook

SCORE_FIELDS = ("userId", "timestamp", "activityProgress", "gradingProgress")


@dataclass
class HttpResponse:
    """What the platform answers: status, JSON-able body (or None) and headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _paginate(items: list[Any], page: int, limit: int | None) -> dict[str, Any]:
    if not limit:
        return {"content": items, "has_next": False}
    start = (page - 1) * limit
    return {"content": items[start : start + limit], "has_next": start + limit < len(items)}


class _Ags(AssignmentsGradesService):
    """lti1p3platform's AGS handlers over the platform's gradebook."""

    def __init__(self, request: Request, platform: Gradebook, lineitem_url: str | None = None) -> None:
        super().__init__(request, platform.conf(), platform.lineitems_url, lineitem_url)
        self.platform = platform

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None, tag=None, **_):
        items = [
            i for i in self.platform.line_items.values()
            if (resource_link_id is None or i.get("resourceLinkId") == resource_link_id)
            and (resource_id is None or i.get("resourceId") == resource_id)
            and (tag is None or i.get("tag") == tag)
        ]
        return _paginate(items, page, limit)

    def find_lineitem(self, line_item_id):
        try:
            return self.platform.line_items[line_item_id]
        except KeyError:
            raise LineItemNotFoundException(line_item_id) from None

    def create_lineitem(self, creation_data):
        if not isinstance(creation_data, dict) or not creation_data.get("label"):
            raise LtiServiceException("A line item needs a label", 400)
        maximum = creation_data.get("scoreMaximum")
        if not isinstance(maximum, (int, float)) or maximum <= 0:
            raise LtiServiceException("scoreMaximum must be a positive number", 400)
        item_id = str(self.platform.next_line_item_number())
        item = dict(creation_data, id=f"{self.platform.lineitems_url}/{item_id}")
        self.platform.line_items[item_id] = item
        return item

    def update_lineitem(self, update_data):
        item_id = str(update_data["id"])
        item = self.find_lineitem(item_id)
        item.update({k: v for k, v in update_data.items() if k != "id"})
        return item

    def delete_lineitem(self, line_item_id):
        self.find_lineitem(line_item_id)
        del self.platform.line_items[line_item_id]
        self.platform.results.pop(line_item_id, None)

    def update_score(self, line_item_id, score):
        self.find_lineitem(line_item_id)
        if not isinstance(score, dict) or any(score.get(name) in (None, "") for name in SCORE_FIELDS):
            raise LtiServiceException(f"Incorrect score received: {', '.join(SCORE_FIELDS)} are required", 400)
        if "scoreGiven" in score and "scoreMaximum" not in score:
            raise LtiServiceException("scoreGiven needs scoreMaximum", 400)
        try:
            stamp = datetime.fromisoformat(str(score["timestamp"]).replace("Z", "+00:00"))
        except ValueError:
            raise LtiServiceException("timestamp is not ISO 8601", 400) from None
        if stamp.tzinfo is None:
            raise LtiServiceException("timestamp has no UTC offset", 400)
        person = self.platform.people_by_sub.get(str(score["userId"]))
        if person is None or not person.is_learner:
            raise LtiServiceException(f"User {score['userId']!r} is not a learner of this course", 422)
        results = self.platform.results.setdefault(line_item_id, {})
        previous = results.get(person.sub)
        if previous is not None and stamp <= previous["_stamp"]:
            return UpdateScoreStatus.OLD_TIMESTAMP
        results[person.sub] = dict(score, _stamp=stamp)
        return UpdateScoreStatus.SUCCESS if previous else UpdateScoreStatus.CREATED

    def get_results(self, line_item_id, page=1, limit=None, user_id=None, **_):
        item = self.find_lineitem(line_item_id)
        rows = [
            {k: v for k, v in {
                "id": f"{item['id']}/results/{sub}", "userId": sub, "resultScore": score.get("scoreGiven"),
                "resultMaximum": score.get("scoreMaximum"), "comment": score.get("comment"), "scoreOf": item["id"],
            }.items() if v is not None}
            for sub, score in self.platform.results.get(line_item_id, {}).items()
            if user_id is None or sub == user_id
        ]
        return _paginate(rows, page, limit)


class _Nrps(NamesRoleProvisioningService):
    """lti1p3platform's NRPS handler over the demo course's people."""

    def __init__(self, request: Request, platform: Gradebook) -> None:
        super().__init__(request, platform.conf(), platform.memberships_url)
        self.platform = platform

    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **_):
        members = [p.member_json() for p in self.platform.people if role is None or _has_role(p.roles, role)]
        return _paginate(members, page, limit)

    def get_context_by_id(self):
        course = self.platform.course
        return Context(id=course.context_id, label=course.label, title=course.title)

    def is_resource_link_valid(self, context_id, resource_link_id):
        return context_id == self.platform.course.context_id and resource_link_id == self.platform.course.resource_link_id


def _has_role(roles: tuple[str, ...], wanted: str) -> bool:
    return any(r == wanted or r.endswith("#" + wanted) for r in roles)


class ServicesMixin:
    """The AGS and NRPS endpoints of DemoPlatform (each takes the request's headers, answers an HttpResponse)
    and ``handle``, which dispatches a server-to-server HTTP request to them, the JWKS or the token endpoint."""

    issuer: str
    course: Any
    page_size: int | None
    link_style: str
    line_items: dict[str, dict[str, Any]]
    results: dict[str, dict[str, dict[str, Any]]]
    scores: list[dict[str, Any]]
    calls: list[tuple[str, str]]
    jwks: Callable[[], dict[str, Any]]
    token: Callable[[Mapping[str, Any]], tuple[int, dict[str, Any]]]

    # -- plumbing ------------------------------------------------------------------------------------
    def _paging(self, query: Mapping[str, Any]) -> dict[str, Any]:
        params = dict(query)
        for name in ("page", "limit"):
            if name in params:
                try:
                    params[name] = int(params[name])
                except (TypeError, ValueError):
                    raise LtiServiceException(f"{name} must be an integer", 400) from None
                if params[name] < 1:
                    raise LtiServiceException(f"{name} must be at least 1", 400)
        if self.page_size and "limit" not in params:
            params["limit"] = self.page_size
        return params

    def _link(self, url: str) -> str:
        return generate_next_link(url) if self.link_style == "unquoted" else f'<{url}>; rel="next"'

    def _call(self, handler: Callable[..., Response], **kwargs: Any) -> Response:
        try:
            return handler(**kwargs)
        except LtiServiceException as exc:
            return Response(result=None, code=exc.status_code, message=exc.message)
        except (jwt.InvalidTokenError, LtiException) as exc:
            return Response(result=None, code=401, message=f"Invalid access token: {exc}")

    def _answer(self, response: Response, container: bool = False) -> HttpResponse:
        if response.code >= 400:
            return HttpResponse(response.code, {"error": response.message})
        result, headers = response.result, {"Content-Type": response.media_type}
        if container and isinstance(result, dict):
            if result.get("next"):
                headers["Link"] = self._link(result["next"])
            # AGS containers are the list itself; the NRPS container is an object (minus the link).
            result = result["content"] if "content" in result else {k: v for k, v in result.items() if k != "next"}
        return HttpResponse(response.code, result, headers if result is not None else {})

    def _request(self, method: str, headers: Mapping[str, str], query: Mapping[str, Any] | None = None, body: Any = None) -> DictRequest:
        return DictRequest({"method": method, "headers": headers, "get_data": query or {}, "json": body})

    def _ags(self, method: str, headers: Mapping[str, str], query: Mapping[str, Any] | None = None, body: Any = None, item_id: str | None = None) -> _Ags:
        item_url = f"{self.lineitems_url}/{item_id}" if item_id else None  # type: ignore[attr-defined]
        return _Ags(self._request(method, headers, query, body), self, item_url)  # type: ignore[arg-type]

    # -- AGS -----------------------------------------------------------------------------------------
    def list_line_items(self, headers: Mapping[str, str], query: Mapping[str, Any]) -> HttpResponse:
        try:
            params = self._paging(query)
        except LtiServiceException as exc:
            return HttpResponse(exc.status_code, {"error": exc.message})
        service = self._ags("GET", headers, params)
        return self._answer(self._call(service.handle_get_lineitems), container=True)

    def create_line_item(self, headers: Mapping[str, str], body: Any) -> HttpResponse:
        return self._answer(self._call(self._ags("POST", headers, body=body).handle_create_lineitem))

    def get_line_item(self, headers: Mapping[str, str], item_id: str) -> HttpResponse:
        return self._answer(self._call(self._ags("GET", headers).handle_get_lineitem, line_item_id=item_id))

    def update_line_item(self, headers: Mapping[str, str], item_id: str, body: Any) -> HttpResponse:
        service = self._ags("PUT", headers, body=body if isinstance(body, dict) else {})
        return self._answer(self._call(service.handle_update_lineitem, line_item_id=item_id))

    def delete_line_item(self, headers: Mapping[str, str], item_id: str) -> HttpResponse:
        return self._answer(self._call(self._ags("DELETE", headers).handle_delete_lineitem, line_item_id=item_id))

    def post_score(self, headers: Mapping[str, str], item_id: str, body: Any) -> HttpResponse:
        """Record the score exactly as received, then apply the platform's rules."""
        self.scores.append(json.loads(json.dumps(body)))
        response = self._call(self._ags("POST", headers, body=body, item_id=item_id).handle_update_score, line_item_id=item_id)
        if response.code >= 400:
            return HttpResponse(response.code, {"error": response.message})
        return HttpResponse(response.code)

    def get_results(self, headers: Mapping[str, str], item_id: str, query: Mapping[str, Any]) -> HttpResponse:
        try:
            params = self._paging(query)
        except LtiServiceException as exc:
            return HttpResponse(exc.status_code, {"error": exc.message})
        service = self._ags("GET", headers, params, item_id=item_id)
        return self._answer(self._call(service.handle_get_results, line_item_id=item_id), container=True)

    # -- NRPS ----------------------------------------------------------------------------------------
    def memberships(self, headers: Mapping[str, str], query: Mapping[str, Any] | None = None) -> HttpResponse:
        """One page of the course's members; ``page`` and ``limit`` from the query (default page size otherwise)."""
        try:
            params = self._paging(query or {})
        except LtiServiceException as exc:
            return HttpResponse(exc.status_code, {"error": exc.message})
        service = _Nrps(self._request("GET", headers, params), self)  # type: ignore[arg-type]
        return self._answer(self._call(service.handle_get_members), container=True)

    # -- HTTP dispatch --------------------------------------------------------------------------------
    def handle(self, method: str, url: str, headers: Mapping[str, str] | None = None, body: bytes | str | None = b"") -> HttpResponse:
        """Answer a server-to-server request (JWKS, token, AGS, NRPS) addressed to any path under the issuer."""
        method, parts = method.upper(), urlsplit(url)
        self.calls.append((method, url))
        prefix = urlsplit(self.issuer).path.rstrip("/")
        rest = parts.path[len(prefix):] if parts.path.startswith(prefix + "/") else ""
        query = dict(parse_qsl(parts.query))
        headers = CaseInsensitiveDict(dict(headers or {}))
        text = body.decode() if isinstance(body, bytes) else (body or "")
        if rest == "/jwks" and method == "GET":
            return HttpResponse(200, self.jwks(), {"Content-Type": "application/json"})
        if rest == "/token" and method == "POST":
            status, answer = self.token(dict(parse_qsl(text)))
            return HttpResponse(status, answer, {"Content-Type": "application/json", "Cache-Control": "no-store"})
        course = re.escape(self.course.context_id)
        if re.fullmatch(rf"/courses/{course}/memberships", rest) and method == "GET":
            return self.memberships(headers, query)
        match = re.fullmatch(rf"/courses/{course}/lineitems(?:/([^/]+)(?:/(scores|results))?)?", rest)
        if not match:
            return HttpResponse(404, {"error": "Not found"})
        item_id, sub = match.groups()
        try:
            payload = json.loads(text) if method in ("POST", "PUT") else None
        except ValueError:
            return HttpResponse(400, {"error": "The body is not JSON"})
        routes = {
            (None, None, "GET"): lambda: self.list_line_items(headers, query),
            (None, None, "POST"): lambda: self.create_line_item(headers, payload),
            (True, None, "GET"): lambda: self.get_line_item(headers, item_id),
            (True, None, "PUT"): lambda: self.update_line_item(headers, item_id, payload),
            (True, None, "DELETE"): lambda: self.delete_line_item(headers, item_id),
            (True, "scores", "POST"): lambda: self.post_score(headers, item_id, payload),
            (True, "results", "GET"): lambda: self.get_results(headers, item_id, query),
        }
        route = routes.get((True if item_id else None, sub, method))
        return route() if route else HttpResponse(405, {"error": f"{method} not allowed here"})

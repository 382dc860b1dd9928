"""The load benchmark's browsers: each with its own cookies, running full launches as the LMS's users do.

See benchmarks/load.py. One connection per request, so that a proxy spreads the steps of one launch.
"""
from __future__ import annotations

import html
import http.client
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from benchmarks._platform import INSTRUCTOR, LEARNER, Platform

ISSUER, CLIENT_ID, DEPLOYMENT = "https://lms-load.test", "rementor-load", "deployment-1"
STEPS = ("login", "login_window", "launch", "continue", "page")
CHECK_PAGE = re.compile(r'<div id="cookie-check" data-next="([^"]+)"')
ERROR_CODE = re.compile(r"<code>([A-Za-z]+)</code>")
MAX_LAUNCHES_PER_USER = 100_000  # a bound on each browser's loop besides the clock


@dataclass
class Tally:
    """What one browser saw."""

    launches: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    errors: Counter[str] = field(default_factory=Counter)


class StepFailed(Exception):
    """A step answered something other than what a working launch answers."""


class Browser:
    """A browser with its own cookies; one connection per request, so a proxy spreads the steps."""

    def __init__(self, port: int, https: bool) -> None:
        self.port, self.https = port, https
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        """Send one request to the tool; returns (status, headers, body)."""
        parts = urlsplit(urljoin(self.origin + "/", url))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close", "User-Agent": "rementor-load"}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                self._keep(cookie)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def _keep(self, set_cookie: str) -> None:
        name, _, rest = set_cookie.partition("=")
        value, _, attributes = rest.partition(";")
        expired = "max-age=0" in attributes.lower().replace(" ", "") or "1970" in attributes
        if expired:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()


def _expect(step: str, status: int, wanted: int, body: str) -> None:
    if status != wanted:
        code = ERROR_CODE.search(body)
        raise StepFailed(f"{step}: HTTP {status}" + (f" {code.group(1)}" if code else ""))


def one_launch(browser: Browser, platform: Platform, person: int, args, tally: Tally | None) -> None:
    """One full launch; step latencies go to ``tally`` (None during the warm-up). Raises StepFailed."""
    role = INSTRUCTOR if person % 25 == 0 else LEARNER
    target = browser.origin + "/lti/launch"
    login = {"iss": ISSUER, "login_hint": f"hint-{person}", "target_link_uri": target, "client_id": CLIENT_ID,
             "lti_deployment_id": DEPLOYMENT}

    def step(name: str, method: str, url: str, wanted: int, form: dict[str, str] | None = None):
        started = time.perf_counter()
        try:
            status, headers, body = browser.request(method, url, form)
        except (OSError, http.client.HTTPException) as exc:
            raise StepFailed(f"{name}: {type(exc).__name__}") from exc
        if tally is not None:
            tally.latencies[name].append((time.perf_counter() - started) * 1000)
        _expect(name, status, wanted, body)
        return headers, body

    _, page = step("login", "GET", "/lti/login?" + urlencode(login), 200)
    found = CHECK_PAGE.search(page)
    if not found:
        raise StepFailed("login: no cookie-check page")
    headers, _ = step("login_window", "GET", html.unescape(found.group(1)), 302)
    auth = parse_qs(urlsplit(headers.get("location", "")).query)
    if auth.get("redirect_uri", [""])[0] != target:
        raise StepFailed("login_window: redirect_uri is not the launch URL")
    token = platform.id_token(issuer=ISSUER, client_id=CLIENT_ID, deployment_id=DEPLOYMENT, nonce=auth["nonce"][0],
                              target=target, n=person, people=args.people, courses=args.courses, role=role)
    headers, _ = step("launch", "POST", target, 303, {"id_token": token, "state": auth["state"][0]})
    headers, _ = step("continue", "GET", headers.get("location", ""), 302)
    step("page", "GET", headers.get("location", ""), 200)


def run_browser(port: int, https: bool, platform: Platform, args, warm_until: float, until: float,
                tally: Tally, seed: int) -> None:
    """Launch again and again, as random people, until the clock runs out (or the loop's bound)."""
    rng = random.Random(seed)
    for _ in range(MAX_LAUNCHES_PER_USER):
        now = time.monotonic()
        if now >= until:
            return
        timed = now >= warm_until
        try:
            one_launch(Browser(port, https), platform, rng.randrange(args.people), args, tally if timed else None)
        except StepFailed as exc:
            tally.errors[str(exc)] += 1  # the warm-up's too: the bar is no error at all
            continue
        if timed and time.monotonic() < until:
            tally.launches += 1

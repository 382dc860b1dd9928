"""The outbound session: a timeout and a User-Agent on every request, the proxy environment read once per host."""
from __future__ import annotations

import requests

from lti_app.lti.http import USER_AGENT, make_session


def test_a_session_has_a_timeout_and_names_itself():
    session = make_session(2, 7)
    assert session.timeout == (2, 7) and session.headers["User-Agent"] == USER_AGENT


def test_a_session_reads_the_proxy_environment_once_per_host_and_still_honours_it(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "direct.test")
    reads = []
    real = requests.sessions.get_environ_proxies
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", lambda url, **kw: reads.append(url) or real(url, **kw))
    session = make_session(1, 1)

    for _ in range(3):
        settings = session.merge_environment_settings("https://lms.test/scores", {}, None, None, None)
    settings["proxies"]["https"] = "changed by a caller"  # a copy: the next request gets the environment's again
    again = session.merge_environment_settings("https://lms.test/other", {}, None, None, None)
    direct = session.merge_environment_settings("https://direct.test/x", {}, None, None, None)

    assert again["proxies"]["https"] == "http://proxy.example:3128"
    assert "https" not in direct["proxies"]
    assert reads == ["https://lms.test/scores", "https://direct.test/x"]

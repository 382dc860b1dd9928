"""Connecting to a platform's services outside a launch request: registration + connector for a platform row.

Grade passback and roster refreshes happen long after the launch (in a worker, from a CLI), so the
services are built from the stored registration and the endpoint URLs, never from a cached launch.
"""
from __future__ import annotations

from flask import current_app

from lti_app.lti.http import make_session
from lti_app.lti.models import Platform
from lti_app.lti.registrations import platform_hosts
from lti_app.lti.services.connector import ToolServiceConnector
from lti_app.lti.tool_config import registration_for


def connector_for(platform: Platform) -> ToolServiceConnector:
    """A service connector for ``platform``, with our signing key, outbound timeouts and private hosts, calling
    services only on the platform's hosts."""
    config = current_app.config
    session = make_session(config["LTI_HTTP_CONNECT_TIMEOUT"], config["LTI_HTTP_READ_TIMEOUT"], config["LTI_PRIVATE_HOSTS"])
    connector = ToolServiceConnector(registration_for(platform), session)
    connector.service_hosts = platform_hosts(platform)
    return connector

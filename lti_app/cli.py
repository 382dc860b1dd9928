"""Every ``flask --app lti_app`` command group, registered in one place; each is defined beside what it operates.

``platform``, ``deployment``, ``keys``: ``lti/cli.py``; ``operator``: ``operators/cli.py``; ``grades``, ``worker``:
``tasks/cli.py``; ``sessions``: ``tasks/sessions_cli.py``; ``roster``: ``tasks/roster_cli.py``; ``notify``:
``tasks/notify_cli.py``; ``demo`` (only when the demo is enabled, never in production): the demo package.
"""
from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app (the demo's only when ``DEMO_ENABLED``)."""
    from lti_app.lti.cli import deployment_cli, keys_cli, platform_cli
    from lti_app.operators.cli import operator_cli
    from lti_app.tasks.cli import grades_cli, worker_command
    from lti_app.tasks.notify_cli import notify_cli
    from lti_app.tasks.sessions_cli import sessions_cli
    from lti_app.tasks.roster_cli import roster_cli

    for group in (platform_cli, deployment_cli, keys_cli, operator_cli, worker_command, grades_cli, sessions_cli,
                  roster_cli, notify_cli):
        app.cli.add_command(group)
    if app.config["DEMO_ENABLED"]:
        from lti_app.demo.cli import demo_cli  # the demo package's own group

        app.cli.add_command(demo_cli)

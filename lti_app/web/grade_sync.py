"""The old import path of the grade send job, for jobs queued before the upgrade (RQ names a job by import path).

Remove in the release after: new jobs name ``lti_app.tasks.grades.send_grades``.
"""
from __future__ import annotations

from lti_app.tasks.grades import send_grades

__all__ = ["send_grades"]

"""The old import path of the matching job, for runs queued before the upgrade (RQ names a job by import path).

Remove in the release after: new jobs name ``lti_app.tasks.matching_job.run_matching_job``.
"""
from __future__ import annotations

from lti_app.tasks.matching_job import run_matching_job

__all__ = ["run_matching_job"]

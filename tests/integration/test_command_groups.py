"""The command groups: all registered from one place, and jobs queued before an upgrade still find their function."""
from __future__ import annotations

import pytest
from rq.utils import import_attribute

from lti_app.tasks import grades, matching_job

GROUPS = {"platform", "deployment", "keys", "operator", "worker", "grades", "sessions"}


def test_every_command_group_is_registered(app, cli):
    assert GROUPS <= set(app.cli.list_commands(None))
    result = cli("--help")
    assert result.exit_code == 0 and all(f"  {name} " in result.output for name in GROUPS)


@pytest.mark.parametrize("group, command", [("grades", "status"), ("sessions", "end"), ("keys", "list")])
def test_each_group_answers_from_its_new_home(cli, group, command):
    result = cli(group, command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("old_path, function", [
    ("lti_app.web.grade_sync.send_grades", grades.send_grades),
    ("lti_app.web.instructor.matching_jobs.run_matching_job", matching_job.run_matching_job),
])
def test_a_job_queued_before_the_upgrade_still_finds_its_function(old_path, function):
    # RQ stores a job's function as its import path and imports it when a worker takes the job
    assert import_attribute(old_path) is function


def test_new_jobs_name_the_tasks_package():
    assert (grades.send_grades.__module__, matching_job.run_matching_job.__module__) == (
        "lti_app.tasks.grades", "lti_app.tasks.matching_job")

"""Benchmark: SQL queries and milliseconds of the programme dashboard, its report and CSV downloads, for a cohort
of 500 and of 5,000 participants (target: under 0.5 s of server time at 5,000).

    .venv/bin/python benchmarks/dashboard.py [--sizes 500 5000] [--repeats 3] [--rebuild] [--folder DIR]

The cohorts, the sign-in and the table are those of ``benchmarks/pages.py`` (see there); only the pages differ.
A page whose queries grow with the cohort is marked GROWS and makes the run exit with status 1.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import pages  # noqa: E402

pages.PAGES = [
    ("cohort dashboard", "cohorts/{cohort}/dashboard/"),
    ("cohort dashboard, a date range", "cohorts/{cohort}/dashboard/?from=2026-01-01&to=2026-12-31"),
    ("programme report", "cohorts/{cohort}/dashboard/report"),
    ("course: cohorts side by side", "dashboard/"),
    ("CSV: funnel table", "cohorts/{cohort}/dashboard/table.csv?name=funnel"),
    ("CSV: participants (streamed)", "cohorts/{cohort}/dashboard/data.csv?name=participants"),
    ("CSV: pairs (streamed)", "cohorts/{cohort}/dashboard/data.csv?name=pairs"),
    ("CSV: survey answers (streamed)", "cohorts/{cohort}/dashboard/data.csv?name=survey_answers"),
]

if __name__ == "__main__":
    if "--folder" not in sys.argv:
        sys.argv += ["--folder", str(Path(tempfile.gettempdir()) / "rementor-dashboard-benchmark")]
    sys.exit(pages.main())

"""Numbers the reader's way: counts grouped (5.000), decimals with the reader's mark (3,5), shares as their
percentages (25 %), on pages, in charts and in mail; a CSV keeps the figures a machine reads (3.5, 25%)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from lti_app.i18n import figure
from lti_app.mentoring.domain.programme_tables import Key, Mean, Month, Share
from tests.web.course_pages import commit, launch

NBSP = "\u00a0"


@pytest.mark.parametrize(("language", "shown"), [
    ("en", ["5,000", "3.5", "25%", "1 Mar 2026", "0.67", "1011", "Nov 2026", "words", None]),
    ("de", ["5.000", "3,5", f"25{NBSP}%", "01.03.2026", "0,67", "1011", "Nov. 2026", "words", None]),
    ("fr", [f"5{chr(0x202f)}000", "3,5", f"25{NBSP}%", "1 mars 2026", "0,67", "1011", "nov. 2026", "words", None]),
])
def test_a_table_cell_is_written_the_reader_s_way(app, language, shown):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert [figure(v) for v in (5000, Mean(3.5), Share(0.25), date(2026, 3, 1), 0.67, Key(1011), Month("2026-11"),
                                  "words", None)] == shown


def test_the_csv_form_of_a_share_a_mean_and_an_id_stays_the_machine_s():
    from lti_app.web.csv_stream import cell

    assert [cell(v) for v in (Share(0.25), Mean(3.45), Mean(4.0), Key(1011), Month("2026-11"))] == [
        "25%", "3.5", "4.0", 1011, "2026-11"]


def test_the_dashboard_writes_shares_the_german_way_and_its_csv_keeps_the_machine_s(german):
    teacher, cohort = german
    page = teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/").get_data(as_text=True)
    funnel = page[page.index("<caption>Trichter (aktuell)</caption>"):]
    funnel = funnel[:funnel.index("</table>")]
    assert f"<td>100{NBSP}%</td>" in funnel and "100%" not in funnel
    response = teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=funnel")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[2][0] == "Angemeldet" and rows[2][4] == "100%"


def test_the_course_comparison_writes_its_dates_the_german_way(german):
    teacher, cohort = german
    page = teacher.get("instructor/dashboard/").get_data(as_text=True)
    assert f"<td>{cohort.starts_on.strftime('%d.%m.%Y')}</td>" in page
    assert f"<td>{cohort.starts_on.isoformat()}</td>" not in page


def test_a_chart_s_values_and_axis_are_written_the_german_way(app):
    from lti_app.web.instructor.charts import bar_chart

    with app.test_request_context(headers={"Accept-Language": "de"}):
        svg = str(bar_chart("Treffen", "je Tandem", ["März"], [("Tandems", [2500.5])]))
    numbers = re.findall(r">([0-9][0-9.,]*)</text>", svg)
    assert "2.500,5" in numbers and "1.000" in numbers
    assert "2500.5" not in numbers and "1000" not in numbers


def test_a_grade_mail_writes_half_points_the_german_way(app):
    from lti_app.mentoring.domain.mail_notices import grade_posted_notice

    with app.app_context():
        notice = grade_posted_notice(person_id=1, submission_id=2, course_id=3, title="Essay", score=7.5, points=10,
                                     graded_at=datetime(2027, 3, 1, tzinfo=timezone.utc), language="de")
        english = grade_posted_notice(person_id=1, submission_id=2, course_id=3, title="Essay", score=7.5, points=10,
                                      graded_at=datetime(2027, 3, 1, tzinfo=timezone.utc), language="en")
    assert "7,5 von 10" in notice.body_text and "7.5" not in notice.body_text
    assert "7.5 of 10" in english.body_text


@pytest.mark.parametrize(("language", "shown"), [
    ("en", "7 Dec 2026, 14:08 UTC"), ("de", "07.12.2026, 14:08 UTC"), ("fr", "7 déc. 2026, 14:08 UTC"),
])
def test_a_moment_on_the_tool_s_clock_is_written_the_reader_s_way_and_says_utc(app, language, shown):
    from lti_app.i18n import utc_moment

    with app.test_request_context(headers={"Accept-Language": language}):
        assert utc_moment(datetime(2026, 12, 7, 14, 8, 59)) == shown  # naive: UTC, as stored
        assert utc_moment(datetime(2026, 12, 7, 15, 8, tzinfo=timezone(timedelta(hours=1)))) == shown


def test_the_log_of_who_opened_a_pair_s_notes_writes_its_moments_the_german_way(app):
    from types import SimpleNamespace

    from flask import render_template_string

    access = SimpleNamespace(opened_at=datetime(2026, 12, 7, 14, 8), viewer_name="Ada",
                             content=SimpleNamespace(label="Notizen"), reason="Sorge")
    with app.test_request_context(headers={"Accept-Language": "de"}):
        html = render_template_string('{% from "macros/pair_privacy.html" import access_log %}'
                                      '{{ access_log([access], "") }}', access=access)
    assert "<td>07.12.2026, 14:08 UTC</td>" in html and "<th scope=\"col\">Wann</th>" in html


def test_the_roster_says_when_it_was_fetched_the_german_way(app, platform):
    from lti_app.extensions import utcnow
    from tests.factories import make_cohort

    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = make_cohort(teacher.course)
    commit()
    before = utcnow()
    html = teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True)
    shown = re.search(r"abgerufen am (\d\d\.\d\d\.\d{4}, \d\d:\d\d) UTC", html)  # English: "7 Dec 2026, 14:08 UTC"
    assert shown, html[:2000]
    assert datetime.strptime(shown.group(1), "%d.%m.%Y, %H:%M") >= before.replace(second=0, microsecond=0, tzinfo=None)

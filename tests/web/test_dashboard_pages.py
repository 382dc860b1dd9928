"""The programme dashboard through real launches: charts beside tables, CSV downloads, bad input, query counts."""
from __future__ import annotations

import csv
import html as html_lib
import io
import re

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.models.person import Person
from tests.factories import make_cohort, make_enrolment
from tests.factories_workspace import make_goal, make_meeting, make_pair, make_running_cohort
from tests.queries import queries_of_request
from tests.web.big_cohort import big_cohort
from tests.web.course_pages import OTHER_COURSE, commit, launch


@pytest.fixture
def cohort(teacher):
    found = make_running_cohort(teacher.course, name="Pilot")
    pair = make_pair(found)
    make_meeting(pair)
    make_goal(pair, end_rating_owner=4)
    commit()
    return found


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return html_lib.unescape(response.get_data(as_text=True))


def rows_of(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_cohort_page_and_home_link_to_the_dashboards(teacher, cohort):
    assert f"/instructor/cohorts/{cohort.id}/dashboard/" in text_of(teacher.get(f"instructor/cohorts/{cohort.id}"))
    assert "/instructor/dashboard/" in text_of(teacher.get("instructor/"))


def test_the_dashboard_shows_inline_charts_beside_their_tables(teacher, cohort):
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        assert "<title>" in svg and "<desc>" in svg and 'role="img"' in svg and "aria-label=" in svg
    assert not re.search(r'<script(?![^>]* src="/static/js/)', page) and "http://" not in page and "https://" not in page.replace(
        "https://", "https://", 0).split("<svg", 1)[1]
    assert "#0072B2" not in page  # colours come from the stylesheet (the CSP allows no inline style)
    assert "<caption>Funnel (now)</caption>" in page and "Download “Funnel (now)” (CSV)" in page
    assert 'style="' not in "".join(svgs)


def test_no_chart_names_an_outside_address(teacher, cohort):
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        assert not re.search(r"https?://", svg)


def test_the_stylesheet_carries_the_okabe_ito_palette_and_a_print_layout(teacher, cohort):
    response = teacher.client.get("/static/css/charts.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "#0072B2" in css and "#E69F00" in css and "@media print" in css


def test_the_report_and_the_course_page_open(teacher, cohort):
    make_running_cohort(teacher.course, name="Second")
    commit()
    assert "programme report" in text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/report"))
    page = text_of(teacher.get("instructor/dashboard/"))
    assert "Pilot" in page and "Second" in page and "<svg" in page
    rows = rows_of(teacher.get("instructor/dashboard/cohorts.csv"))
    assert rows[0][0] == "cohort" and {r[0] for r in rows[1:]} == {"Pilot", "Second"}


@pytest.mark.parametrize("name", ["funnel", "matching", "scores", "activity", "at_risk", "skills", "outcomes"])
def test_every_dashboard_table_downloads(teacher, cohort, name):
    response = teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name={name}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(rows_of(response)) >= 1


@pytest.mark.parametrize("name", ["participants", "pairs", "meetings", "goals", "reflections", "completion",
                                  "survey_answers"])
def test_every_raw_export_downloads_with_iso_dates(teacher, cohort, name):
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name={name}"))
    assert rows[0]
    if name in ("participants", "pairs", "meetings"):
        assert len(rows) >= 2
        assert any(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\+00:00)?)?", cell) for cell in rows[1]), "|".join(rows[1])


def test_a_name_that_looks_like_a_formula_is_neutralised_in_the_export(teacher, cohort):
    enrolment = make_enrolment(cohort)
    person = db.session.get(Person, enrolment.person_id)
    person.name, person.email = "=HYPERLINK(\"x\")", "@evil.example"
    commit()
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name=participants"))
    row = next(r for r in rows if r[0] == str(enrolment.id))
    assert row[1] == "'=HYPERLINK(\"x\")" and row[2] == "'@evil.example"


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-40", "from=2026-05-01&to=2026-04-01",
                                   "from=" + "9" * 400])
def test_a_date_range_that_cannot_be_read_answers_400(teacher, cohort, query):
    for path in ("", "report", "table.csv"):
        assert teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/{path}?{query}").status_code == 400
    assert teacher.get(f"instructor/dashboard/?{query}").status_code == 400


def test_a_date_range_narrows_the_meetings(teacher, cohort):
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=outcomes&from=2001-01-01&to=2001-02-01"))
    assert ["Meetings in the date range", "0"] in rows
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=outcomes"))
    assert ["Meetings in the date range", "1"] in rows


@pytest.mark.parametrize("path", ["table.csv?name=nope", "data.csv?name=nope", "data.csv?name="])
def test_an_unknown_download_is_not_found(teacher, cohort, path):
    assert teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/{path}").status_code == 404


def test_another_courses_cohort_and_bad_ids_are_not_found(app, platform, teacher, cohort):
    other = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    for path in ("", "report", "table.csv", "data.csv"):
        assert other.get(f"instructor/cohorts/{cohort.id}/dashboard/{path}").status_code == 404
    assert teacher.get("instructor/cohorts/abc/dashboard/").status_code == 404
    assert teacher.get("instructor/cohorts/99999999999999999999/dashboard/").status_code == 404


def test_a_learner_is_refused(app, platform, cohort):
    learner = launch(app, platform, platform.learners[0].sub)
    assert learner.get(f"instructor/cohorts/{cohort.id}/dashboard/").status_code == 403


def test_the_page_says_what_to_ask_when_the_lms_shares_no_roster(teacher, cohort):
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    assert 'id="roster-note"' in page and ("LMS administrator" in page or "Who has not enrolled yet" in page)


def test_an_empty_cohort_and_one_not_started_show_without_error(teacher):
    empty = make_cohort(teacher.course, name="Not started")
    commit()
    page = text_of(teacher.get(f"instructor/cohorts/{empty.id}/dashboard/"))
    assert "Nothing yet." in page
    assert text_of(teacher.get(f"instructor/cohorts/{empty.id}/dashboard/report"))


@pytest.mark.parametrize("path", ["dashboard/", "dashboard/report", "dashboard/table.csv?name=funnel",
                                  "dashboard/data.csv?name=pairs", "dashboard/data.csv?name=participants"])
def test_the_queries_do_not_grow_with_the_cohort(teacher, path):
    world = big_cohort(teacher).grow(2)
    url = world.url("cohorts/{cohort}/" + path)
    small = queries_of_request(teacher, url)
    world.grow(6)
    assert queries_of_request(teacher, url) == small


def test_the_course_page_queries_do_not_grow_with_the_cohorts(teacher):
    world = big_cohort(teacher).grow(2)
    small = queries_of_request(teacher, "instructor/dashboard/")
    world.grow(6)
    assert queries_of_request(teacher, "instructor/dashboard/") == small


def test_a_roster_snapshot_brings_the_retention_figure_and_its_caveat(teacher, cohort):
    from lti_app.mentoring.services.roster_snapshots import record_snapshot
    record_snapshot(cohort.course_id, [("someone", True), ("another", False)])
    commit()
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    assert "Still active in the course at the programme's end" in page and 'id="self-selection"' in page
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=retention"))
    assert rows[0] == ["group", "people", "still active", "share"]
    assert rows[3][:3] == ["Non-participants", "2", "1"]


def test_the_at_risk_days_come_from_the_setting(app, teacher, cohort):
    url = f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=at_risk"
    assert len(rows_of(teacher.get(url))) == 1  # met five days ago: not at risk at 30 days
    app.config["DASHBOARD_AT_RISK_DAYS"] = 3
    rows = rows_of(teacher.get(url))
    assert rows[1][1] == "No meeting for 5 days"


def test_the_latest_snapshot_gives_the_funnel_its_roster_when_the_lms_shares_one(teacher, cohort):
    from lti_app.mentoring.services.roster_snapshots import record_snapshot
    from tests.factories import lms_context_of

    lms_context_of(cohort.course, memberships_url="https://lms.example/memberships")
    record_snapshot(cohort.course_id, [("a", True), ("b", True), ("c", False)])
    commit()
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=funnel"))
    assert rows[1][:4] == ["Course roster", "", "", "2"]


def test_each_roster_fetch_from_the_lms_keeps_a_dated_snapshot(teacher, app, platform):
    from lti_app.mentoring.models.roster_snapshot import RosterSnapshot
    found = make_cohort(teacher.course)
    commit()

    def snapshots() -> list[RosterSnapshot]:
        db.session.expire_all()
        return list(db.session.scalars(select(RosterSnapshot).where(RosterSnapshot.course_id == found.course_id)))

    teacher.get(f"instructor/cohorts/{found.id}/roster")
    (first,) = snapshots()
    assert set(first.active_user_ids) == {p.sub for p in platform.learners}  # learners only, no staff
    teacher.get(f"instructor/cohorts/{found.id}/roster")  # from the cache: no new snapshot
    assert len(snapshots()) == 1
    teacher.post(f"instructor/cohorts/{found.id}/roster/refresh")
    assert len(snapshots()) == 2
    page = text_of(teacher.get(f"instructor/cohorts/{found.id}/dashboard/"))
    assert f"<th scope=\"row\">Course roster</th><td>—</td><td>—</td><td>{len(platform.learners)}</td>" in page


def test_the_chart_stylesheet_is_css_not_escaped_svg_text():
    from pathlib import Path

    from lti_app.web.instructor.charts import chart_css

    shipped = (Path(__file__).parents[2] / "lti_app/static/css/charts.css").read_text()
    for css in (chart_css(), shipped):
        assert "&gt;" not in css and "&amp;" not in css and ".pygal-chart .plot > .background" in css


def _pairs_answering(cohort, count: int, satisfaction: int):
    from tests.factories_surveys import make_answer, make_round

    round_ = make_round(cohort)
    for _ in range(count):
        pair = make_pair(cohort)
        make_answer(round_, pair.mentor, "mentor", satisfaction=satisfaction, usefulness=4, progress=4, recommend=8)
        make_answer(round_, pair.mentee, "mentee", satisfaction=satisfaction, usefulness=2, progress=3, recommend=6)
    commit()
    return round_


def test_pulse_results_show_their_means_from_the_threshold_on_and_download_as_csv(teacher):
    cohort = make_running_cohort(teacher.course)
    _pairs_answering(cohort, 3, satisfaction=4)  # 6 answers: over the default threshold of 5
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    assert "Pulse and exit surveys" in page and "Pulse survey, round 1" in page
    assert "<td>4.0</td>" in page and "<td>3.0</td>" in page and "<td>7.0</td>" in page  # satisfaction, usefulness, recommend
    found = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=surveys"))
    assert found[0][:5] == ["Survey", "Opened", "Answered", "Asked", "Late"]
    assert found[1][0] == "Pulse survey, round 1" and found[1][2:4] == ["6", "6"] and found[1][5] == "4.0"


def test_a_round_under_the_anonymity_threshold_shows_counts_and_no_figure(teacher):
    cohort = make_running_cohort(teacher.course)
    _pairs_answering(cohort, 2, satisfaction=1)  # 4 answers: under 5
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    assert "fewer than 5 answered" in page and "<td>1.0</td>" not in page
    assert "4 participants gave 2 or less" in page  # a count, never names under the threshold


def test_a_low_pulse_names_the_pair_in_the_at_risk_list_where_the_privacy_setting_allows(app, teacher):
    app.config["DASHBOARD_AT_RISK_DAYS"] = 365  # the new pairs have not met: only the pulse puts them at risk
    from lti_app.mentoring.domain.cohort_settings import PrivacySetting
    cohort = make_running_cohort(teacher.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    _pairs_answering(cohort, 3, satisfaction=2)  # 6 answers: over the threshold; all three pairs low
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=at_risk"))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"Low pulse"}
    assert "Low pulse" in text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    course = rows_of(teacher.get("instructor/dashboard/cohorts.csv"))
    assert next(r for r in course if r[0] == cohort.name)[course[0].index("at risk")] == "3"


def test_a_low_pulse_is_only_counted_where_answers_stay_anonymous(app, teacher):
    app.config["DASHBOARD_AT_RISK_DAYS"] = 365
    cohort = make_running_cohort(teacher.course)  # the default privacy setting: no named answers
    _pairs_answering(cohort, 3, satisfaction=1)
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=at_risk"))
    assert rows[1:] == [["not listed", "Low pulse, pairs not named (survey answers are anonymous here): 3", ""]]
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/"))
    assert "Low pulse, pairs not named (survey answers are anonymous here): 3" in page
    course = rows_of(teacher.get("instructor/dashboard/cohorts.csv"))
    assert next(r for r in course if r[0] == cohort.name)[course[0].index("at risk")] == "3"


def test_the_queries_do_not_grow_with_the_pulse_answers(teacher):
    cohort = make_running_cohort(teacher.course)
    round_ = _pairs_answering(cohort, 3, satisfaction=1)
    url = f"instructor/cohorts/{cohort.id}/dashboard/"
    small, course = queries_of_request(teacher, url), queries_of_request(teacher, "instructor/dashboard/")
    from tests.factories_surveys import make_answer
    for _ in range(8):
        pair = make_pair(cohort)
        make_answer(round_, pair.mentee, "mentee", satisfaction=2)
    commit()
    assert queries_of_request(teacher, url) == small
    assert queries_of_request(teacher, "instructor/dashboard/") == course


def test_the_course_page_gives_each_cohort_its_survey_figures_above_the_threshold_and_its_retention(teacher):
    from lti_app.mentoring.services.roster_snapshots import record_snapshot
    many = make_running_cohort(teacher.course, name="Many answers")
    _pairs_answering(many, 3, satisfaction=4)  # 6 answers; recommend 8 (passive) and 6 (detractor)
    few = make_running_cohort(teacher.course, name="Few answers")
    _pairs_answering(few, 2, satisfaction=1)  # 4 answers: under 5
    record_snapshot(teacher.course_id, [("someone", True), ("another", False)])
    commit()
    rows = rows_of(teacher.get("instructor/dashboard/cohorts.csv"))
    header = rows[0]
    assert header[-6:] == ["survey answers in range", "mean satisfaction (1-5)", "recommend (NPS-style, -100 to 100)",
                           "participants still active", "withdrawn participants still active",
                           "non-participants still active"]
    by_name = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert by_name["Many answers"]["survey answers in range"] == "6"
    assert by_name["Many answers"]["mean satisfaction (1-5)"] == "4.0"
    assert by_name["Many answers"]["recommend (NPS-style, -100 to 100)"] == "-50"  # 0 promoters, 3 detractors of 6
    assert by_name["Few answers"]["mean satisfaction (1-5)"] == "fewer than 5 answered"
    assert by_name["Few answers"]["recommend (NPS-style, -100 to 100)"] == "fewer than 5 answered"
    assert by_name["Many answers"]["participants still active"] == "0%"  # none of them on the roster snapshot
    assert by_name["Many answers"]["non-participants still active"] == "50%"
    page = text_of(teacher.get("instructor/dashboard/"))
    assert 'id="retention-columns"' in page and "<td>4.0</td>" in page and "<td>-50</td>" in page
    assert "<td>1.0</td>" not in page


def test_the_course_page_says_nothing_of_retention_without_a_snapshot(teacher, cohort):
    rows = rows_of(teacher.get("instructor/dashboard/cohorts.csv"))
    assert rows[1][-3:] == ["", "", ""] and rows[1][-6] == "0"


def test_the_report_shows_the_survey_figures_and_retention(teacher):
    from lti_app.mentoring.services.roster_snapshots import record_snapshot
    cohort = make_running_cohort(teacher.course, name="Reported")
    _pairs_answering(cohort, 3, satisfaction=4)
    record_snapshot(teacher.course_id, [("someone", True)])
    commit()
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/report"))
    assert 'id="report-survey-answers"' in page and "4.0/5" in page and "Pulse and exit surveys" in page
    assert "Still active in the course at the programme's end" in page and 'id="report-self-selection"' in page
    empty = make_running_cohort(teacher.course, name="Quiet")
    commit()
    page = text_of(teacher.get(f"instructor/cohorts/{empty.id}/dashboard/report"))
    assert 'id="report-no-survey"' in page and "4.0/5" not in page


def test_the_report_shows_no_survey_figure_under_the_threshold(teacher):
    cohort = make_running_cohort(teacher.course, name="Small")
    _pairs_answering(cohort, 2, satisfaction=1)
    page = text_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/report"))
    assert "mean satisfaction" not in page and "1.0/5" not in page and "Fewer than 5 people answered" in page

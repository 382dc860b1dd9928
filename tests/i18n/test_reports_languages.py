"""The instructor's reports in German: the printable programme report and the CSV headers people read."""
from __future__ import annotations

import csv
import io

import pytest



def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_programme_report_is_in_german(german):
    teacher, cohort = german
    page = teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/report").get_data(as_text=True)
    assert '<html lang="de"' in page
    assert "Pilot: Programmbericht" in page
    assert "Zurück zum Dashboard" in page
    assert '<span class="count">1</span> aktive Tandems' in page
    assert "<caption>Trichter (aktuell)</caption>" in page
    assert "Teilnehmerliste des Kurses" in page  # a funnel stage, from the programme layer
    assert "active pairs" not in page and "programme report" not in page


def test_the_csv_headers_are_in_german_in_the_same_order_and_numbers_stay_numbers(german):
    teacher, cohort = german
    funnel = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/table.csv?name=funnel"))
    assert funnel[0] == ["Phase", "Mentor:innen", "Mentees", "alle", "Anteil der Angemeldeten"]
    assert funnel[2][0] == "Angemeldet" and funnel[2][1:4] == ["1", "1", "2"]
    pairs = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name=pairs"))
    assert pairs[0][:4] == ["Tandem-ID", "Runde", "Status", "Punktzahl"]
    assert pairs[1][3].replace(".", "", 1).isdigit()  # a score as a machine reads it: 0.5, never 0,5
    side_by_side = rows_of(teacher.get("instructor/dashboard/cohorts.csv"))
    assert side_by_side[0][:3] == ["Kohorte", "Beginn", "Ende"]


@pytest.mark.parametrize(("path", "words"), [
    ("dashboard/", ["Dashboard von Pilot", "Zustand des Matchings", "Rohdaten (CSV)"]),
    ("pairs/", ["Tandems von Pilot", "Letzte Aktivität"]),
    ("pairs/{pair}", ["(Mentor:in) und", "Treffennotizen und Feedback"]),
    ("surveys/", ["Umfragen von Pilot", "Einstellungen speichern", "Fragen der Pulsumfrage"]),
    ("surveys/pulse/", ["Pulsumfrage: Fragen", "Wie nützlich sind Ihre Treffen?", "an beide gerichtet"]),
])
def test_the_pairs_surveys_and_dashboard_pages_speak_german(german, path, words):
    teacher, cohort = german
    response = teacher.get(f"instructor/cohorts/{cohort.id}/" + path.format(pair=teacher.pair_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:400]
    for word in words:
        assert word in page

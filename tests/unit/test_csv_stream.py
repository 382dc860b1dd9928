"""CSV downloads: BOM, ISO dates, each formula start neutralised, numbers left alone, rows streamed one by one."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest

from lti_app.web.csv_stream import BOM, cell, csv_lines, file_name


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_a_cell_beginning_like_a_formula_gets_an_apostrophe(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ada", "a=b", "", " =x", "Zoë"])
def test_other_text_is_left_as_it_is(text):
    assert cell(text) == text


def test_numbers_stay_numbers_even_negative():
    assert cell(-3) == -3 and cell(2.5) == 2.5 and cell(None) == "" and cell(True) == "yes"


def test_dates_are_iso():
    assert cell(date(2026, 3, 1)) == "2026-03-01"
    assert cell(datetime(2026, 3, 1, 9, 5, 7, 123)) == "2026-03-01T09:05:07"
    assert cell(datetime(2026, 3, 1, 9, 5, tzinfo=timezone.utc)) == "2026-03-01T09:05:00+00:00"


def test_the_file_starts_with_a_bom_and_reads_back():
    text = "".join(csv_lines(("name", "when"), [("Zoë, \"Z\"", date(2026, 1, 2)), ("=x", 3)]))
    assert text.startswith(BOM) and text.count(BOM) == 1
    assert list(csv.reader(io.StringIO(text[1:]))) == [["name", "when"], ["Zoë, \"Z\"", "2026-01-02"], ["'=x", "3"]]


def test_rows_are_read_only_as_the_download_goes():
    taken = []

    def rows():
        for i in range(3):
            taken.append(i)
            yield (i,)

    lines = csv_lines(("n",), rows())
    next(lines)
    assert taken == []
    next(lines)
    assert taken == [0]


def test_a_file_name_has_no_quotes_or_slashes():
    assert file_name('Pilot "2026"/spring', "funnel") == "pilot-2026-spring-funnel.csv"

"""CSV downloads: UTF-8 with a BOM (Excel then reads the accents), ISO dates, streamed row by row, injection-safe.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what a spreadsheet runs as a
formula: such text cells get a leading apostrophe, which shows the text as typed. Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from flask import Response, stream_with_context

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def cell(value: Any) -> Any:
    """One value as the CSV shows it: dates in ISO 8601, booleans in words, dangerous text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The BOM and header, then one line per row as it comes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[Any]) -> str:
        writer.writerow([cell(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header)
    for row in rows:
        yield line(row)


def file_name(*parts: str) -> str:
    """A download name from words (letters, digits, dots, dashes only)."""
    return _SAFE_NAME.sub("-", "-".join(parts)).strip("-").lower()[:120] + ".csv"


def csv_response(name: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A streamed CSV download (the rows are read while it is sent)."""
    response = Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response

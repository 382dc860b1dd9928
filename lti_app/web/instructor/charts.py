"""Server-rendered SVG charts of the dashboard (pygal), inline in the page: no JavaScript, nothing from elsewhere.

pygal is the charting library chosen: it renders plain SVG on the server, takes a palette and a title (the SVG
gets a ``<title>`` and a ``<desc>`` for screen readers) and its ``js=[]`` leaves out the only script it would
add. Colours are the Okabe-Ito palette, told apart by people with any common colour blindness. Each chart sits
beside the table of its data (the text alternative for everyone), so the chart only has to be read at a glance.
"""
from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence

import pygal
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

from lti_app.mentoring.domain import texts

# pygal adds a legacy import hook (for its map plugins, unused here) that makes every later import warn
# "find_spec() not found": take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
STYLE = Style(background="transparent", plot_background="transparent", foreground="#222", foreground_strong="#000",
              foreground_subtle="#555", colors=OKABE_ITO, font_family="system-ui, sans-serif",
              title_font_size=14, label_font_size=12, major_label_font_size=12, legend_font_size=12)
_CONFIG = dict(style=STYLE, js=[], disable_xml_declaration=True, width=760, height=320, explicit_size=False,
               print_values=True, print_zeroes=False, legend_at_bottom=True, show_legend=True, dynamic_print_values=False,
               no_data_text="No data yet", include_x_axis=True)
_NAMESPACE_URL = re.compile(r'\s(?:xmlns:xlink|xmlns)="[^"]*"')
# pygal's own <style> and config <script>, and its credits: the page's CSP allows neither inline style nor script;
# the chart's look is in static/css/charts.css (written by ``chart_css`` below, pygal's CSS scoped to .pygal-chart)
_INLINE = re.compile(r"<style[^>]*>.*?</style>|<script[^>]*>.*?</script>|<!--.*?-->", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')  # only the hidden tooltip has one: charts.css hides it
_CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")


def _svg(chart, title: str, description: str) -> Markup:
    svg = _STYLE_ATTRIBUTE.sub("", _INLINE.sub("", chart.render(is_unicode=True)))
    svg = svg.replace("<defs>", f"<title>{_escape(title)}</title><desc>{_escape(description)}</desc><defs>", 1)
    # the namespaces are not needed inline in HTML; the page then names no outside address at all
    svg = _NAMESPACE_URL.sub("", svg)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{_escape(title)}: {_escape(description)}"', 1)
    return Markup(svg)


def _escape(text: str) -> str:
    return str(Markup.escape(text))


def _config() -> dict:
    """pygal's settings, with the words and numbers it shows (values, axis) in the reader's language."""
    return _CONFIG | {"no_data_text": _("No data yet"), "value_formatter": _number}


def _number(value: float | None) -> str:
    return "" if value is None else texts.number(value)


def bar_chart(title: str, description: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              *, horizontal: bool = False, y_title: str = "") -> Markup:
    """Grouped bars: one group per label, one bar per series (e.g. mentors and mentees)."""
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title, y_title=y_title, **_config())
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _svg(chart, title, description)


def line_chart(title: str, description: str, labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[float | None]]], *, y_title: str = "") -> Markup:
    """Lines over months (e.g. meetings per pair against the cadence)."""
    chart = pygal.Line(title=title, y_title=y_title, **_config(), margin_right=48)  # room for the last value
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _svg(chart, title, description)


def chart_css() -> str:
    """pygal's stylesheet for our style, scoped to ``.pygal-chart`` (to write static/css/charts.css again)."""
    chart = pygal.Bar(**_CONFIG)
    for i in range(len(OKABE_ITO)):  # one series per colour, so each colour's class is written
        chart.add(f"s{i}", [1])
    svg = chart.render(is_unicode=True)
    css = html.unescape("".join(re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S)))  # the SVG escapes ">"
    return _CHART_ID.sub(".pygal-chart", css) + ".pygal-chart .tooltip{display:none}"

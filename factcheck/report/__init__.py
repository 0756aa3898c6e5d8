"""Report formats: one Report rendered to several files.

`FORMATS` maps a format name to (file name, renderer).  A renderer is a pure function of the
Report (and the sources' texts, for formats that show them), so the same inputs give the same
bytes.  To add a format, write `factcheck/report/<name>.py` with a `render` and register it here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from factcheck.models import Report
from factcheck.report import html as html_report
from factcheck.report import json as json_report
from factcheck.report import markdown as markdown_report


@dataclass(frozen=True)
class RenderInput:
    report: Report
    texts: Mapping[str, str]  # source id → article text, for formats that quote or show it


Renderer = Callable[[RenderInput], str]

# Insertion order is the order `factcheck report` writes and lists them: the human reports first.
FORMATS: dict[str, tuple[str, Renderer]] = {
    "md": ("consistency.md", lambda r: markdown_report.render(r.report)),
    "html": ("consistency.html", lambda r: html_report.render(r.report, r.texts)),
    "json": ("consistency.json", lambda r: json_report.render(r.report)),
}


def render_all(data: RenderInput, formats: list[str]) -> dict[str, str]:
    """Render every chosen format before anything is written: all of them or none."""
    return {FORMATS[f][0]: FORMATS[f][1](data) for f in formats}

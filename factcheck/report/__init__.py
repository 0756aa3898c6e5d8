"""Report formats: one Report rendered to several files.

`FORMATS` maps a format name to (file name, renderer).  A renderer is a pure function of the
Report (and the sources' texts, for formats that show them), so the same inputs give the same
bytes.  Each format gives its text in pieces, in order (`render_streams`), which `factcheck
report` writes as they are made: a report of an archive is several times the archive's text
and is never held whole.  To add a format, write `factcheck/report/<name>.py` with a `pieces`
(and a `render` that joins them) and register it here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from factcheck.models import Report
from factcheck.report import html as html_report
from factcheck.report import json as json_report
from factcheck.report import markdown as markdown_report
from factcheck.report.common import Desk, ReportCards, ReportData, report_cards


@dataclass(frozen=True)
class RenderInput:
    report: ReportData
    texts: Mapping[str, str]  # source id → article text, for formats that quote or show it
    # What the rules and the baseline add for a reader: descriptions, facts' sources, accepted
    # conflicts and their reasons.
    desk: Desk = field(default_factory=Desk)
    # The HTML report as one page per metric and an index page: True or False to choose,
    # None to let the archive's size decide (`html.PAGED_ARCHIVE_SOURCES`).
    html_pages: bool | None = None
    # The JSON report's text when it is ready elsewhere (a spilled run's, `spill.json_pieces`):
    # copied from there, not rendered from `report`.
    json: Callable[[], Iterator[str]] | None = None

    @functools.cached_property
    def cards(self) -> ReportCards:
        """The report's cards, made once for the Markdown and HTML reports (a pass over the
        claims of a report read back from disk)."""
        return report_cards(self.report, self.desk)


Renderer = Callable[[RenderInput], str]
Pieces = Callable[[RenderInput], Iterator[str]]

# Insertion order is the order `factcheck report` writes and lists them: the human reports first.
_STREAMED: dict[str, tuple[str, Pieces]] = {
    "md": ("consistency.md", lambda r: markdown_report.pieces(r.report, r.desk, r.cards)),
    "html": (
        "consistency.html",
        lambda r: html_report.pieces(r.report, r.texts, r.desk, found=r.cards),
    ),
    "json": ("consistency.json", lambda r: r.json() if r.json else _json_of(r.report)),
}


def _json_of(report: ReportData) -> Iterator[str]:
    if not isinstance(report, Report):
        raise TypeError("the JSON report of a report read back from disk is its spill's")
    return json_report.pieces(report)


def _joined(pieces: Pieces) -> Renderer:
    return lambda r: "".join(pieces(r))


# Each format's whole text as one string, for callers that want it so (tests, tools).
FORMATS: dict[str, tuple[str, Renderer]] = {
    fmt: (name, _joined(pieces)) for fmt, (name, pieces) in _STREAMED.items()
}


def render_streams(data: RenderInput, formats: list[str]) -> dict[str, Iterator[str]]:
    """Each chosen format's files and their text in pieces, made only as they are read:
    written by `fsutil.write_files_atomically`, a renderer that fails midway replaces nothing.
    Every format is one file, except the HTML report of a very large archive: an index page
    and one page per metric."""
    out: dict[str, Iterator[str]] = {}
    for f in formats:
        if f == "html":
            out.update(
                html_report.files(data.report, data.texts, data.desk, data.html_pages, data.cards)
            )
        else:
            out[_STREAMED[f][0]] = _STREAMED[f][1](data)
    return out

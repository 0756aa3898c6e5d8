"""The Markdown report (`consistency.md`): what a person reads in a pull request or a repository.

Sections, in the order a reader needs them: a summary; conflicts, each with every source's
value, quote and `source:line` and why they cannot all hold; agreements; single-source claims
nobody corroborates; coverage (numbers no rule bound, i.e. what the rules missed); warnings.

Article text is untrusted: every piece of it is escaped so a quote cannot break a table (a `|`),
start a link, emphasis or raw HTML, or turn dollar amounts into math on GitHub.  Output depends
only on the Report, so the same inputs give the same bytes.  `pieces` gives the text a line or
a finding at a time, for writing as it is made; a table is one piece, as its columns are
aligned over all its rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

import tabulate as tabulate_module
from tabulate import tabulate

from factcheck.models import Claim, Finding, Report, SourceInfo
from factcheck.report.common import (
    NONE,
    claim_index,
    claim_interval,
    claim_value,
    date_from,
    finding_claims,
    finding_title,
    joined,
    period_text,
    source_index,
    subject_text,
    summarize,
    uncorroborated,
)
from factcheck.report.common import agreements as agreement_findings
from factcheck.report.common import conflicts as conflict_findings

# Characters that start Markdown (or GitHub) syntax inline.  `$` because GitHub renders
# "$23.6 billion … ($22.1 billion)" as math; `&` only where it would start an entity.
# `_` only where it could open or close emphasis: snake_case ids read better unescaped.
_SPECIAL = re.compile(r"[\\`*\[\]<>|~$]|&(?=#?\w+;)|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_WHITESPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Article or rule text as literal Markdown on one line (a table cell cannot hold a newline)."""
    one_line = _WHITESPACE.sub(" ", text).strip()
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), one_line)


def code(text: str) -> str:
    """An identifier as inline code; safe inside a table cell too."""
    one_line = _WHITESPACE.sub(" ", text).strip()
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    # GitHub splits table cells on `|` even inside code spans unless it is escaped.
    return f"{fence}{pad}{one_line.replace('|', chr(92) + '|')}{pad}{fence}"


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    table = _github_table(rows, headers)
    if table is None:
        table = tabulate(rows, headers=list(headers), tablefmt="github", disable_numparse=True)
    return table


def _github_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str | None:
    """tabulate's "github" table of string cells, byte for byte, in a fraction of its time.

    A report has a table per finding, and tabulate's general machinery (type sniffing, ANSI
    codes, multi-line cells) was most of the Markdown report's time.  Only cells that need none
    of it are done here: printable text (no line breaks, tabs or escape codes), which is what
    `escape` and `code` give.  Anything else returns None and goes to tabulate.  As tabulate
    does, cells are stripped and padded to the column's display width (wide characters count
    two when tabulate found wcwidth) with a minimum of the header's width plus two; tests hold
    this to tabulate itself.
    """
    if not rows or any(len(row) != len(headers) for row in rows):
        return None
    wcswidth = _wcswidth()
    columns: list[list[str]] = []
    pads: list[list[int]] = []  # the spaces after each cell
    widths: list[int] = []
    for i, header in enumerate(headers):
        if not (header.isascii() and header.isprintable()):
            return None
        cells: list[str] = []
        cell_widths: list[int] = []
        width = len(header) + 2
        for row in rows:
            cell = row[i]
            if not cell.isprintable():
                return None
            cell = cell.strip()
            w = len(cell) if wcswidth is None or cell.isascii() else wcswidth(cell)
            if w < 0:
                return None
            cells.append(cell)
            cell_widths.append(w)
            if w > width:
                width = w
        columns.append(cells)
        pads.append([width - w for w in cell_widths])
        widths.append(width)
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for r in range(len(rows)):
        cells_r = [col[r] + " " * pad[r] for col, pad in zip(columns, pads, strict=True)]
        lines.append("| " + " | ".join(cells_r) + " |")
    return "\n".join(lines)


def _wcswidth() -> Callable[[str], int] | None:
    """How tabulate measures a non-ASCII cell: wcwidth's terminal columns (wide characters
    count two; -1 when it cannot tell) when tabulate found wcwidth, else None: characters."""
    wcwidth = getattr(tabulate_module, "wcwidth", None)
    if wcwidth is None or not tabulate_module.WIDE_CHARS_MODE:
        return None
    found: Callable[[str], int] = wcwidth.wcswidth
    return found


def _where(source: str, place: str, sources: dict[str, SourceInfo]) -> str:
    """`source:line` as code, then the outlet a reader recognises."""
    info = sources.get(source)
    outlet = f" {escape(info.outlet)}" if info is not None and info.outlet else ""
    return f"{code(f'{source}:{place}')}{outlet}"


class _ClaimRows:
    """Each claim's table row, escaped once per report: a claim sits in the table of every
    finding that names it, and escaping was most of what a table cost."""

    def __init__(self, sources: dict[str, SourceInfo]) -> None:
        self.sources = sources
        self._rows: dict[tuple[str, bool], list[str]] = {}

    def row(self, c: Claim, modal: bool) -> list[str]:
        key = (c.id, modal)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = [
                _where(c.source, str(c.line), self.sources),
                escape(claim_value(c)),
                escape(claim_interval(c)),
                escape(period_text(c.period)),
                *([escape(c.modality)] if modal else []),
                escape(c.quote),
            ]
        return row

    def table(self, claims: Sequence[Claim]) -> str:
        # A modality column only when it says something: nearly every claim is an actual figure.
        modal = any(c.modality != "actual" for c in claims)
        headers = ["source:line", "value", "interval", "period", *(["modality"] if modal else [])]
        return _table([self.row(c, modal) for c in claims], [*headers, "quote"])


def _finding(n: int, f: Finding, claims: dict[str, Claim], rows: _ClaimRows) -> str:
    involved = finding_claims(f, claims)
    lines = [f"### {n}. {escape(finding_title(f))}", ""]
    lines += [f"Rule {code(f.rule)} ({escape(f.kind)}, {escape(f.severity)}).", ""]
    if involved:
        lines += [rows.table(involved), ""]
    missing = [cid for cid in f.claims if cid not in claims]
    if missing:
        lines += ["Claims not in this report: " + ", ".join(code(m) for m in missing) + ".", ""]
    why = "Why they cannot all hold" if f.status == "conflict" else "Why they agree"
    if f.explanation:
        lines += [f"**{why}:** {escape(f.explanation)}", ""]
    if f.known_fact:
        fact = f" {code(f.fact)}" if f.fact else ""
        lines += [f"**Known fact{fact}:** {escape(f.message)}", ""]
    elif not f.explanation:
        lines += [f"**{why}:** {escape(f.message)}", ""]
    return "\n".join(lines)


def _findings_section(
    title: str,
    findings: Sequence[Finding],
    claims: dict[str, Claim],
    rows: _ClaimRows,
    empty: str,
) -> Iterator[str]:
    yield from (f"## {title} ({len(findings)})", "")
    if not findings:
        yield from (empty, "")
    for n, f in enumerate(findings, 1):
        yield _finding(n, f, claims, rows)


def render(report: Report) -> str:
    """The whole text, for callers that want one string; `factcheck report` streams `pieces`."""
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    """The report's text in pieces, in order: its lines, each followed by a newline.

    The last line is a warning or "None.", which never ends in a newline (escape strips), so the
    text ends in exactly one.
    """
    yield from joined("\n", _lines(report))
    yield "\n"


def _lines(report: Report) -> Iterator[str]:
    """The report's lines in order (a table or a finding is one "line" of several)."""
    claims = claim_index(report)
    sources = source_index(report)
    claim_rows = _ClaimRows(sources)
    summary = summarize(report)
    yield from [
        "# Consistency report",
        "",
        f"Report schema {escape(report.schema_version)}; rules sha256 "
        f"{code(report.rules_sha256 or NONE)}.",
        "",
        "## Summary",
        "",
        tabulate([summary.row()], headers=list(summary.HEADERS), tablefmt="github"),
        "",
    ]
    if report.sources:
        rows = [
            [
                code(s.id),
                escape(s.outlet or NONE),
                escape(
                    s.published.isoformat()
                    if s.published
                    else (f"as of {s.as_of.isoformat()}" if s.as_of else NONE)
                ),
                escape(date_from(s)),
                code(s.path),
                escape(s.encoding),
            ]
            for s in report.sources
        ]
        yield from [
            _table(rows, ["source", "outlet", "published", "date from", "file", "encoding"]),
            "",
        ]

    yield from _findings_section(
        "Conflicts",
        conflict_findings(report),
        claims,
        claim_rows,
        "No conflicts: nothing contradicts.",
    )
    yield from _findings_section(
        "Agreements", agreement_findings(report), claims, claim_rows, "No agreements."
    )

    lonely = uncorroborated(report)
    yield from [f"## Single-source claims nobody corroborates ({len(lonely)})", ""]
    if lonely:
        yield from [
            "Each of these rests on one source's word: no other source, known fact or "
            "arithmetic check confirms or contradicts it.",
            "",
            _table(
                [
                    [
                        _where(c.source, str(c.line), sources),
                        code(c.metric),
                        escape(subject_text(c.subject)),
                        escape(period_text(c.period)),
                        escape(claim_value(c)),
                        escape(claim_interval(c)),
                        escape(c.quote),
                    ]
                    for c in lonely
                ],
                ["source:line", "metric", "subject", "period", "value", "interval", "quote"],
            ),
            "",
        ]
    else:
        yield from ["Every claim is weighed by at least one check.", ""]

    yield from [f"## Coverage: numbers no rule bound ({len(report.unbound)})", ""]
    if report.unbound:
        yield from [
            "Numbers seen in the articles' content that no metric claimed. If one of them "
            "matters, add a metric or a cue to the rules so it is checked.",
            "",
            _table(
                [
                    [
                        _where(u.source, f"{u.line}:{u.column}", sources),
                        escape(u.kind),
                        escape(u.text) + (f" ({escape(u.reason)})" if u.reason else ""),
                    ]
                    for u in report.unbound
                ],
                ["source:line:column", "kind", "text"],
            ),
            "",
        ]
    else:
        yield from ["Every number in the content is bound to a metric.", ""]

    yield from [f"## Warnings ({len(report.warnings)})", ""]
    yield from [f"- {escape(w)}" for w in report.warnings] or ["None."]

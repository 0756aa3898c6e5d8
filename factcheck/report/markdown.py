"""The Markdown report (`consistency.md`): what a person reads in a pull request or a repository.

Sections, in the order a reader needs them: a summary; conflicts, one card per disagreement
(every value with its sources, each source's value, quote and `source:line`, why they cannot
all hold, and the desk's reason where the baseline accepted it); agreements; single-source
claims nobody corroborates; coverage (numbers no rule bound, i.e. what the rules missed);
warnings.  Values, periods and sources are worded by `factcheck.wording`.

Article text is untrusted: every piece of it is escaped so a quote cannot break a table (a `|`),
start a link, emphasis or raw HTML, or turn dollar amounts into math on GitHub.  Output depends
only on the Report, so the same inputs give the same bytes.  `pieces` gives the text a line or
a finding at a time, for writing as it is made; a table is one piece, as its columns are
aligned over all its rows.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence

import tabulate as tabulate_module
from tabulate import tabulate

from factcheck.models import Claim, SourceInfo
from factcheck.report.common import (
    NONE,
    Card,
    Desk,
    ReportCards,
    ReportData,
    card_title,
    claim_value,
    date_from,
    desk_note,
    joined,
    period_text,
    report_cards,
    shown_claims,
    source_index,
    subject_text,
    summarize,
    uncorroborated,
    values_sentence,
)
from factcheck.wording import modality_words, outlet_words, source_date_words, source_words

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


def _streamed_table(
    rows: Callable[[], Iterable[Sequence[str]]], headers: Sequence[str]
) -> Iterator[str]:
    """`_table` of `rows()`, the lines joined by newlines, in pieces: a table of an archive's
    claims is aligned over every row, so the rows are made once, measured, and kept in a
    temporary file until the column widths are known, not in memory.  A table `_github_table`
    would refuse goes to tabulate whole, as `_table` sends it."""
    wcswidth = _wcswidth()
    widths = [len(h) + 2 for h in headers]
    if not all(h.isascii() and h.isprintable() for h in headers):
        yield _table(list(rows()), headers)
        return
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as kept:
        n = 0
        for row in rows():
            if len(row) != len(headers) or not all(cell.isprintable() for cell in row):
                yield _table(list(rows()), headers)
                return
            cells = [cell.strip() for cell in row]
            for i, cell in enumerate(cells):
                w = len(cell) if wcswidth is None or cell.isascii() else wcswidth(cell)
                if w < 0:
                    yield _table(list(rows()), headers)
                    return
                if w > widths[i]:
                    widths[i] = w
            # Printable cells hold no control character: one separates them, a newline rows.
            kept.write("\x00".join(cells) + "\n")
            n += 1
        if not n:
            yield _table([], headers)
            return
        yield "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
        yield "\n|" + "|".join("-" * (w + 2) for w in widths) + "|"
        kept.seek(0)
        for line in kept:
            cells = line[:-1].split("\x00")
            padded = []
            for cell, width in zip(cells, widths, strict=True):
                w = len(cell) if wcswidth is None or cell.isascii() else wcswidth(cell)
                padded.append(cell + " " * (width - w))
            yield "\n| " + " | ".join(padded) + " |"


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


_WEB = re.compile(r"https?://[^\s<>\\]+\Z", re.IGNORECASE)


def _source_link(source: str, sources: dict[str, SourceInfo], *, dated: bool = True) -> str:
    """The outlet (and date) a reader recognises, linked to the article where its URL is known."""
    info = sources.get(source)
    words = escape(source_words(info, source) if dated else outlet_words(info, source))
    url = info.url if info is not None else None
    if url and _WEB.match(url):
        words = f"[{words}](<{url}>)"
    return words


def _where(source: str, place: str, sources: dict[str, SourceInfo]) -> str:
    """The source in words, then `source:line` as code for scripts and editors."""
    return f"{_source_link(source, sources)} {code(f'{source}:{place}')}"


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
                escape(period_text(c.period)),
                *([escape(modality_words(c) or "as fact")] if modal else []),
                escape(c.quote),
            ]
        return row

    def table(self, claims: Sequence[Claim]) -> str:
        # A modality column only when it says something: nearly every claim is an actual figure.
        modal = any(c.modality != "actual" for c in claims)
        headers = ["source", "value", "period", *(["read as"] if modal else [])]
        return _table([self.row(c, modal) for c in claims], [*headers, "quote"])


_SHOWN_WHYS = 6


def _card(n: int, card: Card, desk: Desk, rows: _ClaimRows) -> str:
    f = card.first
    lines = [f"### {n}. {escape(card_title(card, desk))}", ""]
    rules = list(dict.fromkeys(x.rule for x in card.findings))
    said = desk.checks.get(f.rule, "")
    lines += [
        f"Metric {code(f.metric)}; rule {', '.join(code(r) for r in rules)} "
        f"({escape(f.kind)}, {escape(f.severity)})" + (f": {escape(said)}" if said else "") + ".",
        "",
    ]
    if f.status == "conflict" and len(card.values) > 1:
        lines += [f"**{escape(values_sentence(card, rows.sources))}.**", ""]
    if card.count:
        listed = shown_claims(card)
        lines += [rows.table(listed), ""]
        if len(listed) < card.count:
            left = card.count - len(listed)
            lines += [f"And {left} more claims: every one is in consistency.json.", ""]
    if missing := card.missing:
        lines += ["Claims not in this report: " + ", ".join(code(m) for m in missing) + ".", ""]
    why = "Why they cannot all hold" if f.status == "conflict" else "Why they agree"
    shown = card.whys[:_SHOWN_WHYS]
    more = len(card.whys) - len(shown)
    if len(shown) == 1 and not more:
        lines += [f"**{why}:** {escape(shown[0])}", ""]
    else:
        lines += [f"**{why}:**", ""] + [f"- {escape(w)}" for w in shown]
        lines += [f"- and {more} more" if more else "", ""] if more else [""]
    if f.known_fact:
        source = desk.facts.get(f.fact or "", "")
        fact = f" {code(f.fact)}" if f.fact else ""
        said = f"from {escape(source)}" if source else escape(f.message)
        lines += [f"**Known fact{fact}**, {said}.", ""]
    if note := desk_note(card):
        lines += [f"**Accepted by the desk:** {escape(note)}", ""]
    return "\n".join(lines)


def _findings_section(
    title: str,
    found: Sequence[Card],
    desk: Desk,
    rows: _ClaimRows,
    empty: str,
) -> Iterator[str]:
    yield from (f"## {title} ({len(found)})", "")
    if not found:
        yield from (empty, "")
    for n, card in enumerate(found, 1):
        yield _card(n, card, desk, rows)


def render(report: ReportData, desk: Desk | None = None) -> str:
    """The whole text, for callers that want one string; `factcheck report` streams `pieces`."""
    return "".join(pieces(report, desk))


def pieces(
    report: ReportData, desk: Desk | None = None, found: ReportCards | None = None
) -> Iterator[str]:
    """The report's text in pieces, in order: its lines, each followed by a newline.

    The last line is a warning or "None.", which never ends in a newline (escape strips), so the
    text ends in exactly one.
    """
    desk = desk or Desk()
    yield from joined("\n", _lines(report, desk, found or report_cards(report, desk)))
    yield "\n"


def _lines(report: ReportData, desk: Desk, found: ReportCards) -> Iterator[str | Iterable[str]]:
    """The report's lines in order (a table or a finding is one "line" of several)."""
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
        # The headline column only where some source has one (a page's, a record's).
        titled = any(s.title for s in report.sources)

        def rows() -> Iterator[list[str]]:
            for s in report.sources:
                yield [
                    _source_link(s.id, sources, dated=False),
                    *([escape(s.title or NONE)] if titled else []),
                    code(s.id),
                    escape(source_date_words(s) or NONE),
                    escape(date_from(s)),
                    code(s.path),
                    escape(s.encoding),
                ]

        head = ["outlet", *(["headline"] if titled else []), "source", "published", "date from"]
        yield from [
            _streamed_table(rows, [*head, "file", "encoding"]),
            "",
        ]

    yield from _findings_section(
        "Conflicts",
        found.conflicts,
        desk,
        claim_rows,
        "No conflicts: nothing contradicts.",
    )
    yield from _findings_section(
        "Agreements",
        found.agreements,
        desk,
        claim_rows,
        "No agreements.",
    )

    lonely = uncorroborated(report, found)
    yield from [f"## Single-source claims nobody corroborates ({len(lonely)})", ""]
    if lonely:
        yield from [
            "Each of these rests on one source's word: no other source, known fact or "
            "arithmetic check confirms or contradicts it.",
            "",
            _streamed_table(
                lambda: (
                    [
                        _where(c.source, str(c.line), sources),
                        code(c.metric),
                        escape(subject_text(c.subject)),
                        escape(period_text(c.period)),
                        escape(claim_value(c))
                        + (f" ({escape(modality_words(c))})" if modality_words(c) else ""),
                        escape(c.quote),
                    ]
                    for c in lonely
                ),
                ["source", "metric", "subject", "period", "value", "quote"],
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
            _streamed_table(
                lambda: (
                    [
                        _where(u.source, f"{u.line}:{u.column}", sources),
                        escape(u.kind),
                        escape(u.text) + (f" ({escape(u.reason)})" if u.reason else ""),
                    ]
                    for u in report.unbound
                ),
                ["source", "kind", "text"],
            ),
            "",
        ]
    else:
        yield from ["Every number in the content is bound to a metric.", ""]

    yield from [f"## Warnings ({len(report.warnings)})", ""]
    yield from [f"- {escape(w)}" for w in report.warnings] or ["None."]

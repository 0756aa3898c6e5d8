"""Extraction: every numeric and dated mention in a source, independent of any rule.

`extract(source)` is a pure function of the source, so a corpus can be split across processes.
Dates are found first (their digits are not counts), then money, percentages, counts and ranks
in what is left.  Numbers inside page furniture are kept but marked, so coverage can say what
was skipped and why.
"""

from __future__ import annotations

import bisect
import datetime as dt
import unicodedata

import regex

from factcheck.extract.dates import DateHit, find_dates
from factcheck.extract.quantities import QHit, find_quantities
from factcheck.ingest import LineIndex, build_source
from factcheck.models import Mention, MentionKind, Source, Span

__all__ = ["extract", "extract_text"]


# Digits the `regex` module knows (its Unicode tables are newer than Python's) but float() and
# int() cannot read, such as U+1CCF0 OUTLINED DIGIT ZERO: scanned as non-digits.
_NON_ASCII_DIGIT = regex.compile(r"(?![0-9])\d")


def scannable(text: str) -> str:
    """`text` with digits Python cannot convert replaced by U+FFFD (offsets unchanged)."""
    if not _NON_ASCII_DIGIT.search(text):
        return text
    return _NON_ASCII_DIGIT.sub(
        lambda m: m.group() if unicodedata.decimal(m.group(), None) is not None else "\ufffd", text
    )


def extract(source: Source) -> list[Mention]:
    text = source.text
    scan = scannable(text)
    index = LineIndex(text)
    furniture = source.furniture
    mentions: list[Mention] = []

    def span(start: int, end: int) -> Span:
        line, column = index.position(start)
        return Span(start=start, end=end, line=line, column=column)

    furniture_starts = [fs for fs, _ in furniture]  # sorted, disjoint lines

    def in_furniture(start: int, end: int) -> bool:
        i = bisect.bisect_right(furniture_starts, start) - 1
        return i >= 0 and end <= furniture[i][1]

    date_hits = list(find_dates(scan, source.reference_date))
    for d in date_hits:
        mentions.append(
            _date_mention(source.id, text, d, span(d.start, d.end), in_furniture(d.start, d.end))
        )
    blocked = [(d.start, d.end) for d in date_hits]
    for q in find_quantities(scan, blocked):
        mentions.append(
            _quantity_mention(
                source.id, text, q, span(q.start, q.end), in_furniture(q.start, q.end)
            )
        )
    mentions.sort(key=lambda m: m.sort_key)
    return mentions


def extract_text(
    text: str, reference: dt.date | None = None, source_id: str = "text"
) -> list[Mention]:
    """Extract from a string, with `reference` as its publication date (tests, benchmarks)."""
    from factcheck.ingest import SourceMeta

    source = build_source(source_id, source_id, text, meta=SourceMeta(published=reference))
    if reference is None and source.published is not None:
        source = source.model_copy(update={"published": None, "published_from": "none"})
    return extract(source)


def _date_mention(source: str, text: str, d: DateHit, sp: Span, furniture: bool) -> Mention:
    kind: MentionKind
    if d.span is None:
        seasonal = d.fiscal_year is not None or d.season_to_date
        kind = "period" if d.shift_years is not None or seasonal else "date"
    elif d.span.precision == "year":
        kind = "year"
    elif d.span.precision == "range":
        kind = "period"
    else:
        kind = "date"
    return Mention(
        source=source,
        kind=kind,
        text=text[d.start : d.end],
        span=sp,
        date=d.span,
        weekday=d.weekday,
        relative=d.relative,
        resolved=d.span is not None or d.shift_years is not None or d.fiscal_year is not None,
        season_to_date=d.season_to_date,
        part=d.part,
        shift_years=d.shift_years,
        fiscal_year=d.fiscal_year,
        qualifier=d.qualifier,
        furniture=furniture,
    )


def _quantity_mention(source: str, text: str, q: QHit, sp: Span, furniture: bool) -> Mention:
    return Mention(
        source=source,
        kind=q.kind,
        text=text[q.start : q.end],
        span=sp,
        quantity=q.quantity,
        alternatives=q.alternatives,
        qualifier=q.qualifier,
        furniture=furniture,
    )

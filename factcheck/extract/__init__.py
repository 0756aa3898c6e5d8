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
from collections.abc import Sequence

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


# Figures analysed in one article at most.  A long read states a few hundred; a text dense
# with numbers under the size limit (a megabyte of "1 2 3 …") held half a million, took
# minutes and gigabytes to bind.  Work is bounded by figures, not bytes: past this many the
# rest of the article is left out, and `truncation_note` says so in the report.
MAX_MENTIONS = 20_000


def truncation_note(source: Source, mentions: Sequence[Mention]) -> str | None:
    """The warning for an article cut at MAX_MENTIONS figures, or None when it was not."""
    if len(mentions) < MAX_MENTIONS:
        return None
    last = mentions[-1].span
    return (
        f"{source.path}: holds more than {MAX_MENTIONS:,} figures; only those up to "
        f"{last.line}:{last.column} were analysed (is it a table or a dump, not an article?)"
    )


def extract(source: Source, limit: int | None = None) -> list[Mention]:
    """The article's figures and dates, in text order: at most `limit` (MAX_MENTIONS), the
    first ones."""
    limit = MAX_MENTIONS if limit is None else limit
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
    blocked = [(d.start, d.end) for d in date_hits]
    date_starts = [d.start for d in date_hits]  # in text order
    # Figures come in text order; past `limit` of them, dates included, the rest is cut off
    # before a Mention is made of it.
    cut = len(text)
    quantity_hits: list[QHit] = []
    for q in find_quantities(scan, blocked):
        if len(quantity_hits) + bisect.bisect_left(date_starts, q.start) >= limit:
            cut = q.start
            break
        quantity_hits.append(q)
    for d in date_hits:
        if d.start < cut:
            mentions.append(
                _date_mention(
                    source.id, text, d, span(d.start, d.end), in_furniture(d.start, d.end)
                )
            )
    for q in quantity_hits:
        mentions.append(
            _quantity_mention(
                source.id, text, q, span(q.start, q.end), in_furniture(q.start, q.end)
            )
        )
    mentions.sort(key=lambda m: m.sort_key)
    return mentions[:limit]


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

"""Text → Source: page furniture, the article's date, and the Source record every format builds.

Whatever the input format, its article text ends here: `build_source` marks page furniture
(share buttons, view counters, calendar widgets, copyright footers, crawl stamps) so that its
numbers are never taken for content, and takes the publication date from the metadata given
(sources.yaml, a page's <meta>, a dump's date field), or else from the article's own text: its header,
byline or wire dateline (`factcheck.extract.dateline`).
"""

from __future__ import annotations

import hashlib

import regex

from factcheck.ingest.base import SourceMeta
from factcheck.ingest.lines import content_lines
from factcheck.models import PublishedFrom, Source

# ---------------------------------------------------------------------------------- furniture

_FURNITURE_LINES = [
    r"(?i)views?\s*:\s*\d[\d\s,.]*",
    r"(?i)(?:просмотр\w*|comments?)\s*:?\s*\d*",
    r"(?i)(?:share|print|copy link|subscribe|follow us)\b.*",
    r"(?i)(?:twitter|youtube|instagram|facebook|telegram|vk|whatsapp|tiktok|apple store|"
    r"play market|google play|night_theme|ru|en|arm|search|ads|loading)",
    r"(?i).*(?:©|\(c\)|copyright)\s*\d{4}.*",
    r"(?i)any use of materials is allowed.*",
    r"\d{1,2}(?:\s*\d{1,2})*",  # calendar widget rows: "891011121314", "2930", "0"
    r"(?i)(?:mon|tue|tues|wed|thu|thurs|fri|sat|sun|total)(?:\s+(?:mon|tue|tues|wed|thu|thurs|"
    r"fri|sat|sun|total))+",
    r"\W*(?:\p{L}+\s+)?\d{4}\W*",  # "• April 2024" widget month headers, bare years
    r"[\"“”«»\W]*\p{L}+\W*",  # lone words such as '" March'
    r"(?i)(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+\d{1,2}\.\s*\d{4}\.\s*\d{1,2}:\d{2}",  # crawl stamp "May 19. 2024. 1:17"
    r"(?i)if you find an error.*",
]
_FURNITURE = regex.compile(r"^[ \t\u00a0]*(?:" + "|".join(_FURNITURE_LINES) + r")[ \t\u00a0]*$")


def furniture_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Offsets of lines that are page furniture rather than article content.

    A line counts when it is short and matches one of the furniture shapes; a bare year or a
    lone word inside a paragraph is content, so those shapes only count on lines of their own
    next to other furniture or blank lines.
    """
    spans: list[tuple[int, int]] = []
    for start, end in content_lines(text):
        if end - start <= 160 and _FURNITURE.match(text[start:end]):
            spans.append((start, end))
    return tuple(spans)


def build_source(
    stem: str,
    path: str,
    text: str,
    encoding: str = "utf-8",
    data: bytes | None = None,
    meta: SourceMeta | None = None,
) -> Source:
    meta = meta or SourceMeta()
    furniture = furniture_spans(text)
    published = meta.published
    published_from: PublishedFrom = meta.origin if published else "none"
    date_warnings: tuple[str, ...] = ()
    if published is None:
        from factcheck.extract.dateline import find_dateline  # the extractor imports ingest

        found = find_dateline(text, furniture)
        published, published_from, date_warnings = found.date, found.how, found.warnings
    raw = data if data is not None else text.encode("utf-8")
    return Source(
        id=stem,
        path=path,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
        outlet=meta.outlet,
        title=meta.title,
        url=meta.url,
        published=published,
        published_from=published_from,
        date_warnings=date_warnings,
        as_of=meta.as_of,
        furniture=furniture,
    )

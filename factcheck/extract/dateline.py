"""The article's own date: read from the top of its text, told apart from what only looks like one.

`find_dateline(text, furniture)` is a pure function of the text.  It looks at the article's
first lines for the date it was published, in the forms outlets print:

- a **header** line that is a date and little else, with or without a label, a time and a
  zone: "5 March 2021", "March 5, 2021", "Mar. 5, 2021", "MARCH 5, 2021", "05.03.2021",
  "2021-03-05", "2021-03-05T14:10:00Z", "Friday 5 March 2021 14.10 GMT",
  "Published: March 5, 2021 at 2:10 pm", "Updated 5 Mar 2021", "Posted on 03/05/2021",
  "5 Mar 2021 | 14:10 MSK";
- a **byline** with a date: "By A. Writer | March 5, 2021", "By A. Writer, 5 March 2021";
- a wire **dateline** opening a paragraph: "LONDON, March 5 (Reuters) -", its year from the
  text's own full dates (the year that puts the dateline nearest the latest of them) or left
  open when the text gives none.

A "Published" label beats an unlabelled header, which beats a byline, a dateline and last an
"Updated" stamp; among equals the topmost wins.  What only looks like the article's date is
never taken: a date inside a sentence (an event in the first paragraph), a crawl or print stamp
("Retrieved 19 May 2024", page furniture), a copyright year, and the dates of a "Related
stories" list (the lines after such a heading, up to a blank line).

Day and month order of a slashed date ("03/05/2021"): a part over 12 settles it; else the
article's other slashed dates that a part over 12 settles; else the way the article writes
dates in words ("5 March" day first, "March 5" month first).  A date none of these settles is
left open, with a warning naming both readings.  Dotted dates ("05.03.2021") are day first and
dashed ones ("2021-03-05") year first, as everywhere in the extractor.

Warnings (`Dateline.warnings`) say what a careful reader would question: a stated weekday that
does not fall on the date; a slashed date the text does not settle; a wire dateline with no
year the text can give; a crawl stamp years after every full date the text names.  With the
article's mentions, `date_warnings` adds an undated article's open relative dates and an
article dated before an event it reports in the past tense (the tense as the extractor reads
it, `dates.tense_at`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import regex

from factcheck.extract.dates import (
    DAY,
    MONTH,
    WEEKDAY,
    YEAR,
    find_dates,
    month_number,
    nearest_year,
    safe_date,
    tense_at,
    weekday_number,
)
from factcheck.models import Mention

How = Literal["header", "byline", "dateline", "none"]

# How far down a header date can stand: titles, kickers, bylines and share rows come first.
MAX_LINES = 60
# A header line is short; a longer one is a paragraph, where only a wire dateline can open.
HEADER_LINE = 120

_RANKS = {"published": 0, "header": 1, "byline": 2, "dateline": 3, "updated": 4}

_LABEL = regex.compile(
    r"""(?ix)^\W*(?P<label>
        (?:first\s+)?published|posted|date(?:d)?|release[ds]?|issued
      | (?:last\s+)?(?:updated|modified|edited|amended|revised)
    )(?:\s+(?:on|at))?\s*[:\-–—|]?\s*"""
)
_BYLINE = regex.compile(
    r"""(?x)^\W*(?i:by)\s+(?P<who>\p{Lu}[\p{L}\p{M}.'’\-]*(?:\s+(?:\p{Lu}[\p{L}\p{M}.'’\-]*|de|van|von|al|and|&))*)
    \s*(?:[|,·•/–—-]|\s(?i:on|in)\s)\s*"""
)
_CRAWL = regex.compile(
    r"""(?ix)^\W*(?:retrieved|accessed|crawled|archived|fetched|downloaded|printed|scraped|
    captured|saved|snapshot)\b"""
)
_COPYRIGHT = regex.compile(r"(?i)©|\(c\)\s*\d|\bcopyright\b|all rights reserved")
_RELATED = regex.compile(
    r"""(?ix)^\W*(?:related(?:\s+(?:stories|articles|news|coverage|content|posts|reading))?
    |read\s+(?:more|also|next)|more\s+(?:stories|news|on\s+this(?:\s+story)?|from\s+.{1,40})
    |see\s+also|you\s+may\s+(?:also\s+)?like|recommended(?:\s+for\s+you)?|most\s+(?:read|popular)
    |latest(?:\s+news)?|trending|in\s+other\s+news|further\s+reading)\W*$"""
)
# What may stand beside a header date: a time ("14:10", "14.10", "2:10 pm", "T14:10:00Z"), a
# zone ("GMT", "UTC+3", "+03:00"), a weekday, "at", separators.
_TIME = r"(?:T?\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?(?:\.\d+)?(?:\s*(?i:am|pm|a\.m\.|p\.m\.))?|\d{1,2}\s*(?i:am|pm|a\.m\.|p\.m\.))"
_ZONE = (
    r"(?:Z|[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|\((?:[A-Z]{2,5}|UTC[+-]\d+)\))"
)
_WEEKDAY_ABBR = r"(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?(?!\p{L})"
_FILLER = regex.compile(
    rf"""(?x)(?:\s|[|,;·•/–—\-]|{_TIME}|(?<![\p{{L}}])(?:{_ZONE})(?![\p{{L}}])|{WEEKDAY}|{_WEEKDAY_ABBR}
    |(?i:at|on|the|local\s+time|time)(?!\p{{L}}))*"""
)
_SLASHED = regex.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d{2})(?![\d/])")
_WIRE = regex.compile(
    rf"""(?x)^[ \t]*(?P<place>\p{{Lu}}[\p{{Lu}}\p{{M}}.'’ \-]{{1,40}}(?:,[ \t]*\p{{L}}[\p{{L}}.'’ \-]{{1,30}})?)
    ,[ \t]+(?:(?P<mon>{MONTH})[ \t]+(?P<d>{DAY})|(?P<d2>{DAY})[ \t]+(?P<mon2>{MONTH}))
    (?:,?[ \t]+(?P<y>{YEAR}))?
    [ \t]*(?P<agency>\([^()\n]{{1,40}}\))?[ \t]*(?:-+|–|—)"""
)
_YEAR_DIGITS = regex.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)|2100")
_SENTENCE = regex.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


@dataclass(frozen=True)
class Dateline:
    """The article's date, how it was found, on which line, and what looks wrong about it."""

    date: dt.date | None
    how: How = "none"
    line: int = 0  # 1-based line of the date found; 0 when none
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    rank: int
    line: int
    date: dt.date | None  # None: a date whose day/month order the text does not settle
    how: How
    text: str
    note: str = ""


def find_dateline(text: str, furniture: Iterable[tuple[int, int]] = ()) -> Dateline:
    """The publication date an article states at its top, how it was found, and warnings."""
    skip = {start for start, _ in furniture}
    # How the article orders day and month, worked out only if a slashed date needs it.
    order = functools.cache(lambda: _day_month_order(text))
    candidates: list[_Candidate] = []
    stamps: list[tuple[dt.date, str]] = []
    warnings: list[str] = []
    in_related = False
    header_lines: list[tuple[int, int]] = []  # stamps and dates found: not the body's dates
    for n, (start, line) in enumerate(_lines(text), 1):
        if n > MAX_LINES:
            break
        stripped = line.strip()
        if not stripped:
            in_related = False
            continue
        if in_related:
            continue
        if len(stripped) > HEADER_LINE:  # a paragraph: only a wire dateline can open it
            found = _wire(stripped, n)
            if found is not None:  # only the dateline's own words are skipped
                header_lines.append((start, start + len(found.text)))
                candidates.append(found)
            continue
        if _COPYRIGHT.search(stripped):
            continue
        if _RELATED.match(stripped):
            in_related = True
            continue
        if _CRAWL.match(stripped) or start in skip:
            stamped = _date_in(stripped, order)
            if stamped is not None and stamped[0] is not None:
                stamps.append((stamped[0], stripped))
                header_lines.append((start, start + len(line)))
            continue
        found = _header(stripped, n, order)
        if found is not None:
            header_lines.append((start, start + len(line)))
        else:
            found = _wire(stripped, n)
            if found is not None:  # a dateline opens a paragraph: only its own words are skipped
                header_lines.append((start, start + len(found.text)))
        if found is not None:
            candidates.append(found)
    best = min(candidates, key=lambda c: (c.rank, c.line)) if candidates else None
    date: dt.date | None = None
    if best is not None and best.note:
        warnings.append(best.note)
    if best is not None and best.date is None and best.how == "dateline":
        body = _body_dates(text, header_lines)
        date = _wire_year(best, body, stamps)
        if date is None:
            warnings.append(
                f"line {best.line}: the dateline {best.text!r} names no year and the text gives "
                "none: the article's date is left open"
            )
    elif best is not None:
        date = best.date
    if stamps:
        latest = max((d for d, _ in _body_dates(text, header_lines)), default=None)
        for stamp, stamp_text in stamps:
            if latest is not None and (stamp - latest).days > 730:
                warnings.append(
                    f"the crawl or print stamp {stamp_text!r} is {(stamp - latest).days // 365} "
                    f"years after every full date the text names (the latest {latest}): it is "
                    "not taken for the article's date"
                )
    if date is None or best is None:
        return Dateline(None, "none", 0, tuple(warnings))
    return Dateline(date, best.how, best.line, tuple(warnings))


def _lines(text: str) -> Iterable[tuple[int, str]]:
    """Each line's offset and text, without its line break."""
    start = 0
    for line in text.splitlines(keepends=True):
        yield start, line.rstrip("\r\n")
        start += len(line)


def _date_in(
    line: str, order: Callable[[], str | None]
) -> tuple[dt.date | None, int, int, str] | None:
    """The one day-precision date stated in `line`: (date, start, end, note), or None.

    A slashed date's order comes from `order()` ("dm", "md", or None when the text does not
    say); None when the line holds no date.
    """
    slashed = _SLASHED.search(line)
    if slashed:
        a, b, y = int(slashed["a"]), int(slashed["b"]), int(slashed["y"])
        note = ""
        if a > 12:
            d = safe_date(y, b, a)
        elif b > 12 or a == b:
            d = safe_date(y, a, b)
        elif order() == "dm":
            d = safe_date(y, b, a)
        elif order() == "md":
            d = safe_date(y, a, b)
        else:
            d = None
            read_md, read_dm = safe_date(y, a, b), safe_date(y, b, a)
            note = (
                f"{slashed.group()!r} reads {read_md} month first or {read_dm} day first, and "
                "the text settles neither: the article's date is left open"
            )
        return d, slashed.start(), slashed.end(), note
    if not _YEAR_DIGITS.search(line):
        return None  # every full date holds a four-digit year: most lines end here, cheaply
    for hit in find_dates(line, None):
        if hit.span is None or hit.span.precision != "day" or hit.relative:
            continue
        d = hit.span.start
        note = ""
        if hit.weekday and weekday_number(hit.weekday) != d.weekday():
            note = f"{line!r} names a {hit.weekday}, but {d.isoformat()} was a {d:%A}"
        return d, hit.start, hit.end, note
    return None


def _header(line: str, n: int, order: Callable[[], str | None]) -> _Candidate | None:
    """A header or byline date: the line is the date and little else."""
    if len(line) > HEADER_LINE:
        return None
    how: How = "header"
    rank = _RANKS["header"]
    rest = line
    by = _BYLINE.match(line)
    label = _LABEL.match(line)
    if by:
        how, rank, rest = "byline", _RANKS["byline"], line[by.end() :]
        label = _LABEL.match(rest)
    if label:
        word = label["label"].lower()
        if how == "header":
            updated = any(w in word for w in ("updat", "modif", "edit", "amend", "revis"))
            rank = _RANKS["updated" if updated else "published"]
        rest = rest[label.end() :]
    found = _date_in(rest, order)
    if found is None:
        return None
    d, start, end, note = found
    if not _FILLER.fullmatch(rest[:start]) or not _FILLER.fullmatch(rest[end:]):
        return None
    return _Candidate(rank, n, d, how, line, note)


def _wire(line: str, n: int) -> _Candidate | None:
    """A wire dateline opening a paragraph: "LONDON, March 5 (Reuters) -"."""
    m = _WIRE.match(line)
    if m is None:
        return None
    place = m["place"].split(",")[0].strip()
    if not (place.isupper() or m["agency"]):
        return None  # "Officials, March 5 -" is no place name
    month = month_number(m["mon"] or m["mon2"])
    day = int(m["d"] or m["d2"])
    text = m.group().strip()
    if m["y"]:
        d = safe_date(int(m["y"]), month, day)
        return _Candidate(_RANKS["dateline"], n, d, "dateline", text) if d else None
    # The year comes from the text: see _wire_year.  Month and day are kept in the text.
    return _Candidate(_RANKS["dateline"], n, None, "dateline", text, "")


def _wire_year(
    c: _Candidate, body: list[tuple[dt.date, int]], stamps: list[tuple[dt.date, str]]
) -> dt.date | None:
    """The dateline's year: the one that puts its day nearest the latest full date the text
    names (or, without one, a crawl stamp a little after it); None when neither exists."""
    m = _WIRE.match(c.text)
    assert m is not None
    month = month_number(m["mon"] or m["mon2"])
    day = int(m["d"] or m["d2"])
    dated = [d for d, _ in body]
    ref = max(dated) if dated else (min(s for s, _ in stamps) if stamps else None)
    if ref is None:
        return None
    year = nearest_year(month, day, ref)
    return safe_date(year, month, day) if year is not None else None


def _body_dates(text: str, skip: list[tuple[int, int]]) -> list[tuple[dt.date, int]]:
    """Full dates the text states (day precision, not relative) outside the `skip` spans."""
    out: list[tuple[dt.date, int]] = []
    for hit in find_dates(text, None):
        if any(a <= hit.start < b for a, b in skip):
            continue
        if hit.span is not None and hit.span.precision == "day" and not hit.relative:
            out.append((hit.span.start, hit.start))
    return out


def date_warnings(
    published: dt.date | None, how: str, text: str, mentions: Sequence[Mention]
) -> list[str]:
    """What a careful reader would question about an article's date, given its mentions
    (read against that date): each warning starts with `line:column: `.

    - no date at all, yet relative dates left open: the first of them is named;
    - an article dated before a full date that its sentence reports in the past tense.

    (A date years after every date the text names is warned about only for a crawl stamp, in
    `find_dateline`: an article about history is often dated long after all its dates.)
    """
    content = [m for m in mentions if not m.furniture and m.kind in ("date", "year", "period")]
    if published is None:
        open_ = next((m for m in content if m.relative and not m.resolved), None)
        if open_ is None:
            return []
        return [
            f"{open_.span.line}:{open_.span.column}: the article has no date, so "
            f"{open_.text!r} and any other relative date are left open; give its date in "
            "sources.yaml (`published`, or `as_of` for the date it speaks from)"
        ]
    out: list[str] = []
    # Dates stated in full, less the article's own (its header line is a mention too).
    stated = [
        m
        for m in content
        if m.date is not None
        and not m.relative
        and not (m.date.precision == "day" and m.date.start == published)
    ]
    for m in stated:
        assert m.date is not None
        if m.date.precision != "day" or m.date.start <= published:
            continue
        sentence = _sentence_at(text, m.span.start)
        if _LABEL.match(sentence) or _CRAWL.match(sentence):
            continue  # "Updated 6 March": a stamp of the page, not an event
        if tense_at(text, m.span.start, m.span.end) == "past":
            out.append(
                f"{m.span.line}:{m.span.column}: the article is dated {published} ({how}) but "
                f"reports in the past tense an event on {m.date.start}: "
                f"{' '.join(sentence.split())[:120]!r}; its date may be wrong"
            )
            break
    return out


def _sentence_at(text: str, at: int) -> str:
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at)) + 1
    m = _SENTENCE.match(text, start)
    return m.group() if m else text[start : at + 40]


_WRITTEN_DM = regex.compile(rf"(?<!\d)(?:{DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH})")
_WRITTEN_MD = regex.compile(rf"(?:{MONTH})\s+(?:{DAY})(?:st|nd|rd|th)?(?!\d)")


def _day_month_order(text: str) -> str | None:
    """ "dm" or "md": how the article orders day and month, from its unambiguous slashed dates
    first, then from its dates in words; None when neither says."""
    dm = md = 0
    for m in _SLASHED.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            dm += 1
        elif b > 12 >= a:
            md += 1
    if dm != md:
        return "dm" if dm > md else "md"
    dm = sum(1 for _ in _WRITTEN_DM.finditer(text))
    md = sum(1 for _ in _WRITTEN_MD.finditer(text))
    if dm != md:
        return "dm" if dm > md else "md"
    return None

"""Where a date is read: full dates, month-years, years, periods and relative dates.

Relative wording ("last year", "December 26 last year", "last September", "on Wednesday",
"the first four months of this year") is resolved against the source's reference date, its
publication date, when there is one.  Without one it stays open (`resolved=False`), never
guessed.  "The same period the previous year" depends on the sentence, not the article, so it
is kept as a shift of the sentence's own period for the binder to apply.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import regex

from factcheck.extract.numbers import ORDINAL_WORDS, UNITS_WORDS, parse_words
from factcheck.models import DateSpan, Precision

MONTH_NAMES = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
MONTH_ABBR = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_ABBR = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}

# Month names in any case where digits stand beside them ("04th jan 2019"), but "may" only
# before a digit; MONTH_CAP, for a month named alone, wants a capital ("in March", not "march").
_FULL = "january|february|march|april|june|july|august|september|october|november|december"
_ABBR = "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
MONTH = rf"\b(?:(?i:{_FULL})(?!\p{{L}})|(?i:may)(?=\s*\d)|(?:May|MAY)(?!\p{{L}})|(?i:{_ABBR})\.?(?=\s*,?\s*\d|\s*[-–]\s*\p{{L}}))"
MONTH_CAP = (
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?!\p{L})"
)
WEEKDAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
YEAR = r"(?:1[6-9]\d{2}|20\d{2}|2100)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
ORD_SUFFIX = r"(?:st|nd|rd|th)"
# Between a day and its year: "3 February 2023", "Dec. 31 , 1994", "4th of July of 1995".
_TO_YEAR = r"(?:\s*,\s*|\s+(?i:of\s+|in\s+)?)"
REL_YEAR = r"(?i:(?:of\s+)?(?:the\s+)?(?:last|this|next|previous|past|current|coming)\s+year)"
_small_alt = "|".join(sorted([*UNITS_WORDS, *ORDINAL_WORDS], key=len, reverse=True))


def month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTH_NAMES.get(w) or MONTH_ABBR[w]


def weekday_number(word: str) -> int:
    w = word.lower()
    return WEEKDAYS.index(w) if w in WEEKDAYS else WEEKDAY_ABBR[w]


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_span(year: int, month: int) -> DateSpan:
    return DateSpan(
        start=dt.date(year, month, 1),
        end=dt.date(year, month, last_day(year, month)),
        precision="month",
    )


def year_span(year: int) -> DateSpan:
    return DateSpan(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), precision="year")


def day_span(d: dt.date) -> DateSpan:
    return DateSpan(start=d, end=d, precision="day")


def months_span(year: int, first: int, last: int, end_year: int | None = None) -> DateSpan:
    end_year = end_year or year
    precision: Precision = "range"
    return DateSpan(
        start=dt.date(year, first, 1),
        end=dt.date(end_year, last, last_day(end_year, last)),
        precision=precision,
    )


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    span: DateSpan | None  # None: relative and unresolved
    weekday: str | None = None
    relative: bool = False
    part: str | None = None  # "end" / "start" of the period: "at the end of last year"
    shift_years: int | None = None  # "the same period the previous year": context shift
    qualifier: str = "exact"
    # A season or fiscal year, by the calendar year it ends in ("2019/20 season": 2020,
    # "FY2023": 2023): the binder places it by the metric's or entity's `year_starts`.
    fiscal_year: int | None = None
    season_to_date: bool = False  # "so far this season": see Mention.season_to_date
    # A month (and day) stated without a year, for `carry_years`: (month, day or None).
    yearless: tuple[int, int | None] | None = None


@dataclass
class _Ctx:
    text: str
    ref: dt.date | None
    hits: list[DateHit] = field(default_factory=list)


def relative_year(word: str, ref: dt.date | None) -> int | None:
    w = word.lower()
    if ref is None:
        return None
    if "last" in w or "previous" in w or "past" in w:
        return ref.year - 1
    if "next" in w or "coming" in w:
        return ref.year + 1
    return ref.year


def nearest_year(month: int, day: int | None, ref: dt.date | None) -> int | None:
    """The year that puts a month (and day) stated without one closest to the reference date."""
    if ref is None:
        return None
    best: tuple[int, int] | None = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        d = dt.date(y, month, min(day or 15, last_day(y, month)))
        gap = abs((d - ref).days)
        if best is None or gap < best[0]:
            best = (gap, y)
    assert best is not None
    return best[1]


def directed_year(
    month: int, day: int | None, ref: dt.date | None, tense: str | None
) -> int | None:
    """The year of a month (and day) stated without one, the way the sentence's tense points:
    in the past, the latest such day on or before the reference date ("met on 3 May", "began
    in September"); in the future, the first on or after it ("will meet in June"); with no
    tense, the nearest (`nearest_year`)."""
    if ref is None or tense is None:
        return nearest_year(month, day, ref)
    for y in (
        (ref.year - 1, ref.year, ref.year + 1)
        if tense == "future"
        else (ref.year + 1, ref.year, ref.year - 1)
    ):
        first = dt.date(y, month, min(day or 1, last_day(y, month)))
        last = dt.date(y, month, min(day or last_day(y, month), last_day(y, month)))
        if tense == "future" and last >= ref:
            return y
        if tense == "past" and first <= ref:
            return y
    return nearest_year(month, day, ref)


# Words that set the tense of the clause a date stands in; the nearest to the date wins: "said
# the ministers will meet on Tuesday" is the future.  Read word by word (a regex of these
# alternatives, case-insensitive, cost more than the rest of the date scan).
_FUTURE_WORDS = frozenset(["will", "shall", "upcoming", "scheduled", "'ll", "forthcoming"])
# "to" is future after these: "going to", "is to", "plans to", "expected to" ...
_FUTURE_TO = frozenset(
    [
        "going",
        "is",
        "are",
        "plan",
        "plans",
        "planning",
        "due",
        "expected",
        "set",
        "intend",
        "intends",
        "likely",
        "aims",
    ]
)
_PAST_WORDS = frozenset(
    [
        "was",
        "were",
        "had",
        "did",
        "said",
        "says",
        "since",
        "ago",
        "began",
        "met",
        "held",
        "took",
        "came",
        "went",
        "saw",
        "rose",
        "fell",
        "grew",
        "won",
        "lost",
        "sold",
        "bought",
        "left",
        "been",
        "told",
        "made",
        "gave",
        "paid",
        "spent",
    ]
)
_NOT_PAST_ED = frozenset(["scheduled", "expected", "planned", "proposed", "needed", "based"])
_WORD = re.compile(r"[^\W\d_]+|'ll")
_CLAUSE_EDGE = re.compile(r"[.!?;\n]")


def _word_tense(words: list[str], i: int) -> str | None:
    """The tense word i of a clause sets, given the words before it."""
    w = words[i]
    prev = words[i - 1] if i else ""
    if w in _FUTURE_WORDS or (w == "to" and prev in _FUTURE_TO):
        return "future"
    past = w in _PAST_WORDS or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED)
    if not past:
        return None
    # "will be held", "is to be signed", "will have been": a participle after a future
    # auxiliary is the future.
    before = words[max(0, i - 3) : i]
    if "be" in before or "have" in before:
        k = max(j for j, x in enumerate(before) if x in ("be", "have"))
        if k and before[k - 1] in ("will", "shall", "to", "'ll"):
            return "future"
    return "past"


def tense_at(text: str, start: int, end: int) -> str | None:
    """ "past", "future" or None: the tense cue nearest the date at text[start:end], looked for
    in its clause up to 80 characters before and 40 after."""
    lo = max(0, start - 80)
    edges = [e.end() for e in _CLAUSE_EDGE.finditer(text, lo, start)]
    if edges:
        lo = edges[-1]
    hi = min(len(text), end + 40)
    nxt = _CLAUSE_EDGE.search(text, end, hi)
    if nxt is not None:
        hi = nxt.start()
    found = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text, lo, hi)]
    words = [w for _, _, w in found]
    best: tuple[int, int, str] | None = None
    for i, (ws, we, _) in enumerate(found):
        if start <= ws < end:
            continue
        tense = _word_tense(words, i)
        if tense is None:
            continue
        dist = start - we if we <= start else ws - end
        rank = (dist, 0 if tense == "future" else 1)
        if best is None or rank < best[:2]:
            best = (*rank, tense)
    return best[2] if best else None


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# -------------------------------------------------------------------------- patterns
# Each pattern is a compiled regex and a handler that returns a DateHit or None.  Patterns run
# longest-form first; a later pattern never claims text an earlier one took.
#
# Speed: most of an article holds no date, and running twenty patterns over all of it cost
# more than everything else in extraction.  Every pattern names the anchors its matches must
# contain (a month name, a weekday, a four-digit year, "year"/"month"/"week") and how far
# before its first anchor a match can begin (`back`); str.find locates the anchors in a few
# passes over the text.  A match begins where a run of letters or digits begins (every
# pattern tests that first), at most `back` characters before its first anchor, and with three
# characters that can begin it (regex's partial matching says which, once per triple).  So
# each pattern is tried with `match` at a handful of positions per anchor instead of searched
# through windows, and the result is the same as scanning everything.

Handler = Callable[[regex.Match[str], _Ctx], DateHit | None]


@dataclass(frozen=True)
class _Pattern:
    rx: regex.Pattern[str]
    handler: Handler
    # anchor kind -> back: how far before that anchor a match can begin
    anchors: dict[str, int]
    bit: int  # 1 << the pattern's place in _PATTERNS, its bit in a begin mask


_PATTERNS: list[_Pattern] = []


# A date begins where a run of letters or a run of digits begins ("FY2022" holds a year, "bathe
# same period" holds no "the same period").  Every pattern starts with this test, so a match
# can only start at one of the few such positions near an anchor, and the scan tries just those.
_RUN_START = r"(?:(?<!\p{L})(?=\p{L})|(?<!\d)(?=\d))"
# The same positions for the scan, found with the standard library's re, which is faster here.
_RUN_STARTS = re.compile(r"(?<![^\W\d_])[^\W\d_]|(?<!\d)\d")


def pattern(rx: str, *, anchors: dict[str, int]) -> Callable[[Handler], Handler]:
    compiled = regex.compile(_RUN_START + "(?:" + rx + "\n)", regex.VERBOSE)

    def register(fn: Handler) -> Handler:
        _PATTERNS.append(_Pattern(compiled, fn, anchors, 1 << len(_PATTERNS)))
        return fn

    return register


def _resolve_rel_year(m: regex.Match[str], ctx: _Ctx, group: str) -> tuple[int | None, bool]:
    if m.group(group):
        if regex.fullmatch(YEAR, m.group(group)):
            return int(m.group(group)), False
        return relative_year(m.group(group), ctx.ref), True
    return None, False


@pattern(
    rf"""(?P<wd>{WEEKDAY}),?\s*\(\s*(?P<d>{DAY}){ORD_SUFFIX}?\s+(?P<mon>{MONTH})
    (?:,?\s+(?P<y>{YEAR}))?\s*\)""",
    anchors={"day": 16},
)
def _weekday_paren(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Friday (3 February): the weekday pins the year when the text gives none."""
    return _weekday_date(m, ctx)


@pattern(
    rf"""(?P<wd>{WEEKDAY}),?\s+(?:(?P<d>{DAY}){ORD_SUFFIX}?\s+(?:of\s+)?(?P<mon>{MONTH})
    |(?P<mon2>{MONTH})\s+(?P<d2>{DAY}){ORD_SUFFIX}?)(?:,?\s+(?P<y>{YEAR}))?\b""",
    anchors={"day": 16},
)
def _weekday_comma(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    return _weekday_date(m, ctx)


def _weekday_date(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    day = int(m.group("d") or m.group("d2"))
    month = month_number(m.group("mon") or m.group("mon2"))
    weekday = m.group("wd").capitalize()
    relative = False
    if m.group("y"):
        year: int | None = int(m.group("y"))
    else:
        year, relative = nearest_year(month, day, ctx.ref), True
    if year is None:
        return DateHit(m.start(), m.end(), None, weekday, relative=True)
    d = safe_date(year, month, day)
    if d is None:
        return None
    return DateHit(m.start(), m.end(), day_span(d), weekday, relative=relative)


@pattern(
    rf"""(?P<mon>{MONTH})\s+(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>{YEAR})\b""",
    anchors={"mon": 4},
)
def _month_numeric(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """January 24.01.2023: a month name restating a numeric date's month is one date."""
    if month_number(m.group("mon")) != int(m.group("m")):
        return None
    d = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return DateHit(m.start(), m.end(), day_span(d)) if d else None


# A month word inside a numeric date: "05-Aug-2016", "2019/aug/01", "Sep-23-2020", "Dec-2018".
_MON_WORD = rf"(?i:{_FULL}|may|{_ABBR})(?!\p{{L}})"


@pattern(
    rf"""(?<![\d\p{{L}}])(?:(?P<d>{DAY})(?P<s>[-/])(?P<mon>{_MON_WORD})(?P=s)(?P<y>{YEAR})
    |(?P<y2>{YEAR})(?P<s2>[-/])(?P<mon2>{_MON_WORD})(?P=s2)(?P<d2>{DAY})
    |(?P<mon3>{_MON_WORD})(?P<s3>[-/])(?P<d3>{DAY})(?P=s3)(?P<y3>{YEAR})
    |(?P<mon4>{_MON_WORD})[-/](?P<y4>{YEAR}))(?![\d\p{{L}}])""",
    anchors={"y4": 16},
)
def _month_word_numeric(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    month = month_number(m.group("mon") or m.group("mon2") or m.group("mon3") or m.group("mon4"))
    year = int(m.group("y") or m.group("y2") or m.group("y3") or m.group("y4"))
    if m.group("mon4"):
        return DateHit(m.start(), m.end(), month_span(year, month))
    d = safe_date(year, month, int(m.group("d") or m.group("d2") or m.group("d3")))
    return DateHit(m.start(), m.end(), day_span(d)) if d else None


@pattern(
    rf"""(?i:since\s+(?:the\s+)?)(?:(?P<d>{DAY}){ORD_SUFFIX}?\s+(?:of\s+)?(?P<mon>{MONTH})
    |(?P<mon2>{MONTH})\s+(?P<d2>{DAY}){ORD_SUFFIX}?(?![\d:.%]))(?:,?\s+(?P<y>{YEAR}))?(?!\d)""",
    anchors={"mon": 16},
)
def _since_day(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Since July 1, since 1 July 2021: a to-date period from that day to the reference date
    (without one the day is read alone, by the patterns after this)."""
    if ctx.ref is None:
        return None
    month = month_number(m.group("mon") or m.group("mon2"))
    day = int(m.group("d") or m.group("d2"))
    year = int(m.group("y")) if m.group("y") else directed_year(month, day, ctx.ref, "past")
    start = safe_date(year, month, day) if year is not None else None
    if start is None or start >= ctx.ref:
        return None
    span = DateSpan(start=start, end=ctx.ref, precision="range")
    return DateHit(m.start(), m.end(), span, relative=True)


_RANGE_LEAD = regex.compile(r"(?i:\b(from|between)\s+)\Z")
_DAY_TO = r"\s*(?:-|–|—|(?i:to|through|till|until|and))\s*"


@pattern(
    rf"""(?<![\d.,])\b(?P<d1>{DAY}){ORD_SUFFIX}?(?:\s+(?:of\s+)?(?P<m1>{MONTH}))?
    {_DAY_TO}(?P<d2>{DAY}){ORD_SUFFIX}?\s+(?:of\s+)?(?P<m2>{MONTH})(?:{_TO_YEAR}(?P<y>{YEAR}))?(?!\d)
    |(?P<m3>{MONTH})\s*(?P<d3>{DAY}){ORD_SUFFIX}?
    {_DAY_TO}(?:(?P<m4>{MONTH})\s*)?(?P<d4>{DAY}){ORD_SUFFIX}?(?![\d:.%])(?:{_TO_YEAR}(?P<y2>{YEAR}))?(?!\d)""",
    anchors={"mon": 24},
)
def _day_range(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """From 4 to 22 January 1995; 3-4 February; March 1 to 15; Oct. 2 to October 22."""
    # "from"/"between" stay outside the regex (an optional lead tried at every position
    # was most of its cost) and join the span here; "and" joins days only after "between",
    # so "18 and 19 June" stays two dates.
    lead = _RANGE_LEAD.search(ctx.text, max(0, m.start() - 12), m.start())
    if "and" in m.group(0).lower().split() and not (lead and lead.group(1).lower() == "between"):
        return None
    start_at = lead.start() if lead else m.start()
    if m.group("d1"):
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        m2 = month_number(m.group("m2"))
        m1 = month_number(m.group("m1")) if m.group("m1") else m2
        y_text = m.group("y")
    else:
        d1, d2 = int(m.group("d3")), int(m.group("d4"))
        m1 = month_number(m.group("m3"))
        m2 = month_number(m.group("m4")) if m.group("m4") else m1
        y_text = m.group("y2")
    relative = y_text is None
    year = int(y_text) if y_text else nearest_year(m2, d2, ctx.ref)
    if year is None:
        return DateHit(start_at, m.end(), None, relative=True)
    start = safe_date(year if m1 <= m2 else year - 1, m1, d1)
    end = safe_date(year, m2, d2)
    if start is None or end is None or end <= start:
        return None
    return DateHit(
        start_at, m.end(), DateSpan(start=start, end=end, precision="range"), relative=relative
    )


@pattern(
    rf"""(?i:(?P<p>from|between)\s+)(?<![\d.,])(?P<a>{YEAR})\s*(?:-|–|—|(?i:to|through|till|until|and))\s*
    (?P<b>{YEAR})(?![\d%]|[.,]\d)
    |(?<![\d.,])(?P<a2>{YEAR})\s+(?i:through)\s+(?P<b2>{YEAR})(?![\d%]|[.,]\d)""",
    anchors={"y4": 16},
)
def _from_year_to_year(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Between 2015 and 2018; from 2007 to 2008; 2014 through 2018."""
    a, b = int(m.group("a") or m.group("a2")), int(m.group("b") or m.group("b2"))
    if b <= a or b - a > 50:
        return None
    span = DateSpan(start=dt.date(a, 1, 1), end=dt.date(b, 12, 31), precision="range")
    return DateHit(m.start(), m.end(), span)


@pattern(
    rf"""(?<![\d.])(?P<d>{DAY}){ORD_SUFFIX}?\s+(?:of\s+)?(?P<mon>{MONTH}){_TO_YEAR}(?P<y>{YEAR})(?!\d)
    |(?P<mon2>{MONTH})\s*(?P<d2>{DAY}){ORD_SUFFIX}?{_TO_YEAR}(?P<y2>{YEAR})(?!\d)""",
    anchors={"mon": 16},
)
def _day_month_year(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    day = int(m.group("d") or m.group("d2"))
    month = month_number(m.group("mon") or m.group("mon2"))
    d = safe_date(int(m.group("y") or m.group("y2")), month, day)
    return DateHit(m.start(), m.end(), day_span(d)) if d else None


@pattern(
    r"""(?<![\d.,/-])(?:(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})
    |(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{2})-(?P<d2>\d{2})
    |(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y3>(?:19|20)\d{2}))(?![\d.]\d)""",
    anchors={"y4": 12},
)
def _numeric_date(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    if m.group("d"):
        d = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    elif m.group("y2"):
        d = safe_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    else:
        a, b = int(m.group("a")), int(m.group("b"))
        # English slashed dates read month first unless that cannot be.
        month, day = (b, a) if a > 12 else (a, b)
        d = safe_date(int(m.group("y3")), month, day)
    return DateHit(m.start(), m.end(), day_span(d)) if d else None


_EDGE_PART = {"early": "start", "mid": "middle", "late": "end"}


@pattern(
    rf"""(?i:(?P<edge>early|mid|late)(?:-|\s+|-\s*))(?:(?P<mon>{MONTH_CAP})(?:,?\s+(?:of\s+)?
    (?P<my>{YEAR}|{REL_YEAR}))?|(?P<y>{YEAR})(?![\d%]|'?s\b|[.,]\d))""",
    anchors={"mon": 8, "y4": 8},
)
def _edge_of(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Early March, mid-November, late 2022: the month or year, and which part of it (for an
    as-of date: "by mid-November" is the middle of November)."""
    part = _EDGE_PART[m.group("edge").lower()]
    if m.group("y"):
        return DateHit(m.start(), m.end(), year_span(int(m.group("y"))), part=part)
    return _month_part(m, ctx, part)


def _month_part(m: regex.Match[str], ctx: _Ctx, part: str) -> DateHit:
    """A month named with a part of it ("the end of April", "mid-November"): its year as
    stated ("of last year", group `my`), else the one the clause's tense points to."""
    month = month_number(m.group("mon"))
    year, relative = _resolve_rel_year(m, ctx, "my")
    yearless = None
    if not m.group("my"):
        tense = tense_at(ctx.text, m.start(), m.end())
        year, relative, yearless = directed_year(month, None, ctx.ref, tense), True, (month, None)
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True, part=part, yearless=yearless)
    span = month_span(year, month)
    return DateHit(m.start(), m.end(), span, relative=relative, part=part, yearless=yearless)


@pattern(
    rf"""(?i:(?:the\s+)?(?P<ord>first|last|\d{{1,2}}{ORD_SUFFIX}|{_small_alt})\s+day\s+of\s+)
    (?P<mon>{MONTH})(?:,?\s+(?P<y>{YEAR}|{REL_YEAR}))?""",
    anchors={"mon": 48},
)
def _nth_day_of(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """On the first day of February."""
    month = month_number(m.group("mon"))
    ordw = m.group("ord").lower()
    year, relative = _resolve_rel_year(m, ctx, "y")
    if year is None and not m.group("y"):
        year, relative = nearest_year(month, 1, ctx.ref), True
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    if ordw == "last":
        day = last_day(year, month)
    elif ordw in ORDINAL_WORDS:
        day = int(ORDINAL_WORDS[ordw])
    elif ordw[:1].isdigit():
        day = int(regex.match(r"\d+", ordw).group())  # type: ignore[union-attr]
    else:
        return None
    d = safe_date(year, month, day)
    return DateHit(m.start(), m.end(), day_span(d), relative=relative) if d else None


@pattern(
    rf"""(?P<mon>{MONTH})\s*(?:-|–|—|to|through|until)\s*(?P<mon2>{MONTH}),?\s+(?:of\s+)?
    (?P<y>{YEAR}|(?i:the\s+)?(?i:last|this|next|previous|current)\s+year)\b""",
    anchors={"mon": 4},
)
def _month_range(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """January-November 2022."""
    return _months(m, ctx)


@pattern(
    rf"""(?i:(?:from|between)\s+)(?P<mon>{MONTH})(?:\s+(?P<y0>{YEAR}))?\s+(?i:to|and|until|till|through)\s+
    (?P<mon2>{MONTH})(?:,?\s+(?:of\s+)?(?P<y>{YEAR}|(?i:the\s+)?(?i:last|this|next|previous|current)\s+year))?""",
    anchors={"mon": 20},
)
def _from_month_to_month(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Between May and October this year; from March 2021 to May 2022."""
    return _months(m, ctx)


def _months(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    first, last = month_number(m.group("mon")), month_number(m.group("mon2"))
    year, relative = _resolve_rel_year(m, ctx, "y")
    if not m.group("y"):
        year, relative = nearest_year(last, None, ctx.ref), True
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    start_year = year
    if m.groupdict().get("y0"):
        start_year = int(m.group("y0"))
    elif first > last:
        start_year = year - 1
    return DateHit(
        m.start(), m.end(), months_span(start_year, first, last, year), relative=relative
    )


@pattern(
    r"""(?i:(?:so|thus)\s+far\s+this\s+(?:season|(?:marketing|fiscal|financial|crop)\s+year)
    |this\s+season\s+(?:so\s+far|to\s+date)|(?:in\s+)?the\s+season\s+to\s+date|season[\s-]to[\s-]date
    |(?:fiscal|financial)[\s-]year[\s-]to[\s-]date|fytd(?!\p{L}))""",
    anchors={"season": 28, "fiscal": 16, "financial": 16, "FY": 0},
)
def _season_to_date(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """So far this season, the season to date, fiscal year to date: from the start of the
    rule's season (`year_starts`) to the article's date; the binder places it.  The span is the
    year up to the reference date, within which any such season starts."""
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True, season_to_date=True)
    first = ctx.ref - dt.timedelta(days=365)
    span = DateSpan(start=first, end=ctx.ref, precision="range")
    return DateHit(m.start(), m.end(), span, relative=True, season_to_date=True)


@pattern(
    r"""(?i:(?:so|thus)\s+far\s+(?:this|in\s+the\s+current)\s+year|this\s+year\s+(?:so\s+far|to\s+date)
    |(?:the\s+)?year[\s-]to[\s-]date|ytd(?!\p{L})
    |since\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year)""",
    anchors={"year": 28, "ytd": 0},
)
def _year_to_date(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """So far this year, year to date, YTD: from 1 January to the reference date."""
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    span = DateSpan(start=dt.date(ctx.ref.year, 1, 1), end=ctx.ref, precision="range")
    return DateHit(m.start(), m.end(), span, relative=True)


_WINDOW_UNITS = {"day": "day", "week": "week", "month": "month", "year": "year", "decade": "decade"}


@pattern(
    rf"""(?i:(?:the\s+)?(?P<dir>last|past|previous|next|coming|preceding)
    \s+(?:(?P<n>\d{{1,3}}|{_small_alt}|twelve|a\s+few|few|several|couple\s+of)\s+)?
    (?P<unit>day|week|month|year|decade)s?)(?!\p{{L}})""",
    anchors={"day": 24, "week": 24, "month": 24, "year": 24, "decade": 20},
)
def _window(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """The last two years, the next three months, the past decade: a window that ends (or
    starts) at the reference date.  "Last year", "next month" (no count) are the calendar
    unit, read by `_rel_unit`; "the past decade" is ten years back."""
    unit = m.group("unit").lower()
    n_text = m.group("n")
    if n_text is None and unit != "decade":
        return None
    n = 1 if n_text is None else _count(n_text)
    if n is None or n < 1:
        return None
    if unit == "decade":
        unit, n = "year", 10 * n
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    ahead = m.group("dir").lower() in ("next", "coming")
    other = _shift(ctx.ref, unit, n if ahead else -n)
    start, end = (ctx.ref, other) if ahead else (other, ctx.ref)
    if unit == "day":  # "the next three days" are the three after today, "the last three" before
        one = dt.timedelta(days=1)
        start, end = (start + one, end) if ahead else (start, end - one)
    approx = n_text is not None and n_text.lower().startswith(("a few", "few", "several", "couple"))
    return DateHit(
        m.start(),
        m.end(),
        DateSpan(start=start, end=end, precision="range"),
        relative=True,
        qualifier="approx" if approx else "exact",
    )


@pattern(
    rf"""(?i:(?:the\s+)?(?:first|initial)\s+(?P<n>\d{{1,2}}|{_small_alt}|twelve)\s+months)(?!\s+(?i:of|in)\b)""",
    anchors={"month": 40},
)
def _first_n_months_to_date(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """In the first 10 months (no year): of the current year when they are over by the
    reference date, else of the year before."""
    n_text = m.group("n")
    n = _count(n_text)
    if n is None or not 1 <= n <= 12:
        return None
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    year = ctx.ref.year if ctx.ref.month > n else ctx.ref.year - 1
    return DateHit(m.start(), m.end(), months_span(year, 1, n), relative=True)


@pattern(
    rf"""(?i:(?:the\s+)?(?:first|initial|last|final)\s+(?P<n>\d{{1,2}}|{_small_alt}|twelve)\s+months\s+
    (?:of\s+)?)(?P<y>{YEAR}|(?i:the\s+)?(?i:last|this|next|previous|current)\s+year)""",
    anchors={"month": 40},
)
def _first_n_months(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """The first four months of this year."""
    n_text = m.group("n")
    parsed = parse_words(n_text) if not n_text.isdigit() else None
    n = int(n_text) if n_text.isdigit() else (int(parsed.value) if parsed else 0)
    if not 1 <= n <= 12:
        return None
    year, relative = _resolve_rel_year(m, ctx, "y")
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    if m.group(0).lower().lstrip("the ").startswith(("last", "final")):
        return DateHit(m.start(), m.end(), months_span(year, 13 - n, 12), relative=relative)
    return DateHit(m.start(), m.end(), months_span(year, 1, n), relative=relative)


@pattern(
    rf"""(?i:(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<unit>quarter|half)
    \s+(?:of\s+)?)(?P<y>{YEAR}|(?i:the\s+)?(?i:last|this|next|previous|current)\s+year)
    |\b(?P<qq>[QHqh][1-4])(?:\s*|\s*-\s*)(?P<y2>{YEAR})\b
    |(?<![\d.,])(?P<y3>{YEAR})(?:\s+|\s*-\s*)(?P<qq2>[QHqh][1-4])\b""",
    anchors={"quarter": 24, "half": 24, "y4": 8},
)
def _quarter(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    if m.group("qq") or m.group("qq2"):
        qq = (m.group("qq") or m.group("qq2")).upper()
        unit = "quarter" if qq[0] == "Q" else "half"
        n = int(qq[1])
        year: int | None = int(m.group("y2") or m.group("y3"))
        relative = False
    else:
        unit = m.group("unit").lower()
        n = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(
            m.group("q").lower(), int(m.group("q")[0]) if m.group("q")[0].isdigit() else 0
        )
        year, relative = _resolve_rel_year(m, ctx, "y")
    size = 3 if unit == "quarter" else 6
    if not 1 <= n <= 12 // size:
        return None
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    first = (n - 1) * size + 1
    return DateHit(
        m.start(), m.end(), months_span(year, first, first + size - 1), relative=relative
    )


# Seasons and fiscal years.  A year pair with a season word, or with a slash ("2019/20"), is
# one season across two calendar years; "FY2023", "fiscal 2023" name a fiscal year by the year
# it ends in, which only a rule's `year_starts` places in the calendar.
_SEASON_WORD = (
    r"(?i:(?:marketing|financial|fiscal|crop|budget|tax|school|academic|sporting|harvest|"
    r"heating|agricultural)\s+year|season|campaign)"
)
_FY = r"(?i:FY|fiscal(?:\s+year)?|financial\s+year)"


@pattern(
    rf"""(?:{_FY}\s*)?(?<![\d.,$€£/])(?P<a>{YEAR})\s*(?P<sep>/|-|–|—)\s*(?P<b>{YEAR}|\d{{2}})(?![\d%/])
    (?P<word>\s+{_SEASON_WORD})?
    |{_FY}[\s-]?(?P<fy>{YEAR}|\d{{2}})(?![\d%/.,]\d|\d|\s*[/-]\s*\d)
    |(?P<fy2>{YEAR})\s+(?i:fiscal|financial)\s+year""",
    anchors={"y4": 0, "FY": 0, "fiscal": 0, "financial": 0},
)
def _season(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """The 2019/20 season, the 2019-20 marketing year, FY2023, fiscal 2023, FY2022/23."""
    if m.group("a"):
        a, b_text = int(m.group("a")), m.group("b")
        b = int(b_text) if len(b_text) == 4 else (a // 100) * 100 + int(b_text)
        fy_word = m.group(0)[:1].lower() in ("f",)
        if b != a + 1 or not (m.group("word") or m.group("sep") == "/" or fy_word):
            return None  # "2010-11" is two years unless a season word or a slash says otherwise
        span = DateSpan(start=dt.date(a, 1, 1), end=dt.date(b, 12, 31), precision="range")
        return DateHit(m.start(), m.end(), span, fiscal_year=b)
    fy = m.group("fy") or m.group("fy2")
    year = int(fy) if len(fy) == 4 else 2000 + int(fy)
    return DateHit(m.start(), m.end(), None, fiscal_year=year)


_ORDINAL_PART = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2}
_ORDINAL_PART |= {"3rd": 3, "4th": 4}


@pattern(
    r"""(?i:(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<unit>quarter|half))
    (?!\s+(?i:of|century|centuries)\b)(?!\p{L})
    |(?<![\p{L}\d])(?P<qq>[QH][1-4])(?![\p{L}\d])""",
    anchors={"quarter": 24, "half": 24, "QH": 0},
)
def _quarter_alone(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """The third quarter, H1, Q3 (no year): a period, never the ordinal 3.  Its year is the
    reference date's, or the one the clause's tense points to ("rose in the fourth quarter"
    in a February article is last year's); without a reference date it stays open."""
    if m.group("qq"):
        unit = "quarter" if m.group("qq")[0] == "Q" else "half"
        n = int(m.group("qq")[1])
    else:
        unit, n = m.group("unit").lower(), _ORDINAL_PART[m.group("q").lower()]
    size = 3 if unit == "quarter" else 6
    if n > 12 // size:
        return None
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    first = (n - 1) * size + 1
    year = ctx.ref.year
    tense = tense_at(ctx.text, m.start(), m.end())
    if tense == "past" and dt.date(year, first, 1) > ctx.ref:
        year -= 1
    elif tense == "future" and dt.date(year, first + size - 1, 28) < ctx.ref:
        year += 1
    return DateHit(m.start(), m.end(), months_span(year, first, first + size - 1), relative=True)


@pattern(
    rf"""(?<![\d.,])(?P<a>{YEAR})\s*(?:-|–|—|/|~)\s*(?P<b>{YEAR}|\d{{2}})(?![\d%])""",
    anchors={"y4": 4},
)
def _year_range(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    a = int(m.group("a"))
    b_text = m.group("b")
    b = int(b_text) if len(b_text) == 4 else (a // 100) * 100 + int(b_text)
    if b <= a or b - a > 50:
        return None
    return DateHit(
        m.start(),
        m.end(),
        DateSpan(start=dt.date(a, 1, 1), end=dt.date(b, 12, 31), precision="range"),
    )


@pattern(
    rf"""(?<![\d.,/-])(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])(?![\d%]|[.,]\d|-\d)""",
    anchors={"y4": 4},
)
def _iso_month(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """2015-12: a year and a month (after year ranges, so "2010-11" stays two years)."""
    return DateHit(m.start(), m.end(), month_span(int(m.group("y")), int(m.group("m"))))


@pattern(
    rf"""(?i:(?:the\s+)?(?P<part>end|beginning|start|middle|close)\s+of\s+)
    (?:(?P<mon>{MONTH})(?:\s+(?:of\s+)?(?P<my>{YEAR}|{REL_YEAR}))?|(?P<y>{YEAR})|(?P<rel>{REL_YEAR}))""",
    anchors={"mon": 32, "y4": 32, "year": 56},
)
def _part_of(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """At the end of last year; at the end of December 2022."""
    part = {"beginning": "start", "close": "end"}.get(
        m.group("part").lower(), m.group("part").lower()
    )
    if m.group("mon"):
        return _month_part(m, ctx, part)
    if m.group("y"):
        return DateHit(m.start(), m.end(), year_span(int(m.group("y"))), part=part)
    year = relative_year(m.group("rel"), ctx.ref)
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True, part=part)
    return DateHit(m.start(), m.end(), year_span(year), relative=True, part=part)


@pattern(
    r"""(?i:(?:in\s+)?the\s+same\s+period\s+(?:of\s+)?(?:the\s+)?(?:previous|last|prior|preceding)\s+year
    |a\s+year\s+(?:earlier|before|ago)|year[-\s]on[-\s]year
    |(?:at\s+)?(?:this|the\s+same)\s+(?:point|time|stage)\s+(?:of\s+)?(?:last|a|the\s+previous)\s+year)""",
    anchors={"year": 56},
)
def _same_period_before(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    return DateHit(m.start(), m.end(), None, relative=True, shift_years=-1)


_COUNT = rf"(?:\d{{1,3}}|(?i:a|an|one|{_small_alt}|several|a\s+few|a\s+couple\s+of))"


@pattern(
    rf"""\b(?i:(?<![\d.,\-–])(?P<n>{_COUNT})\s+(?P<unit>day|week|month|year)s?\s+ago\b
    |in\s+(?P<n3>{_COUNT})\s+(?P<unit3>day|week)s?\b(?!\s+(?:of|after|before|from)\b))""",
    anchors={"ago": 40, "day": 24, "week": 24},
)
def _units_ago(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Two weeks ago; in two days: a count of units back or ahead.  "5-10 years ago" is left
    to the counts: its range of dates would block the count range the seeds' gold reads."""
    if m.group("n3"):
        counts, unit, sign = [m.group("n3")], m.group("unit3").lower(), 1
    else:
        counts, unit, sign = [m.group("n")], m.group("unit").lower(), -1
    ns = [_count(c) for c in counts]
    if any(n is None for n in ns):
        return None
    approx = unit != "day" or any(
        c.lower().startswith(("several", "a few", "a couple")) for c in counts
    )
    qualifier = "approx" if approx else "exact"
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True, qualifier=qualifier)
    days = [_shift(ctx.ref, unit, sign * n) for n in ns if n is not None]
    span = (
        day_span(days[0])
        if len(days) == 1
        else DateSpan(start=min(days), end=max(days), precision="range")
    )
    return DateHit(m.start(), m.end(), span, relative=True, qualifier=qualifier)


def _count(word: str) -> int | None:
    w = regex.sub(r"\s+", " ", word.lower())
    if w.isdigit():
        return int(w)
    if w in ("a", "an", "one"):
        return 1
    if w in ("several", "a few", "few"):
        return 3
    if w in ("a couple of", "couple of"):
        return 2
    parsed = parse_words(w)
    return int(parsed.value) if parsed and parsed.value == int(parsed.value) else None


def _shift(ref: dt.date, unit: str, n: int) -> dt.date:
    if unit == "day":
        return ref + dt.timedelta(days=n)
    if unit == "week":
        return ref + dt.timedelta(weeks=n)
    months = n if unit == "month" else 12 * n
    y, mo = divmod(ref.year * 12 + ref.month - 1 + months, 12)
    return dt.date(y, mo + 1, min(ref.day, last_day(y, mo + 1)))


_DECADE_WORDS = {
    w: 10 * i
    for i, w in enumerate(
        [
            "twenties",
            "thirties",
            "forties",
            "fifties",
            "sixties",
            "seventies",
            "eighties",
            "nineties",
        ],
        start=2,
    )
}


@pattern(
    rf"""(?i:\b(?:the\s+)?(?P<w>{"|".join(_DECADE_WORDS)})
    (?:\s+of\s+the\s+(?P<c>last|previous|past|twentieth|20th|nineteenth|19th)\s+century)?)\b""",
    anchors={"ties": 12},
)
def _decade_words(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """The nineties of the last century.  Without a century, the latest such decade before
    the reference date; with neither, left open."""
    tens = _DECADE_WORDS[m.group("w").lower()]
    c = (m.group("c") or "").lower()
    if c in ("nineteenth", "19th"):
        first = 1800 + tens
    elif c:
        first = 1900 + tens
    elif ctx.ref is not None:
        first = (ctx.ref.year // 100) * 100 + tens
        if first + 9 >= ctx.ref.year:
            first -= 100
    else:
        return DateHit(m.start(), m.end(), None, relative=True)
    span = DateSpan(start=dt.date(first, 1, 1), end=dt.date(first + 9, 12, 31), precision="range")
    return DateHit(m.start(), m.end(), span, relative=not c)


@pattern(
    rf"""(?P<mon>{MONTH})\s+(?P<d>{DAY}){ORD_SUFFIX}?(?![\d,.]*\d)(?:,?\s+(?P<y>{REL_YEAR}))?
    |(?<![\d.])(?P<d2>{DAY}){ORD_SUFFIX}?\s+(?:of\s+)?(?P<mon2>{MONTH})(?:,?\s+(?P<y2>{REL_YEAR}))?""",
    anchors={"mon": 16},
)
def _day_month(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """December 26 last year; 3 February (year from the reference date)."""
    day = int(m.group("d") or m.group("d2"))
    month = month_number(m.group("mon") or m.group("mon2"))
    if day > (29 if month == 2 else last_day(2001, month)):
        return None  # "30 February" is no date in any year, resolved or not
    rel = m.group("y") or m.group("y2")
    if rel:
        year = relative_year(rel, ctx.ref)
    else:
        year = directed_year(month, day, ctx.ref, tense_at(ctx.text, m.start(), m.end()))
    yearless = None if rel else (month, day)
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True, yearless=yearless)
    d = safe_date(year, month, day)
    if d is None:
        return None
    return DateHit(m.start(), m.end(), day_span(d), relative=True, yearless=yearless)


@pattern(
    rf"""(?P<mon>{MONTH})(?:\s*,\s*|\s+)(?:of\s+)?(?P<y>{YEAR}|{REL_YEAR})(?!\d)""",
    anchors={"mon": 4},
)
def _month_year(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """October 1992; February of this year."""
    month = month_number(m.group("mon"))
    year, relative = _resolve_rel_year(m, ctx, "y")
    if year is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    return DateHit(m.start(), m.end(), month_span(year, month), relative=relative)


@pattern(
    rf"""(?<![\d.,$€£/-])(?P<y>{YEAR})(?:\s*,\s*|\s+)(?P<mon>{MONTH})(?![\s,.]*\d)""",
    anchors={"mon": 12},
)
def _year_month(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """2016 November; 2017 April: a year-first month, as tables and datelines write it."""
    return DateHit(m.start(), m.end(), month_span(int(m.group("y")), month_number(m.group("mon"))))


@pattern(rf"""(?i:\b(?P<rel>last|this|next|past)\s+)(?P<mon>{MONTH_CAP})\b""", anchors={"mon": 20})
def _rel_month(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Last September: the most recent September before the reference month."""
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    month = month_number(m.group("mon"))
    rel = m.group("rel").lower()
    if rel in ("last", "past"):
        year = ctx.ref.year if month < ctx.ref.month else ctx.ref.year - 1
    elif rel == "next":
        year = ctx.ref.year if month > ctx.ref.month else ctx.ref.year + 1
    else:
        year = ctx.ref.year
    return DateHit(m.start(), m.end(), month_span(year, month), relative=True)


@pattern(
    r"""(?i:\b(?:the\s+)?(?P<rel>last|this|next|past|previous|current|coming)\s+
    (?P<unit>year|month|week)\b)""",
    anchors={"year": 28, "month": 28, "week": 28},
)
def _rel_unit(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    ref = ctx.ref
    if ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    rel, unit = m.group("rel").lower(), m.group("unit").lower()
    delta = -1 if rel in ("last", "past", "previous") else (1 if rel in ("next", "coming") else 0)
    if unit == "year":
        return DateHit(m.start(), m.end(), year_span(ref.year + delta), relative=True)
    if unit == "month":
        y, mo = divmod(ref.year * 12 + ref.month - 1 + delta, 12)
        return DateHit(m.start(), m.end(), month_span(y, mo + 1), relative=True)
    monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=delta)
    span = DateSpan(start=monday, end=monday + dt.timedelta(days=6), precision="range")
    return DateHit(m.start(), m.end(), span, relative=True)


@pattern(
    r"""(?i:\b(?P<w>yesterday|today|tomorrow|the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|the\s+other\s+day)\b)""",
    anchors={"day": 16, "tomorrow": 20},
)
def _rel_day(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    w = regex.sub(r"\s+", " ", m.group("w").lower())
    if ctx.ref is None:
        return DateHit(m.start(), m.end(), None, relative=True)
    ref = ctx.ref
    if w == "the other day":
        return DateHit(
            m.start(),
            m.end(),
            DateSpan(start=ref - dt.timedelta(days=7), end=ref, precision="range"),
            relative=True,
            qualifier="approx",
        )
    back = {
        "today": 0,
        "yesterday": 1,
        "the day before yesterday": 2,
        "tomorrow": -1,
        "the day after tomorrow": -2,
    }[w]
    return DateHit(m.start(), m.end(), day_span(ref - dt.timedelta(days=back)), relative=True)


@pattern(
    rf"""(?i:\b(?P<p>on|last|this|next|since|by|until|previous|coming|upcoming|past|said|told|
    announced|reported|added|confirmed|stated|wrote|denied|warned)\s+)(?P<wd>{WEEKDAY})\b(?!\s*,?\s*\(?\d)""",
    anchors={"day": 24},
)
def _weekday_alone(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """Published on Wednesday, the ministry said Monday: the latest such weekday on or before
    the reference date; "next Tuesday", "will meet on Tuesday": the first after it."""
    weekday = m.group("wd").capitalize()
    start = m.start("wd")
    if ctx.ref is None:
        return DateHit(start, m.end(), None, weekday, relative=True)
    target = weekday_number(weekday)
    p = m.group("p").lower()
    future = p in ("on", "by", "until", "this") and tense_at(ctx.text, start, m.end()) == "future"
    if p in ("next", "coming", "upcoming") or future:
        ahead = (target - ctx.ref.weekday()) % 7 or 7
        d = ctx.ref + dt.timedelta(days=ahead)
    else:
        back = (ctx.ref.weekday() - target) % 7
        if p in ("last", "previous", "past") and back == 0:
            back = 7
        d = ctx.ref - dt.timedelta(days=back)
    return DateHit(start, m.end(), day_span(d), weekday, relative=True)


@pattern(
    r"""(?i:\b(?:the\s+)?(?P<edge>early|late|mid|mid-)?\s*(?P<dec>(?:1[6-9]|20)\d0)'?s\b)""",
    anchors={"y4": 20},
)
def _decade(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """The early 1990s."""
    first = int(m.group("dec"))
    edge = (m.group("edge") or "").lower().rstrip("-")
    lo, hi = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}.get(edge, (0, 9))
    span = DateSpan(
        start=dt.date(first + lo, 1, 1), end=dt.date(first + hi, 12, 31), precision="range"
    )
    return DateHit(m.start(), m.end(), span)


@pattern(
    rf"""(?i:\b(?P<p>in|since|until|till|by|from|during|before|after|of|early|late|mid-|than)\s+)
    (?P<mon>{MONTH_CAP})\b(?![ \t]*\d)""",
    anchors={"mon": 16},
)
def _month_alone(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    """In December: the December the clause's tense points to ("began in September" in a June
    article is last September), else the nearest to the reference date."""
    month = month_number(m.group("mon"))
    start = m.start("mon")
    p = m.group("p").lower()
    tense = "past" if p == "since" else tense_at(ctx.text, m.start(), m.end())
    year = directed_year(month, None, ctx.ref, tense)
    if year is None:
        return DateHit(start, m.end(), None, relative=True, yearless=(month, None))
    return DateHit(start, m.end(), month_span(year, month), relative=True, yearless=(month, None))


@pattern(
    rf"""(?<![\d.,$€£¥₽₸#№/-]|\d\s|No\.\s?)(?P<y>{YEAR})(?![\d%]|[.,]\d|\s*(?:%|percent|per\s+cent))""",
    anchors={"y4": 4},
)
def _year(m: regex.Match[str], ctx: _Ctx) -> DateHit | None:
    return DateHit(m.start(), m.end(), year_span(int(m.group("y"))))


# Month words as anchors: the three-letter stems, kept when the word is a month (not
# "market", "decision") and "may" when it can be the month (capitalised or before a digit).
_MONTH_WORDS = frozenset([*MONTH_NAMES, *MONTH_ABBR])
_MAX_BACK: dict[str, int] = {}
for _p in _PATTERNS:
    for _kind, _back in _p.anchors.items():
        _MAX_BACK[_kind] = max(_back, _MAX_BACK.get(_kind, 0))
_MONTH_STEMS = tuple(sorted({w[:3] for w in MONTH_NAMES}))
_WORD_ANCHORS = {
    w: w
    for w in (
        "day",
        "year",
        "month",
        "week",
        "quarter",
        "half",
        "ago",
        "ties",
        "tomorrow",
        "fiscal",
        "financial",
        "ytd",
        "decade",
        "season",
    )
}
# The standard library's re scans a plain digit pattern about twice as fast as regex.
_QH_DIGITS = frozenset("1234")
_YEAR4 = re.compile(r"1[6-9]\d\d|20\d\d|2100")  # as YEAR has it
_LETTERS = regex.compile(r"\p{L}*")
_MAY_DIGIT = regex.compile(r"\s*\d")


def _find_all(haystack: str, needle: str) -> list[int]:
    out = []
    i = haystack.find(needle)
    while i >= 0:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


def _month_anchors(text: str, low: str) -> list[int]:
    out: list[int] = []
    for stem in _MONTH_STEMS:
        for i in _find_all(low, stem):
            if i and low[i - 1].isalpha():
                continue
            word = _LETTERS.match(low, i)
            w = word.group() if word else stem
            if w not in _MONTH_WORDS:
                continue
            if w == "may" and text[i] == "m" and not _MAY_DIGIT.match(text, i + 3):
                continue
            out.append(i)
    return out


class _Anchors:
    """Anchor positions in one text, found once per kind, and each pattern's windows."""

    def __init__(self, text: str) -> None:
        self.text = text
        low = text.lower()
        # str.lower can lengthen a few characters (İ); offsets must stay the text's own.
        self.low = low if len(low) == len(text) else _ascii_lower(text)
        self._positions: dict[str, list[int]] = {}
        self._runs: dict[str, list[tuple[int, int, int]]] = {}
        self._groups: dict[str, dict[int, list[tuple[int, int]]]] = {}

    def positions(self, kind: str) -> list[int]:
        found = self._positions.get(kind)
        if found is None:
            if kind == "mon":
                found = _month_anchors(self.text, self.low)
            elif kind == "y4":
                found = [m.start() for m in _YEAR4.finditer(self.text)]
            elif kind == "QH":  # "Q3", "H1" alone: capitals only
                # A needle ending in a digit is slow to find; the capital letter alone is fast.
                text = self.text
                found = sorted(
                    i
                    for ch in "QH"
                    for i in _find_all(text, ch)
                    if text[i + 1 : i + 2] in _QH_DIGITS
                )
            elif kind == "FY":  # "FY23": only as a capitalised abbreviation
                text = self.text
                found = sorted(
                    i
                    for i in _find_all(text, "FY") + _find_all(text, "Fy")
                    if not (i and text[i - 1].isalpha())
                )
            else:
                found = _find_all(self.low, _WORD_ANCHORS[kind])
            self._positions[kind] = found
        return found

    def starts(self, p: _Pattern) -> list[int]:
        """Where a match of `p` can begin, in order: the starts of letter and digit runs at most
        `back` characters before one of its anchors, whose first three characters can begin a
        match of `p`.  Runs are grouped by their begin mask, of which a text has a few hundred,
        so a pattern skips whole groups that cannot begin it instead of testing every run."""
        bit = p.bit
        found: list[int] = []
        for kind, back in p.anchors.items():
            for mask, runs in self._by_mask(kind).items():
                if mask & bit:
                    found.extend([x for x, gap in runs if gap <= back])
        return sorted(set(found)) if len(p.anchors) > 1 else sorted(found)

    def _by_mask(self, kind: str) -> dict[int, list[tuple[int, int]]]:
        """`_runs_of(kind)` grouped by begin mask: (start, distance to the anchor) each."""
        groups = self._groups.get(kind)
        if groups is None:
            groups = self._groups[kind] = {}
            for x, gap, mask in self._runs_of(kind):
                groups.setdefault(mask, []).append((x, gap))
        return groups

    def _runs_of(self, kind: str) -> list[tuple[int, int, int]]:
        """Run starts at most _MAX_BACK[kind] before an anchor of `kind`, each with its distance
        to the nearest anchor after it and its begin mask: found once per kind, then filtered
        per pattern."""
        runs = self._runs.get(kind)
        if runs is None:
            runs = self._runs[kind] = []
            text, back, last = self.text, _MAX_BACK[kind], -1
            for a in sorted(self.positions(kind)):
                lo = max(a - back, last + 1)
                if lo <= a:
                    for m in _RUN_STARTS.finditer(text, lo, a + 1):
                        x = m.start()
                        runs.append((x, a - x, _begin_mask(text[x : x + 3])))
                    last = a
        return runs


# One to three characters -> the patterns a match can begin with them, as bits.  regex's
# partial matching decides, once per triple; it does not see lookbehinds, so it errs on the
# side of trying.  Bounded, since hostile text can hold any number of distinct triples.
_BEGIN_MASKS: dict[str, int] = {}
_MAX_MASKS = 100_000


def _begin_mask(triple: str) -> int:
    mask = _BEGIN_MASKS.get(triple)
    if mask is None:
        # Only the patterns that can begin with the first character are asked about all three.
        mask = _begin_mask(triple[0]) if len(triple) > 1 else (1 << len(_PATTERNS)) - 1
        for p in _PATTERNS:
            if mask & p.bit and p.rx.match(triple, partial=True) is None:
                mask &= ~p.bit
        if len(_BEGIN_MASKS) < _MAX_MASKS:
            _BEGIN_MASKS[triple] = mask
    return mask


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


class _Taken:
    """Disjoint claimed spans, sorted, so an overlap test is a bisection, not a scan."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return False
        return i == len(self.starts) or self.starts[i] >= end

    def covers(self, at: int) -> bool:
        """Whether a claimed span holds position `at`: no match beginning there can be free."""
        i = bisect.bisect_right(self.starts, at)
        return i > 0 and self.ends[i - 1] > at

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def find_dates(text: str, ref: dt.date | None) -> Iterator[DateHit]:
    """Every date, period and relative date in `text`, leftmost-longest, no overlaps."""
    ctx = _Ctx(text, ref)
    anchors = _Anchors(text)
    taken = _Taken()
    hits: list[DateHit] = []
    for p in _PATTERNS:
        # Leftmost first, as a search would go; after a refused match the next start is tried,
        # so "Septembersince 2002" still yields the year a longer, rejected match covered.
        pos = 0
        for start in anchors.starts(p):
            if start < pos or taken.covers(start):
                continue
            m = p.rx.match(text, start)
            if m is None:
                continue
            hit = p.handler(m, ctx) if taken.free(m.start(), m.end()) else None
            if hit is None:
                continue
            taken.add(hit.start, hit.end)
            hits.append(hit)
            pos = max(m.end(), m.start() + 1)
    hits.sort(key=lambda h: (h.start, h.end))
    yield from carry_years(hits)


# How far back a full date lends its year to a month and day stated without one.
CARRY_CHARS = 400


def carry_years(hits: list[DateHit]) -> list[DateHit]:
    """A month (and day) stated without a year takes its year from the nearest full date before
    it, within CARRY_CHARS: "On 12 July 2019 ... On 13 July" is 13 July 2019 whatever the
    article's date; "On 28 December 2019 ... on 3 January" is 3 January 2020 (the nearest)."""
    out: list[DateHit] = []
    anchor: DateHit | None = None
    for h in hits:
        if (
            h.yearless is not None
            and anchor is not None
            and anchor.span is not None
            and h.start - anchor.end <= CARRY_CHARS
        ):
            month, day = h.yearless
            year = nearest_year(month, day, anchor.span.start)
            assert year is not None
            span: DateSpan | None
            if day is None:
                span = month_span(year, month)
            else:
                d = safe_date(year, month, day)
                span = day_span(d) if d else None
            if span is not None:
                h = replace(h, span=span, relative=False)
        elif h.span is not None and not h.relative and h.span.precision in ("day", "month"):
            anchor = h
        out.append(h)
    return out

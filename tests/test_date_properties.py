"""Property tests for dates: every supported style reads back to the date it was written
from, relative wording resolves consistently for any publication date, and the anchored
window scan of find_dates finds exactly what a scan of the whole text finds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.extract.dates import (
    _PATTERNS,
    MONTH_ABBR,
    DateHit,
    carry_years,
    find_dates,
    last_day,
)

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
ABBR = {n: a.capitalize() for a, n in MONTH_ABBR.items() if a != "sept"}


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


STYLES: dict[str, Callable[[dt.date], str]] = {
    "day month year": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "zero day month year": lambda d: f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}",
    "ordinal of month, year": lambda d: f"{ordinal(d.day)} of {MONTHS[d.month - 1]}, {d.year}",
    "month day, year": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "month ordinal, year": lambda d: f"{MONTHS[d.month - 1]} {ordinal(d.day)}, {d.year}",
    "abbreviated": lambda d: f"{d.day} {ABBR.get(d.month, 'May')} {d.year}",
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "iso": lambda d: d.isoformat(),
    "month word numeric": lambda d: f"{d.day:02d}-{ABBR.get(d.month, 'May')}-{d.year}",
    "weekday, day month year": lambda d: f"{d:%A}, {d.day} {MONTHS[d.month - 1]} {d.year}",
}
# Numeric styles read four-digit years of the 1900s and 2000s only; words take 1600-2100.
NUMERIC = {"dd.mm.yyyy", "d.m.yyyy", "iso"}


def only_hit(text: str, ref: dt.date | None) -> DateHit:
    hits = list(find_dates(text, ref))
    assert len(hits) == 1, (text, hits)
    return hits[0]


@settings(max_examples=300, deadline=None)
@given(
    d=st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(2100, 12, 31)),
    style=st.sampled_from(sorted(STYLES)),
    ref=st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)
def test_a_written_date_reads_back_to_itself(d: dt.date, style: str, ref: dt.date | None) -> None:
    if style in NUMERIC and not 1900 <= d.year <= 2099:
        d = d.replace(year=1900 + d.year % 200)
    written = STYLES[style](d)
    text = f"It was signed on {written} in Almaty."
    hit = only_hit(text, ref)
    assert text[hit.start : hit.end].endswith(written)
    assert hit.span is not None and hit.span.precision == "day"
    assert (hit.span.start, hit.span.end) == (d, d)
    assert not hit.relative


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(1600, 2100),
    month=st.integers(1, 12),
    ref=st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)
def test_a_month_and_year_read_back_to_the_whole_month(
    year: int, month: int, ref: dt.date | None
) -> None:
    hit = only_hit(f"prices rose in {MONTHS[month - 1]} {year}, the data show", ref)
    assert hit.span is not None and hit.span.precision == "month"
    assert hit.span.start == dt.date(year, month, 1)
    assert hit.span.end == dt.date(year, month, last_day(year, month))


REF_DATES = st.dates(min_value=dt.date(1900, 2, 1), max_value=dt.date(2099, 11, 30))


@settings(max_examples=200, deadline=None)
@given(ref=REF_DATES, word=st.sampled_from(["last", "previous", "past", "this", "next"]))
def test_relative_years_resolve_against_any_publication_date(ref: dt.date, word: str) -> None:
    delta = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1}[word]
    hit = only_hit(f"Turnover grew {word} year, officials said.", ref)
    assert hit.relative and hit.span is not None
    y = ref.year + delta
    assert (hit.span.start, hit.span.end) == (dt.date(y, 1, 1), dt.date(y, 12, 31))
    open_hit = only_hit(f"Turnover grew {word} year, officials said.", None)
    assert open_hit.relative and open_hit.span is None


@settings(max_examples=200, deadline=None)
@given(ref=REF_DATES, day=st.integers(1, 31), n=st.integers(1, 12))
def test_relative_days_and_parts_of_a_year_follow_the_reference(
    ref: dt.date, day: int, n: int
) -> None:
    last = only_hit(f"on December {day} last year, the minister said", ref)
    assert last.span is not None and last.span.start == dt.date(ref.year - 1, 12, day)
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve"]  # fmt: skip
    first = only_hit(f"in the first {words[n - 1]} months of this year", ref)
    assert first.span is not None
    assert first.span.start == dt.date(ref.year, 1, 1)
    assert first.span.end == dt.date(ref.year, n, last_day(ref.year, n))
    end = only_hit("at the end of last year", ref)
    assert end.part == "end" and end.span is not None and end.span.start.year == ref.year - 1


@settings(max_examples=200, deadline=None)
@given(ref=REF_DATES, month=st.integers(1, 12))
def test_a_month_named_alone_is_the_nearest_such_month(ref: dt.date, month: int) -> None:
    hit = only_hit(f"the talks in {MONTHS[month - 1]}: a preview", ref)  # no tense
    assert hit.span is not None and hit.relative
    middle = hit.span.start + dt.timedelta(days=14)
    assert abs((middle - ref).days) <= 200


@settings(max_examples=200, deadline=None)
@given(ref=REF_DATES, month=st.integers(1, 12))
def test_a_month_named_alone_follows_the_tense(ref: dt.date, month: int) -> None:
    past = only_hit(f"the talks were held in {MONTHS[month - 1]}", ref)
    assert past.span is not None and past.span.start <= ref
    assert (ref - past.span.start).days < 366
    future = only_hit(f"the talks will be held in {MONTHS[month - 1]}", ref)
    assert future.span is not None and future.span.end >= ref
    assert (future.span.end - ref).days < 366


# ------------------------------------------------------- windows scan == whole-text scan

FRAGMENTS = [
    "since 2002", "October 22, 1992", "24.01.2023", "January 24.01.2023", "03 February 2023",
    "Friday (3 February)", "January-November 2022", "the first four months of this year",
    "between May and October this year", "last year", "at the end of last year",
    "December 26 last year", "last September", "the other day", "No. 11-7", "COVID-19",
    "$2023 million", "10:31", "may", "march", "Marat", "market", "decision", "in December",
    "Q1 2023", "2010-2015", "the early 1990s", "3-4 February 2023", "from 1 to 15 March",
    "two weeks ago", "tomorrow", "on Wednesday", "next week", "the same period the previous year",
    "between 2015 and 2018", "05-Aug-2016", "2015-12", "the nineties of the last century",
    "34,9%", "22 billion", "Trade", "grew", "and", "with", "of", "the", "year", "month", "day",
    "2022", "1992", "12", "(", ")", ",", ".", "-",
    "so far this year", "FY2023", "fiscal 2023", "2019/20 season", "mid-November", "early 2022",
    "the last two years", "the past decade", "since July 1", "said Monday", "will", "met",
    "YTD", "at this point last year", "the first 10 months",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", ", ", ". ", " (", ") ", "-", "/", ""]


def full_scan(text: str, ref: dt.date | None) -> list[DateHit]:
    """find_dates before its anchors: every pattern over all of the text."""
    from factcheck.extract.dates import _Ctx

    ctx = _Ctx(text, ref)
    taken: list[tuple[int, int]] = []
    hits: list[DateHit] = []
    for p in _PATTERNS:
        pos = 0
        while (m := p.rx.search(text, pos)) is not None:
            free = not any(m.start() < e and s < m.end() for s, e in taken)
            hit = p.handler(m, ctx) if free else None
            if hit is None:
                pos = m.start() + 1  # a refused match may hide a shorter one inside it
                continue
            taken.append((hit.start, hit.end))
            hits.append(hit)
            pos = max(m.end(), m.start() + 1)
    return carry_years(sorted(hits, key=lambda h: (h.start, h.end)))


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), max_size=25),
    ref=st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)
def test_window_scan_finds_what_a_whole_scan_finds(
    parts: list[tuple[str, str]], ref: dt.date | None
) -> None:
    text = "".join(f + s for f, s in parts)
    assert list(find_dates(text, ref)) == full_scan(text, ref)


def test_anchor_offsets_survive_characters_that_lengthen_when_lowered() -> None:
    # "İ".lower() is two characters; anchors must still point into the original text.
    text = "İİİİ İstanbul, 3 February 2023 and January-November 2022"
    got = [text[h.start : h.end] for h in find_dates(text, None)]
    assert got == ["3 February 2023", "January-November 2022"]
    assert regex.search("İ", text)

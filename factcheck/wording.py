"""How a figure, a period, a date or a source is worded for a reader: the one place for it.

Checks word their explanations with it and every human-readable report (Markdown, HTML, the
gate's text and annotations) words claims with it, so a figure reads the same everywhere and
the way a journalist writes it: "$22.2 bn (22.15–22.25)", "January–November 2022",
"22 October 1992", "about 8,000 (7,600–8,400)", "over $26 bn".  Ids (claim, source, metric)
are not words: reports keep them beside these, for scripts, never instead of them.  Nothing
here ever returns "None": a missing piece is left out or said with `NONE`.

Currency symbols come from CLDR (Babel): "$" for USD, "€" for EUR, "RUB" where English has
no symbol of its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from typing import get_args

from factcheck import cldr
from factcheck.models import Claim, Period, SourceInfo
from factcheck.spec import MonthName

NONE = "—"
DASH = "–"  # an en dash joins the ends of a range: "22.15–22.25", "January–November"

MONTHS: tuple[str, ...] = get_args(MonthName)  # the rule format's month names, in order
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
_LONG_SCALE = {"tn": "trillion", "bn": "billion", "m": "million"}
_QUALIFIER = {"approx": "about ", "over": "over ", "under": "under "}
_NON_CURRENCY = {"percent", "pp", "count", "rank", "year", "date", "entities"}


@functools.lru_cache(maxsize=256)
def currency_symbol(unit: str) -> str | None:
    """CLDR's English symbol of an ISO 4217 code ('$' for USD), None for what is no currency."""
    if unit in _NON_CURRENCY or len(unit) != 3 or not unit.isupper():
        return None
    # Babel's get_currency_symbol(unit, locale="en"), from the committed CLDR tables.
    symbol: str = cldr.table()["english_symbols"].get(unit, unit)
    return symbol


def _digits(v: float, sig: int = 4) -> str:
    """A number as few digits as say it: 22.2, 22.15, 3,348, 0.5."""
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{v:,.0f}"
    return f"{v:,.{sig}g}" if abs(v) >= 1 else f"{v:.{sig}g}"


def _scale(v: float) -> tuple[float, str]:
    for scale, word in _SCALES:
        if abs(v) >= scale:
            return scale, word
    return 1.0, ""


def number_words(v: float, unit: str | None, scale: tuple[float, str] | None = None) -> str:
    """'$22.2 bn', 'RUB 1.5 tn', '6.8%', '5 pp', '8,000', '28th' for a rank."""
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞"
    if unit == "percent":
        return f"{_digits(v)}%"
    if unit == "pp":
        return f"{_digits(v)} pp"
    if unit == "rank":
        return _ordinal(int(v)) if float(v).is_integer() else _digits(v)
    if unit in (None, "count"):
        return _digits(v)
    factor, word = scale if scale is not None else _scale(v)
    amount = _digits(v / factor) + (f" {word}" if word else "")
    symbol = currency_symbol(unit)
    if symbol is None:
        # Not money: "8.1 million t", "85,000 barrel / day" (the short scale words are money's).
        return f"{_digits(v / factor)}{' ' + _LONG_SCALE[word] if word else ''} {unit}"
    return f"{symbol}{amount}" if len(symbol) == 1 else f"{symbol} {amount}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_words(d: dt.date) -> str:
    """'22 October 1992'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def iso_date_words(text: str) -> str:
    """An ISO date at its precision in words: '2002', 'October 1992', '22 October 1992'."""
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return str(int(parts[0]))
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        return date_words(dt.date.fromisoformat(text))
    except (ValueError, IndexError):
        return text


@functools.lru_cache(maxsize=4096)
def span_words(start: dt.date, end: dt.date) -> str:
    """A span of days in words: '2022', 'January–November 2022', 'November 2022',
    'October 2019–June 2020', '2019/20 (July 2019–June 2020)' for twelve months across two
    years, '3 March 2021', '3–10 March 2021', '28 February–3 March 2021'."""
    whole_months = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    if whole_months:
        if start.year == end.year:
            if (start.month, end.month) == (1, 12):
                return str(start.year)
            if start.month == end.month:
                return f"{MONTHS[start.month - 1]} {start.year}"
            return f"{MONTHS[start.month - 1]}{DASH}{MONTHS[end.month - 1]} {start.year}"
        if (start.month, end.month) == (1, 12):
            return f"{start.year}{DASH}{end.year}"
        months = f"{MONTHS[start.month - 1]} {start.year}{DASH}{MONTHS[end.month - 1]} {end.year}"
        if end.year == start.year + 1 and end.month == start.month - 1:
            # Twelve months across two years: a season or fiscal year, as '2019/20' says it.
            return f"{start.year}/{end.year % 100:02d} ({months})"
        return months
    if start == end:
        return date_words(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{DASH}{end.day} {MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]}{DASH}{date_words(end)}"
    return f"{date_words(start)}{DASH}{date_words(end)}"


def period_words(p: Period | None) -> str:
    return span_words(p.start, p.end) if p is not None else NONE


def members_words(members: Sequence[str]) -> str:
    """'Armenia, Belarus and Kazakhstan'."""
    if len(members) <= 1:
        return "".join(members) or NONE
    return ", ".join(members[:-1]) + " and " + members[-1]


def value_words(c: Claim) -> str:
    """What the claim says, as it would be written: 'about 8,000', 'over $26 bn', '2002'."""
    if c.members:
        return members_words(c.members)
    if isinstance(c.value, str):
        return iso_date_words(c.value)
    return _QUALIFIER.get(c.qualifier, "") + number_words(float(c.value), c.unit)


def interval_words(c: Claim, *, bare: bool = False) -> str:
    """The interval the claim's wording allows: '$22.15–22.25 bn', '26 bn or more', '2002'.

    `bare` leaves out the unit and scale the value already shows ('22.15–22.25'), for the
    journalist's form `claim_words` gives.  A list of members has no interval: ''.
    """
    if c.members:
        return ""
    low, high = c.low, c.high
    if isinstance(c.value, str):
        return _date_interval(c.value, low, high)
    value = float(c.value)
    lo = -math.inf if low is None else float(low)
    hi = math.inf if high is None else float(high)
    finite = [x for x in (value, lo, hi) if math.isfinite(x) and x != 0]
    scale = _scale(max(map(abs, finite))) if finite else (1.0, "")
    if bare:
        return _bare_range(lo, hi, c.unit, scale)
    if not math.isfinite(hi) and math.isfinite(lo):
        return f"{number_words(lo, c.unit)} or more"
    if not math.isfinite(lo) and math.isfinite(hi):
        return f"up to {number_words(hi, c.unit)}"
    if lo == hi:
        return number_words(lo, c.unit)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "any value"
    # '$22.15–22.25 bn': the unit and scale once, around both ends.
    whole = number_words(hi, c.unit, scale)
    top = _bare_number(hi, c.unit, scale)
    return whole.replace(top, f"{_bare_number(lo, c.unit, scale)}{_joiner(lo, hi)}{top}", 1)


def _bare_number(v: float, unit: str | None, scale: tuple[float, str]) -> str:
    if unit in ("percent", "pp", "count", "rank", None):
        return _digits(v)
    return _digits(v / scale[0])


def _bare_range(lo: float, hi: float, unit: str | None, scale: tuple[float, str]) -> str:
    if not math.isfinite(hi) and math.isfinite(lo):
        return f"{_bare_number(lo, unit, scale)} or more"
    if not math.isfinite(lo) and math.isfinite(hi):
        return f"up to {_bare_number(hi, unit, scale)}"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "any value"
    if lo == hi:
        return _bare_number(lo, unit, scale)
    return f"{_bare_number(lo, unit, scale)}{_joiner(lo, hi)}{_bare_number(hi, unit, scale)}"


def _joiner(lo: float, hi: float) -> str:
    """An en dash between the ends of a range, 'to' where an end is negative ('-2.55 to -2.45')."""
    return " to " if lo < 0 or hi < 0 else DASH


def _date_interval(value: str, low: float | str | None, high: float | str | None) -> str:
    if not isinstance(low, str) or not isinstance(high, str):
        first = iso_date_words(low) if isinstance(low, str) else None
        last = iso_date_words(high) if isinstance(high, str) else None
        if first and not last:
            return f"{first} or later"
        if last and not first:
            return f"{last} or earlier"
        return iso_date_words(value)
    try:
        start, end = dt.date.fromisoformat(low), dt.date.fromisoformat(high)
    except ValueError:
        return f"{low}{DASH}{high}"
    return span_words(start, end)


def claim_words(c: Claim) -> str:
    """A claim's value as a journalist writes it, the interval after it where it says more:
    '$22.2 bn (22.15–22.25)', 'about 8,000 (7,600–8,400)', '2002', 'over $26 bn'."""
    value = value_words(c)
    if c.members or isinstance(c.value, str):
        return value
    bare = interval_words(c, bare=True)
    if bare in ("", _bare_number(float(c.value), c.unit, _scale(float(c.value)))):
        return value
    if (c.qualifier == "over" and c.high is None) or (c.qualifier == "under" and c.low is None):
        return value  # "over $26 bn" says its interval already
    return f"{value} ({bare})"


def modality_words(c: Claim) -> str:
    """'' for a figure stated as fact, else 'forecast' or 'target'."""
    return "" if c.modality == "actual" else c.modality


def source_date_words(info: SourceInfo | None) -> str:
    """'2 February 2023', 'as of 31 January 2023', or ''."""
    if info is None:
        return ""
    if info.published:
        return date_words(info.published)
    return f"as of {date_words(info.as_of)}" if info.as_of else ""


def outlet_words(info: SourceInfo | None, source_id: str) -> str:
    """The outlet a reader recognises, else the article's file name."""
    if info is not None and info.outlet:
        return info.outlet
    if info is not None and info.path:
        return info.path.replace("\\", "/").rsplit("/", 1)[-1]
    return source_id


def source_words(info: SourceInfo | None, source_id: str) -> str:
    """'caliber.az, 3 February 2023': outlet and date, as a citation reads."""
    when = source_date_words(info)
    who = outlet_words(info, source_id)
    return f"{who}, {when}" if when else who


def metric_words(metric: str, description: str = "") -> str:
    """A finding's title: the metric's description when the rules give one, else its id."""
    return description.strip().rstrip(".") or metric.replace("_", " ")


def subject_words(subject: Iterable[str]) -> str:
    return members_words(list(subject)) if subject else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"

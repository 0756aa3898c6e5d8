"""Frozen records that flow through the pipeline: Source → Mention → Claim → Finding → Report.

Every record is an immutable pydantic model, so a stage can be run in another process (or on a
cluster) and its output serialised and merged without loss.  Values are intervals: a stated
figure carries its precision ("$22.2 billion" is [22.15e9, 22.25e9] USD) and a date carries the
span it covers ("October 1992" is 1992-10-01..1992-10-31).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

SCHEMA_VERSION = "1.0"

MentionKind = Literal[
    "money", "percent", "measure", "count", "ordinal", "year", "date", "period"
]  # a measure: a physical quantity ("620 km"), its unit pint's name
Qualifier = Literal["exact", "approx", "over", "under"]
Modality = Literal["actual", "forecast", "target"]
Precision = Literal["year", "month", "day", "range"]
Status = Literal["conflict", "agreement"]
Severity = Literal["error", "warning", "info"]
# Where an article's date came from: the sources file, the article's header line, its byline,
# a wire dateline ("LONDON, March 5 (Reuters) -"), the document's own metadata (a page's <meta> or JSON-LD, a dump's date
# field), or nowhere.
PublishedFrom = Literal["sources-file", "header", "byline", "dateline", "metadata", "none"]


def _day(v: object) -> object:
    # `published: 2023-02-02 08:00:00` is how a person writes a time, and YAML reads it as a
    # datetime; the day it falls on, as written, is what a report dates an article by.
    return v.date() if isinstance(v, dt.datetime) else v


Day = Annotated[dt.date, BeforeValidator(_day)]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Record):
    """Where a piece of text stands in its source: offsets (end exclusive) and 1-based line:column."""

    start: int
    end: int
    line: int
    column: int


class Quantity(Record):
    """A number with its unit and the interval its wording allows."""

    # "over $26 billion" ends at infinity: JSON has no such number, so it is written "Infinity"
    # and read back, and a mention survives the trip to another process.
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    value: float
    low: float
    high: float
    unit: str  # "USD", "RUB", ..., "percent", "count", "rank", or pint's name ("kilometer")

    def overlaps(self, other: Quantity, tolerance: float = 0.0) -> bool:
        return intervals_overlap((self.low, self.high), (other.low, other.high), tolerance)


class DateSpan(Record):
    """A calendar span at the precision the text gives: a year, a month, a day or a range."""

    start: dt.date
    end: dt.date
    precision: Precision

    @property
    def label(self) -> str:
        """ISO text at the stated precision: '2002', '1992-10', '1992-10-22', '2022-01/2022-11'."""
        return span_label(self.start, self.end, self.precision)

    def ordinals(self) -> tuple[float, float]:
        return float(self.start.toordinal()), float(self.end.toordinal())


class Mention(Record):
    """A numeric or dated expression found in a source, before any rule says what it is about."""

    source: str
    kind: MentionKind
    text: str
    span: Span
    quantity: Quantity | None = None
    # The same figure restated in another unit in one breath: "1.5 trillion rubles ($15.6 bln)".
    alternatives: tuple[Quantity, ...] = ()
    date: DateSpan | None = None
    qualifier: Qualifier = "exact"
    weekday: str | None = None  # stated weekday, e.g. "Friday" in "Friday (3 February)"
    relative: bool = False  # worded relative to the article's date ("last year")
    resolved: bool = True  # False when relative and the source has no reference date
    part: Literal["start", "end", "middle"] | None = None  # "at the end of last year"
    shift_years: int | None = (
        None  # "the same period the previous year": the sentence's period, shifted
    )
    furniture: bool = False  # page furniture: view counters, calendar widgets, footers
    # A season or fiscal year by the calendar year it ends in ("2019/20 season", "FY2023"):
    # the binder places it by the rule's `year_starts`; `date` is the two calendar years it
    # can lie in ("2019/20"), or None when the text alone does not say ("FY2023").
    fiscal_year: int | None = None
    # "So far this season", "fiscal year to date": from the start of the rule's season or
    # fiscal year (`year_starts`) to the article's date, placed by the binder.
    season_to_date: bool = False

    @property
    def sort_key(self) -> tuple[str, int, int]:
        return (self.source, self.span.start, self.span.end)


class Source(Record):
    """One article as read from disk, with its metadata."""

    id: str  # file stem
    path: str
    text: str
    encoding: str
    sha256: str
    outlet: str | None = None
    url: str | None = None
    title: str | None = None  # the headline, where the page or the record gives it
    published: Day | None = None
    published_from: PublishedFrom = "none"
    # Estimated date the article speaks from, for undated articles (sources file `as_of`).
    as_of: Day | None = None
    furniture: tuple[tuple[int, int], ...] = ()
    # What finding the date raised ("03/05/2021" read either way, a dateline with no year...),
    # each "line:column: message" (factcheck.extract.dateline).
    date_warnings: tuple[str, ...] = ()

    @property
    def reference_date(self) -> dt.date | None:
        return self.published or self.as_of


class SourceInfo(Record):
    """What the report says about a source (no text)."""

    id: str
    path: str
    encoding: str
    sha256: str
    outlet: str | None = None
    url: str | None = None
    title: str | None = None  # the headline, where the page or the record gives it
    published: Day | None = None
    as_of: Day | None = None
    published_from: PublishedFrom = "none"
    # Warnings about the article's date, each "path:line:column: message" (see Source).
    warnings: tuple[str, ...] = ()


class Period(Record):
    start: dt.date
    end: dt.date

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def shifted_years(self, years: int) -> Period:
        return Period(start=shift_years(self.start, years), end=shift_years(self.end, years))

    @property
    def label(self) -> str:
        return span_label(self.start, self.end, "range")

    @property
    def moment_label(self) -> str:
        """An as-of date: '2021-03-05' for one day, '2021-03' for a month, '2021' for a year,
        else the span's label."""
        start, end = self.start, self.end
        if start == end:
            return start.isoformat()
        if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
            if (start.year, start.month) == (end.year, end.month):
                return span_label(start, end, "month")
            if (start.month, end.month, start.year) == (1, 12, end.year):
                return span_label(start, end, "year")
        return self.label


@functools.lru_cache(maxsize=4096)
def span_label(start: dt.date, end: dt.date, precision: Precision) -> str:
    """A span's ISO text at its precision (no record is built: reports ask for many, and of
    few distinct spans, hence the memo)."""
    if precision == "year":
        return f"{start.year:04d}"
    if precision == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if precision == "day":
        return start.isoformat()
    whole_months = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    if whole_months:
        return f"{start:%Y-%m}/{end:%Y-%m}"
    return f"{start.isoformat()}/{end.isoformat()}"


def shift_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class Claim(Record):
    """A mention bound to a metric, a subject, a period and a modality: something that can be wrong.

    `value`, `low` and `high` are numbers for quantities and ISO strings for dates (at their
    stated precision), as the JSON report contract has them.
    """

    id: str
    source: str
    metric: str
    subject: tuple[str, ...] = ()
    value: float | str
    unit: str | None = None
    low: float | str | None  # None: unbounded ("over $26 billion" has no upper end)
    high: float | str | None
    period: Period | None = None
    qualifier: Qualifier = "exact"
    modality: Modality = "actual"
    quote: str
    line: int
    column: int
    start: int
    end: int
    weekday: str | None = None
    rate: str | None = None  # the exchange rate (its id in the rules) the value was converted at
    # For a metric in `entities`: the entity ids a list names ("Its members are A, B and C").
    members: tuple[str, ...] = ()
    # Who states or measured the figure, when the sentence says so ("according to OCHA",
    # "the World Bank estimates"): a body's entity id, else the words naming it.
    attribution: str | None = None
    # For a stock or running total: the moment the level holds at ("as of 3 March", "so far":
    # the article's date), a span when the text gives one ("by mid-November", "in 2022").
    as_of: Period | None = None

    @property
    def is_date(self) -> bool:
        return isinstance(self.value, str) and not self.members

    def interval(self) -> tuple[float, float]:
        """The claim's interval as numbers (dates as proleptic ordinals of first and last day)."""
        if self.members:
            return float(len(self.members)), float(len(self.members))
        return _as_number(self.low, -math.inf), _as_number(self.high, math.inf)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.source, self.start, self.end, self.metric)


def _as_number(x: float | str | None, unbounded: float) -> float:
    if x is None:
        return unbounded
    if isinstance(x, str):
        return float(dt.date.fromisoformat(x).toordinal())
    return float(x)


class Finding(Record):
    """The outcome of one check over one group of claims: they agree, or they cannot all hold."""

    rule: str
    kind: str
    status: Status
    severity: Severity = "error"
    metric: str
    subject: tuple[str, ...] = ()
    period: Period | None = None
    claims: tuple[str, ...]
    known_fact: bool = False
    fact: str | None = None
    message: str
    explanation: str = ""


class Unbound(Record):
    """A number seen in content but bound to no metric: what the rules missed."""

    source: str
    kind: MentionKind
    text: str
    line: int
    column: int
    # Why a figure a metric took made no claim, where the binder knows: "no period for
    # trade_turnover" (the metric says `period: required`), "no exchange rate RUB→USD for
    # 2022".  Empty for a number no metric took.
    reason: str = ""


class Report(Record):
    schema_version: str = SCHEMA_VERSION
    rules_sha256: str = ""
    sources: tuple[SourceInfo, ...] = ()
    claims: tuple[Claim, ...] = ()
    findings: tuple[Finding, ...] = ()
    unbound: tuple[Unbound, ...] = Field(
        default=(), description="coverage: content numbers no rule bound"
    )
    warnings: tuple[str, ...] = ()


def intervals_overlap(
    a: tuple[float, float], b: tuple[float, float], tolerance: float = 0.0
) -> bool:
    """Closed intervals overlap once each is widened by `tolerance` (relative, e.g. 0.01 = 1 %)."""
    a_low, a_high = widen(a, tolerance)
    b_low, b_high = widen(b, tolerance)
    return a_low <= b_high and b_low <= a_high


def widen(iv: tuple[float, float], tolerance: float) -> tuple[float, float]:
    low, high = iv
    if tolerance <= 0:
        return low, high
    d_low = abs(low) * tolerance if math.isfinite(low) else 0.0
    d_high = abs(high) * tolerance if math.isfinite(high) else 0.0
    return low - d_low, high + d_high

"""What every check kind shares: its spec base model and the context it runs in."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field, field_validator

from factcheck.models import Claim, Finding, Period, Severity, Status, widen
from factcheck.spec import (
    FactSpec,
    Id,
    MetricSpec,
    Strict,
    ToleranceText,
    check_tolerance,
    read_quantity,
    tolerance_fraction,
    tolerance_text,
)
from factcheck.units import UnitError
from factcheck.wording import interval_words, number_words, span_words, value_words

# Interval ends come from float arithmetic (22.2e9 + 0.05e9); a hair of relative slack keeps
# two intervals that touch on paper ("$22.2 billion" and "$22.3 billion") touching.
FLOAT_SLACK = 1e-9
DATE_UNITS = ("year", "date")


# For stocks: as-of dates this many days apart are one moment (agreement), or not yet an
# earlier and a later one (running_total).
AsOfToleranceDays = Annotated[
    int,
    Field(
        ge=0,
        le=3660,
        description="for a stock: as-of dates at most this many days apart count as one moment",
    ),
]


class CheckSpec(Strict):
    """Fields every check has; each kind adds its own and a `kind` literal."""

    id: Id
    severity: Severity = "error"
    description: str = ""
    tolerance: ToleranceText = Field(
        default="0", description="relative tolerance added to each interval, e.g. '1 percent'"
    )

    @field_validator("tolerance", mode="before")
    @classmethod
    def _tolerance(cls, v: object) -> object:
        return check_tolerance(tolerance_text(v))

    @property
    def tolerance_fraction(self) -> float:
        return fraction(self.tolerance)


@functools.lru_cache(maxsize=1024)
def fraction(text: str) -> float:
    """`spec.tolerance_fraction`, remembered: pint parses the text, which costs far more than a
    check does with a claim, and the rule set holds only a handful of distinct tolerances."""
    return tolerance_fraction(text)


def spread(iv: tuple[float, float], tolerance: float, is_date: bool = False) -> tuple[float, float]:
    """An interval widened by a relative tolerance.

    Dates are never widened: a relative tolerance of a day's ordinal number means nothing, and a
    date's stated precision (the whole year 2002) already is its interval.
    """
    if is_date:
        return iv
    return widen(iv, tolerance + FLOAT_SLACK)


def overlap(
    a: tuple[float, float], b: tuple[float, float], tolerance: float, is_date: bool = False
) -> bool:
    a_low, a_high = spread(a, tolerance, is_date)
    b_low, b_high = spread(b, tolerance, is_date)
    return a_low <= b_high and b_low <= a_high


def most_covered(ivs: list[tuple[float, float]]) -> float:
    """The least point that the most closed intervals cover (-inf for no intervals).

    A sweep over the sorted ends, O(n log n): at each start x, the intervals covering x are
    those started so far less those that ended before x; intervals that just touch share x.
    """
    lows = sorted([lo for lo, _ in ivs])
    highs = sorted([hi for _, hi in ivs])
    best, best_point, ended = 0, -math.inf, 0
    for started, x in enumerate(lows, 1):
        while ended < len(highs) and highs[ended] < x:
            ended += 1
        if started - ended > best:
            best, best_point = started - ended, x
    return best_point


def value_clusters(ivs: list[tuple[float, float]]) -> list[list[int]]:
    """The claims (by index) split into values: the largest set sharing a point first, then the
    largest of the rest, and so on; each set in claim order.

    Every claim of a later set is apart from at least one claim of each earlier set: were it to
    overlap them all, intervals meeting pairwise share a point (Helly, in one dimension), and
    that point would have made the earlier set larger.
    """
    left = list(range(len(ivs)))
    out: list[list[int]] = []
    while left:
        point = most_covered([ivs[i] for i in left])
        inside = [i for i in left if ivs[i][0] <= point <= ivs[i][1]]
        out.append(inside)
        taken = set(inside)
        left = [i for i in left if i not in taken]
    return out


def date_span(text: str) -> tuple[dt.date, dt.date]:
    """'2002' → the whole year, '1992-10' → the month, '1992-10-22' → the day; else ValueError."""
    t = text.strip()
    parts = t.split("-")
    if len(parts) == 1 and len(t) == 4 and t.isdigit():
        y = int(t)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
        y, m = int(parts[0]), int(parts[1])
        first = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    d = dt.date.fromisoformat(t)
    return d, d


def quantity_in(text: str, unit: str | None) -> float:
    """A rule-file quantity in a metric's unit: '22.2e9 USD', '1.5 billion USD', '0 percent'.

    A bare number ('0', '27') is taken in the metric's own unit.  Raises UnitError for text
    that is not a quantity or is one in another unit ('5 percent' for a USD metric).
    """
    try:
        n = float(text)
    except ValueError:
        pass
    else:
        if math.isnan(n):
            raise UnitError(f"{text!r} is not a number")
        return n
    if unit in DATE_UNITS:
        raise UnitError(f"{text!r} is not a date; write 2002, 1992-10 or 1992-10-22")
    return read_quantity(text, "count" if unit in ("count", "rank") else unit)


class ClaimTexts:
    """How findings quote claims and periods, each formatted once per run.

    A claim restated across an archive is quoted by many findings (every whole period it lies
    within, every conflict with the nearest agreeing claim), and formatting it again each time
    was a large share of the checks' time; so was a period's label, which builds a DateSpan.
    Claims are remembered by object identity, each entry keeping its claim, so a claim that is
    not the one remembered is formatted afresh.
    """

    def __init__(self) -> None:
        self._described: dict[int, tuple[Claim, str]] = {}
        self._intervals: dict[int, tuple[Claim, str]] = {}
        self._labels: dict[tuple[dt.date, dt.date], str] = {}

    def describe(self, c: Claim) -> str:
        """A claim as a reader would cite it: '$22.2 bn for 2022 (001_…:52: "…")'."""
        hit = self._described.get(id(c))
        if hit is None or hit[0] is not c:
            period = f" for {self.period_label(c.period)}" if c.period else ""
            if c.as_of is not None:
                period = f" as of {c.as_of.moment_label}"
            said = f" according to {c.attribution}" if c.attribution else ""
            text = f'{show_value(c)}{period}{said} ({c.source}:{c.line}: "{c.quote}")'
            hit = self._described[id(c)] = (c, text)
        return hit[1]

    def show_interval(self, c: Claim) -> str:
        hit = self._intervals.get(id(c))
        if hit is None or hit[0] is not c:
            hit = self._intervals[id(c)] = (c, show_interval(c))
        return hit[1]

    def period_label(self, p: Period) -> str:
        """The period in words ('January–November 2022'), remembered by its dates."""
        key = (p.start, p.end)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = span_words(p.start, p.end)
        return label

    def describe_many(self, claims: Sequence[Claim], limit: int = 4) -> str:
        """Quotes of a group, the first few in full: an archive can hold thousands of claims."""
        shown = "; ".join([self.describe(c) for c in claims[:limit]])
        if len(claims) > limit:
            shown += f"; and {len(claims) - limit} more"
        return shown

    def intervals_of(self, claims: Sequence[Claim], limit: int = 6) -> str:
        """The claims' intervals, each distinct one once ('$22.15–22.25 bn (×3)')."""
        counts: dict[str, int] = {}
        for c in claims:
            text = self.show_interval(c)
            counts[text] = counts.get(text, 0) + 1
        items = [f"{t} (×{n})" if n > 1 else t for t, n in counts.items()]
        shown = ", ".join(items[:limit])
        if len(items) > limit:
            shown += f", … ({len(items) - limit} more)"
        return shown


@dataclass
class CheckContext:
    """Claims, metrics, facts and sources, indexed the way the checks read them.

    `of_metric` gives claims in claim order (`Claim.sort_key`), whatever order they came in,
    so a check groups them without sorting again; `texts` formats each claim once per run.
    """

    claims: Sequence[Claim]
    metrics: dict[str, MetricSpec]
    facts: Sequence[FactSpec]
    published: dict[str, dt.date | None] = field(default_factory=dict)
    texts: ClaimTexts = field(default_factory=ClaimTexts, init=False)
    _by_metric: dict[str, list[Claim]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Claim]] = defaultdict(list)
        for c in sorted(self.claims, key=claim_order):
            grouped[c.metric].append(c)
        self._by_metric = dict(grouped)

    def body(self, c: Claim, metric: str | None = None) -> str | None:
        """Who a claim's figure is compared within: its attribution when the metric (the
        claim's own, or `metric`) has `by_source`, else None, which puts every claim in one."""
        spec = self.metrics.get(metric or c.metric)
        return c.attribution if spec is not None and spec.by_source else None

    def of_metric(self, metric: str, modality: str | None = "actual") -> list[Claim]:
        claims = self._by_metric.get(metric, [])
        if modality is None:
            return list(claims)
        return [c for c in claims if c.modality == modality]


def finding(
    spec: CheckSpec,
    kind: str,
    status: Status,
    claims: Iterable[Claim],
    message: str,
    explanation: str = "",
    *,
    metric: str | None = None,
    known_fact: bool = False,
    fact: str | None = None,
) -> Finding:
    cs = sorted(claims, key=claim_order)
    first = cs[0]
    return Finding(
        rule=spec.id,
        kind=kind,
        status=status,
        severity=spec.severity if status == "conflict" else "info",
        metric=metric or first.metric,
        subject=first.subject,
        period=first.period,
        claims=tuple(c.id for c in cs),
        known_fact=known_fact,
        fact=fact,
        message=message,
        explanation=explanation,
    )


def claim_order(c: Claim) -> tuple[str, int, int, str]:
    """The order claims are reported in: source, offsets, metric."""
    return c.sort_key


def show_value(c: Claim) -> str:
    """The claim's value in words (`wording.value_words`): '$22.2 bn', 'about 8,000', '2002'."""
    return value_words(c)


def show_number(v: float, unit: str | None) -> str:
    """A number in its unit, in words (`wording.number_words`): '$22.2 bn', '85,000 barrel / day'."""
    return number_words(v, unit)


def show_interval(c: Claim) -> str:
    """The interval in words (`wording.interval_words`): '$22.15–22.25 bn', '2002'."""
    return interval_words(c) or value_words(c)


@dataclass(frozen=True)
class Comparison:
    """Whether two claims' intervals overlap, and the sentence that says so.

    The status a check gives and the explanation it writes both come from this one comparison,
    so an explanation can never say "do not overlap" of intervals that overlap.
    """

    a: Claim
    b: Claim
    overlaps: bool
    text: str


def compare(
    texts: ClaimTexts, a: Claim, b: Claim, tolerance: float, tolerance_text: str = ""
) -> Comparison:
    dates = a.is_date or b.is_date
    ok = overlap(a.interval(), b.interval(), tolerance, dates)
    verb = "overlap" if ok else "do not overlap"
    widened = f" even widened by {tolerance_text}" if tolerance and not dates and not ok else ""
    what = "the dates" if dates else "the intervals"
    return Comparison(
        a, b, ok, f"{what} {texts.show_interval(a)} and {texts.show_interval(b)} {verb}{widened}"
    )

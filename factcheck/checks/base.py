"""What every check kind shares: its spec base model and the context it runs in."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import Field, field_validator

from factcheck.models import Claim, Finding, Period, Severity, Status, widen
from factcheck.spec import (
    FactSpec,
    Id,
    MetricSpec,
    Strict,
    check_tolerance,
    read_quantity,
    tolerance_fraction,
)
from factcheck.units import UnitError

# Interval ends come from float arithmetic (22.2e9 + 0.05e9); a hair of relative slack keeps
# two intervals that touch on paper ("$22.2 billion" and "$22.3 billion") touching.
FLOAT_SLACK = 1e-9
DATE_UNITS = ("year", "date")


class CheckSpec(Strict):
    """Fields every check has; each kind adds its own and a `kind` literal."""

    id: Id
    severity: Severity = "error"
    description: str = ""
    tolerance: str = Field(
        default="0", description="relative tolerance added to each interval, e.g. '1 percent'"
    )

    @field_validator("tolerance")
    @classmethod
    def _tolerance(cls, v: str) -> str:
        return check_tolerance(v)

    @property
    def tolerance_fraction(self) -> float:
        return tolerance_fraction(self.tolerance)


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


@dataclass
class CheckContext:
    """Claims, metrics, facts and sources, indexed the way the checks read them."""

    claims: Sequence[Claim]
    metrics: dict[str, MetricSpec]
    facts: Sequence[FactSpec]
    published: dict[str, dt.date | None] = field(default_factory=dict)
    _by_metric: dict[str, list[Claim]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Claim]] = defaultdict(list)
        for c in self.claims:
            grouped[c.metric].append(c)
        self._by_metric = dict(grouped)

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
    cs = sorted(claims, key=lambda c: c.sort_key)
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


def describe(c: Claim) -> str:
    """A claim as a reader would cite it: '$22.2bn (2022) in 001_… line 52: "…"'."""
    period = f" for {period_words(c.period)}" if c.period else ""
    return f'{show_value(c)}{period} ({c.source}:{c.line}: "{c.quote}")'


def describe_many(claims: Sequence[Claim], limit: int = 4) -> str:
    """Quotes of a group, the first few in full: an archive can hold thousands of claims."""
    shown = "; ".join(describe(c) for c in claims[:limit])
    if len(claims) > limit:
        shown += f"; and {len(claims) - limit} more"
    return shown


def intervals_of(claims: Sequence[Claim], limit: int = 6) -> str:
    shown = ", ".join(show_interval(c) for c in claims[:limit])
    if len(claims) > limit:
        shown += f", … ({len(claims) - limit} more)"
    return shown


def period_words(p: Period | None) -> str:
    return p.label if p else "no period"


def show_value(c: Claim) -> str:
    if isinstance(c.value, str):
        return c.value
    return show_number(c.value, c.unit)


def show_number(v: float, unit: str | None) -> str:
    if unit == "percent":
        return f"{v:g}%"
    if unit == "pp":
        return f"{v:g} pp"
    if unit in (None, "count", "rank"):
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(v) >= scale:
            return f"{v / scale:.4g}{word} {unit}"
    return f"{v:,.4g} {unit}"


def show_interval(c: Claim) -> str:
    low, high = c.low, c.high
    if isinstance(c.value, str):
        return f"{low}..{high}" if low != high else str(low)
    lo = "-∞" if low is None else show_number(float(low), c.unit)
    hi = "∞" if high is None else show_number(float(high), c.unit)
    return f"[{lo}, {hi}]"

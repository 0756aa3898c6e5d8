"""What every check kind shares: its spec base model and the context it runs in."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import Field

from factcheck.models import Claim, Finding, Period, Severity, Status
from factcheck.spec import FactSpec, Id, MetricSpec, Strict, tolerance_fraction


class CheckSpec(Strict):
    """Fields every check has; each kind adds its own and a `kind` literal."""

    id: Id
    severity: Severity = "error"
    description: str = ""
    tolerance: str = Field(
        default="0", description="relative tolerance added to each interval, e.g. '1 percent'"
    )

    @property
    def tolerance_fraction(self) -> float:
        return tolerance_fraction(self.tolerance)


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

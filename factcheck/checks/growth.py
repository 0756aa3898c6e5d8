"""growth: a stated growth rate must match the two levels it compares.

For a growth claim over a period P, the level claims of `level` for P and for the same period a
year earlier give an implied growth of new / old − 1, computed on intervals so rounding never
raises a false alarm: with new in [a, b] and old in [c, d], growth lies in [a/d − 1, b/c − 1].
Levels from the growth claim's own source are used first; with `across_sources` the levels may
come from other sources too.  Levels must be of the growth claim's subject ("34.9 % with China"
is not checked against turnover with Russia); the tolerance widens the stated rate relatively.
An open-ended level ("over $23 billion") leaves the implied growth open on one side.  Forecasts
and targets are not checked.  When the levels are a stock (`stock`/`cumulative` on the level
metric), growth over P compares the level as of P's last day with the level as of the same day
a year earlier (by the claims' as-of dates, not their periods).

Passing::

    "in January-November 2022 amounted to $23.6 billion, 6.8% higher than in the same period
     the previous year ($22.1 billion)"            # 23.6 / 22.1 − 1 = 6.79 %

Failing::

    "in 2022 amounted to $23.6 billion, 12% higher than in 2021 ($22.1 billion)"

Signs count: "fell 8 %" is −8 %, and agrees with levels that fell by that much; a fall stated
as a rise (or the reverse) is a conflict whose explanation says so.  A change in percentage
points ("rose 2 percentage points") is never a growth rate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Literal

from factcheck.checks.base import CheckContext, CheckSpec, finding, overlap
from factcheck.models import Claim, Finding, Period, shift_years

KIND = "growth"


class Spec(CheckSpec):
    kind: Literal["growth"]
    metric: str  # the growth metric, in percent
    level: str  # the metric of the levels
    across_sources: bool = False


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    # Levels by subject and period dates: date tuples hash and compare in C, Periods do not.
    # With `by_source` on the level metric, a growth rate is set against its own body's levels.
    levels: dict[tuple[tuple[str, ...], dt.date, dt.date, str | None], Levels] = defaultdict(Levels)
    level_metric = ctx.metrics.get(spec.level)
    stock = level_metric is not None and level_metric.is_stock
    for lv in ctx.of_metric(spec.level):  # in claim order: a Levels' first is the first claim
        when = lv.as_of if stock else lv.period
        if when is not None:
            levels[(lv.subject, when.start, when.end, ctx.body(lv))].add(lv)
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    texts = ctx.texts
    for g in ctx.of_metric(spec.metric):
        if g.period is None or g.unit != "percent":
            continue
        p = g.period if not stock else Period(start=g.period.end, end=g.period.end)
        body = ctx.body(g, spec.level)
        now = _pick(levels.get((g.subject, p.start, p.end, body)), g, spec.across_sources)
        # The same period a year earlier, as Period.shifted_years(-1) has it.
        year_before = (g.subject, shift_years(p.start, -1), shift_years(p.end, -1), body)
        before = _pick(levels.get(year_before), g, spec.across_sources)
        if now is None or before is None or now.unit != before.unit:
            continue
        implied = _ratio(now.interval(), before.interval())
        if implied is None:
            continue
        ok = overlap(g.interval(), implied, tol)
        arithmetic = (
            f"{_num(now.value)} / {_num(before.value)} − 1 = "
            f"{(float(now.value) / float(before.value) - 1) * 100:.2f} %; on the intervals "
            f"{texts.show_interval(now)} / {texts.show_interval(before)} − 1 = "
            f"[{implied[0]:.2f} %, {implied[1]:.2f} %] vs stated {texts.show_interval(g)}"
        )
        if not ok:
            arithmetic += _direction(float(g.value), implied)
        out.append(
            finding(
                spec,
                KIND,
                "agreement" if ok else "conflict",
                [g, now, before],
                f"growth {texts.describe(g)} {'matches' if ok else 'does not match'} the levels "
                f"{texts.describe(now)} and {texts.describe(before)}",
                arithmetic,
                metric=spec.metric,
            )
        )
    return out


class Levels:
    """The level claims of one subject and period, by source (the first overall kept apart)."""

    def __init__(self) -> None:
        self.by_source: dict[str, list[Claim]] = defaultdict(list)
        self.first: Claim | None = None

    def add(self, c: Claim) -> None:
        self.by_source[c.source].append(c)
        if self.first is None:
            self.first = c


def _pick(levels: Levels | None, g: Claim, across: bool) -> Claim | None:
    """The growth claim's own source's level nearest to it; else, with `across`, the first."""
    if levels is None:
        return None
    same = levels.by_source.get(g.source)
    if same:
        return min(same, key=lambda c: abs(c.start - g.start))
    return levels.first if across else None


def _direction(stated: float, implied: tuple[float, float]) -> str:
    """What a wrong sign means in words: a fall stated as a rise, or the reverse."""
    if stated > 0 and implied[1] < 0:
        return "; the levels fell, but the text states a rise"
    if stated < 0 and implied[0] > 0:
        return "; the levels rose, but the text states a fall"
    return ""


def _ratio(now: tuple[float, float], before: tuple[float, float]) -> tuple[float, float] | None:
    if before[0] <= 0:
        return None
    return (now[0] / before[1] - 1) * 100, (now[1] / before[0] - 1) * 100


def _num(v: float | str) -> str:
    x = float(v)
    if abs(x) >= 1e9:
        return f"{x / 1e9:g}bn"
    return f"{x / 1e6:g}m" if abs(x) >= 1e6 else f"{x:g}"  # "69.6m", not "6.96e+07"

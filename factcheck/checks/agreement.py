"""agreement: claims of one metric, subject and period must agree.

Claims are grouped by subject, period and unit (and, for a metric with `by_source`, by the
body the figure is attributed to); claims of different groups are never compared.  Two claims agree when their intervals overlap (intervals that just
touch overlap), each widened by the check's relative tolerance; dates are never widened, their
stated precision is their interval.  They conflict when they cannot both be true.  Within each
group the largest set of mutually agreeing claims is found (the point most intervals cover, an
O(n log n) sweep); every claim outside it is a conflict with the nearest claim inside.  An
open-ended claim ("over $26 billion") agrees with every figure above its bound.  Forecasts and
targets never take part; for a metric with `period: required`, neither do claims without a
period.  With `across_sources_only`, two figures of one article are never paired: a group
drawn from a single source is not checked, agreeing claims are reported only when they come
from two sources or more, and a claim outside the agreeing set conflicts only with the
nearest agreeing claim of another source (or with none).

For a stock or running total (`stock: true` or `cumulative: true` on the metric) claims are
grouped by their as-of date instead of their period: debt of $5 bn "as of March" and $6 bn "as
of June" are two moments, not a conflict.  Two as-of dates are the same moment when their
first and last days each lie within `as_of_tolerance_days` of each other; a claim with no
as-of date (an undated article's "so far") is compared with nothing.

Passing::

    a: "trade turnover reached $22.2 billion in 2022"
    b: "bilateral trade of $22 billion in 2022"          # [21.5, 22.5] bn overlaps [22.15, 22.25] bn

Failing::

    a: "the trade mission has been in operation since 2002"
    b: "the trade mission has existed since 2012"        # 2002 and 2012 cannot both hold
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from factcheck.checks.base import (
    AsOfToleranceDays,
    CheckContext,
    CheckSpec,
    ClaimTexts,
    finding,
    spread,
)
from factcheck.models import Claim, Finding

KIND = "agreement"


class Spec(CheckSpec):
    kind: Literal["agreement"]
    metric: str
    across_sources_only: bool = False
    as_of_tolerance_days: AsOfToleranceDays = 0


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    metric = ctx.metrics.get(spec.metric)
    if metric is not None and metric.is_stock:
        return _checked(spec, ctx, stock_groups(ctx.of_metric(spec.metric), spec, ctx))
    needs_period = metric is not None and metric.period == "required"
    # Grouped by subject, period and unit; the period by its dates, which hash and compare in C.
    groups: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for c in ctx.of_metric(spec.metric):  # in claim order, so each group is too
        p = c.period
        if p is None and needs_period:
            continue  # a flow with no known period compares with nothing
        key = (c.subject, p.start if p else None, p.end if p else None, c.unit, ctx.body(c))
        groups[key].append(c)
    return _checked(spec, ctx, list(groups.values()))


def stock_groups(
    claims: Sequence[Claim], spec: Spec, ctx: CheckContext | None = None
) -> list[list[Claim]]:
    """Claims of one subject and unit (and body, with `by_source`) whose as-of dates are the
    same moment, within the tolerance in days of the group's earliest; in claim order within
    each group."""
    tol = spec.as_of_tolerance_days
    by_key: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for c in claims:
        if c.as_of is not None:
            by_key[(c.subject, c.unit, ctx.body(c) if ctx else None)].append(c)
    out: list[list[Claim]] = []
    for key in sorted(by_key, key=repr):
        ordered = sorted(by_key[key], key=lambda c: (c.as_of.start, c.as_of.end, c.sort_key))  # type: ignore[union-attr]
        group: list[Claim] = []
        for c in ordered:
            assert c.as_of is not None
            first = group[0].as_of if group else None
            if first is not None and (
                (c.as_of.start - first.start).days > tol
                or abs((c.as_of.end - first.end).days) > tol
            ):
                out.append(sorted(group, key=lambda x: x.sort_key))
                group = []
            group.append(c)
        if group:
            out.append(sorted(group, key=lambda x: x.sort_key))
    return out


def _checked(spec: Spec, ctx: CheckContext, groups: list[list[Claim]]) -> list[Finding]:
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    # Groups in the order of their first claims; the engine sorts the findings in the end.
    for claims in groups:
        if (
            len({c.source for c in claims}) < (2 if spec.across_sources_only else 1)
            or len(claims) < 2
        ):
            continue
        out.extend(_group(spec, ctx.texts, claims, tol))
    return out


def _group(spec: Spec, texts: ClaimTexts, claims: list[Claim], tol: float) -> list[Finding]:
    ivs = [spread(c.interval(), tol, c.is_date) for c in claims]
    best_point = most_covered(ivs)
    core: list[tuple[Claim, float, float]] = []
    rest: list[tuple[Claim, float, float]] = []
    for c, (lo, hi) in zip(claims, ivs, strict=True):
        (core if lo <= best_point <= hi else rest).append((c, lo, hi))
    out: list[Finding] = []
    across = spec.across_sources_only
    if len(core) >= 2 and (not across or len({c.source for c, _, _ in core}) >= 2):
        agreeing = [c for c, _, _ in core]
        out.append(
            finding(
                spec,
                KIND,
                "agreement",
                agreeing,
                f"{len(core)} claims of {spec.metric} agree: {texts.describe_many(agreeing)}",
                f"the intervals {texts.intervals_of(agreeing)} overlap",
            )
        )
    if not rest:
        return out
    # Every core interval holds best_point, so for a claim wholly above it the nearest core
    # claim is the one reaching highest, and for one below, the one starting lowest.
    highest = max(core, key=lambda e: (e[2], e[0].sort_key))[0]
    lowest = min(core, key=lambda e: (e[1], e[0].sort_key))[0]
    for c, lo, _ in rest:
        other = highest if lo > best_point else lowest
        if across and other.source == c.source:
            others = [e for e in core if e[0].source != c.source]
            if not others:
                continue  # only its own article disagrees with it
            if lo > best_point:
                other = max(others, key=lambda e: (e[2], e[0].sort_key))[0]
            else:
                other = min(others, key=lambda e: (e[1], e[0].sort_key))[0]
        out.append(
            finding(
                spec,
                KIND,
                "conflict",
                [other, c],
                f"{spec.metric} cannot be both {texts.describe(other)} and {texts.describe(c)}",
                f"the intervals {texts.show_interval(other)} and {texts.show_interval(c)} do not "
                "overlap" + (f" even widened by {spec.tolerance}" if tol and not c.is_date else ""),
            )
        )
    return out


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

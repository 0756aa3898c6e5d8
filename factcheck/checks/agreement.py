"""agreement: claims of one metric, subject and period must agree.

Claims are grouped by subject, period and unit; claims of different subjects, periods or
units are never compared.  Two claims agree when their intervals overlap (intervals that just
touch overlap), each widened by the check's relative tolerance; dates are never widened, their
stated precision is their interval.  They conflict when they cannot both be true.  Within each
group the largest set of mutually agreeing claims is found (the point most intervals cover, an
O(n log n) sweep); every claim outside it is a conflict with the nearest claim inside.  An
open-ended claim ("over $26 billion") agrees with every figure above its bound.  Forecasts and
targets never take part; for a metric with `period: required`, neither do claims without a
period.  With `across_sources_only`, a group drawn from a single source is not checked.

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
from typing import Literal

from factcheck.checks.base import (
    CheckContext,
    CheckSpec,
    describe,
    describe_many,
    finding,
    intervals_of,
    show_interval,
    spread,
)
from factcheck.models import Claim, Finding

KIND = "agreement"


class Spec(CheckSpec):
    kind: Literal["agreement"]
    metric: str
    across_sources_only: bool = False


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    groups: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for c in ctx.of_metric(spec.metric):
        if (
            ctx.metrics.get(spec.metric)
            and ctx.metrics[spec.metric].period == "required"
            and c.period is None
        ):
            continue  # a flow with no known period compares with nothing
        groups[(c.subject, c.period, c.unit)].append(c)
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    for key in sorted(groups, key=repr):
        claims = sorted(groups[key], key=lambda c: c.sort_key)
        if (
            len({c.source for c in claims}) < (2 if spec.across_sources_only else 1)
            or len(claims) < 2
        ):
            continue
        out.extend(_group(spec, claims, tol))
    return out


def _group(spec: Spec, claims: list[Claim], tol: float) -> list[Finding]:
    ivs = {c.id: spread(c.interval(), tol, c.is_date) for c in claims}
    # Sweep: the point covered by the most intervals; starts sort before ends at equal points.
    events = sorted(
        [(lo, 0, c.id) for c in claims for lo in [ivs[c.id][0]]]
        + [(hi, 1, c.id) for c in claims for hi in [ivs[c.id][1]]]
    )
    depth = best = 0
    best_point = -math.inf
    for x, end, _ in events:
        if end:
            depth -= 1
        else:
            depth += 1
            if depth > best:
                best, best_point = depth, x
    core: list[Claim] = []
    rest: list[Claim] = []
    for c in claims:
        (core if ivs[c.id][0] <= best_point <= ivs[c.id][1] else rest).append(c)
    out: list[Finding] = []
    if len(core) >= 2:
        out.append(
            finding(
                spec,
                KIND,
                "agreement",
                core,
                f"{len(core)} claims of {spec.metric} agree: {describe_many(core)}",
                f"the intervals {intervals_of(core)} overlap",
            )
        )
    # Every core interval holds best_point, so for a claim wholly above it the nearest core
    # claim is the one reaching highest, and for one below, the one starting lowest.
    highest = max(core, key=lambda o: (ivs[o.id][1], o.sort_key))
    lowest = min(core, key=lambda o: (ivs[o.id][0], o.sort_key))
    for c in rest:
        other = highest if ivs[c.id][0] > best_point else lowest
        out.append(
            finding(
                spec,
                KIND,
                "conflict",
                [other, c],
                f"{spec.metric} cannot be both {describe(other)} and {describe(c)}",
                f"the intervals {show_interval(other)} and {show_interval(c)} do not overlap"
                + (f" even widened by {spec.tolerance}" if tol and not c.is_date else ""),
            )
        )
    return out

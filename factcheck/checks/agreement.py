"""agreement: claims of one metric, subject and period must agree.

Claims are grouped by subject, period and unit; claims of different subjects, periods or
units are never compared.  Two claims agree when their intervals overlap (intervals that just
touch overlap), each widened by the check's relative tolerance; dates are never widened, their
stated precision is their interval.  They conflict when they cannot both be true.  Within each
group the largest set of mutually agreeing claims is found (the point most intervals cover, an
O(n log n) sweep), then the largest of the rest, and so on: each set is one value.  The first
set's claims agree; every pair of values is a conflict, each claim of the later value paired
with the nearest claim of the earlier one that it does not overlap, so three sources giving
three years are three conflicts, and a report shows them as one picture of all three values.  An
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

from collections import defaultdict
from typing import Literal

from factcheck.checks.base import (
    CheckContext,
    CheckSpec,
    ClaimTexts,
    compare,
    finding,
    most_covered,
    spread,
    value_clusters,
)
from factcheck.models import Claim, Finding

KIND = "agreement"


class Spec(CheckSpec):
    kind: Literal["agreement"]
    metric: str
    across_sources_only: bool = False


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    metric = ctx.metrics.get(spec.metric)
    needs_period = metric is not None and metric.period == "required"
    # Grouped by subject, period and unit; the period by its dates, which hash and compare in C.
    groups: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for c in ctx.of_metric(spec.metric):  # in claim order, so each group is too
        p = c.period
        if p is None and needs_period:
            continue  # a flow with no known period compares with nothing
        groups[(c.subject, p.start if p else None, p.end if p else None, c.unit)].append(c)
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    # Groups in the order of their first claims; the engine sorts the findings in the end.
    for claims in groups.values():
        if (
            len({c.source for c in claims}) < (2 if spec.across_sources_only else 1)
            or len(claims) < 2
        ):
            continue
        out.extend(_group(spec, ctx.texts, claims, tol))
    return out


def _group(spec: Spec, texts: ClaimTexts, claims: list[Claim], tol: float) -> list[Finding]:
    ivs = [spread(c.interval(), tol, c.is_date) for c in claims]
    clusters = value_clusters(ivs)
    out: list[Finding] = []
    core = [claims[i] for i in clusters[0]]
    if len(core) >= 2:
        out.append(
            finding(
                spec,
                KIND,
                "agreement",
                core,
                f"{len(core)} claims of {spec.metric} agree: {texts.describe_many(core)}",
                f"the {'dates' if core[0].is_date else 'intervals'} {texts.intervals_of(core)} "
                "overlap",
            )
        )
    # Every later value conflicts with every earlier one: three sources giving three years are
    # three conflicts, one for each pair, not two against whichever came first.  Each claim
    # is paired with the nearest claim of the earlier value that it does not overlap, and the
    # comparison that decides the conflict also words it.
    for j in range(1, len(clusters)):
        for i in range(j):
            for k in clusters[j]:
                other = claims[_nearest_apart(ivs, clusters[i], ivs[k])]
                c = claims[k]
                why = compare(texts, other, c, tol, spec.tolerance)
                if why.overlaps:  # cannot happen (see value_clusters); never report it
                    continue
                out.append(
                    finding(
                        spec,
                        KIND,
                        "conflict",
                        [other, c],
                        f"{spec.metric} cannot be both {texts.describe(other)} and "
                        f"{texts.describe(c)}",
                        why.text,
                    )
                )
    return out


def _nearest_apart(
    ivs: list[tuple[float, float]], cluster: list[int], iv: tuple[float, float]
) -> int:
    """The claim of `cluster` nearest to `iv` among those it does not overlap (the first in claim
    order on a tie); `value_clusters` guarantees there is one."""
    lo, hi = iv
    below = [i for i in cluster if ivs[i][1] < lo]
    above = [i for i in cluster if ivs[i][0] > hi]
    if below:
        return max(below, key=lambda i: (ivs[i][1], -i))
    if above:
        return min(above, key=lambda i: (ivs[i][0], i))
    return cluster[0]


__all__ = ["KIND", "Spec", "check", "most_covered", "value_clusters"]

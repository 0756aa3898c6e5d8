"""agreement: claims of one metric, subject and period must agree.

Claims are grouped by subject, period and unit (and, for a metric with `by_source`, by the
body the figure is attributed to); claims of different groups are never compared.  Two claims agree when their intervals overlap (intervals that just
touch overlap), each widened by the check's relative tolerance; dates are never widened, their
stated precision is their interval.  They conflict when they cannot both be true.  Within each
group the largest set of mutually agreeing claims is found (the point most intervals cover, an
O(n log n) sweep), then the largest of the rest, and so on: each set is one value.  The first
set's claims agree.  When one value has more sources behind it than any other, every other
value is a conflict with it; when none does (a tie at the top), every pair of values is a
conflict (three sources giving three years are three conflicts).  Each claim of the later
value is paired with the nearest claim of the earlier one that it does not overlap, and a
report shows a group's conflicts as one picture of all its values.  An
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

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from factcheck.checks.base import (
    AsOfToleranceDays,
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
    clusters = value_clusters(ivs)
    out: list[Finding] = []
    core = [claims[i] for i in clusters[0]]
    across = spec.across_sources_only
    if len(core) >= 2 and (not across or len({c.source for c in core}) >= 2):
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
    # Every later value conflicts with the earlier ones: three sources giving three years are
    # three conflicts, one for each pair, not two against whichever came first.  Each claim
    # is paired with the nearest claim of the earlier value that it does not overlap, and the
    # comparison that decides the conflict also words it.
    # When one value has more sources behind it than any other, each other value is a conflict
    # with it alone: two wrong figures need not be paired with each other.  When none does (a
    # tie at the top: three sources, three years), every pair of values is a conflict.
    support = [len({claims[i].source for i in cluster}) for cluster in clusters]
    standing = len(support) < 2 or support[0] > max(support[1:])
    for j in range(1, len(clusters)):
        for i in range(1 if standing else j):
            for k in clusters[j]:
                c = claims[k]
                # With across_sources_only, a claim is never paired with its own article's.
                pool = (
                    [x for x in clusters[i] if claims[x].source != c.source]
                    if across
                    else clusters[i]
                )
                if not pool:
                    continue  # only its own article disagrees with it
                other = claims[_nearest_apart(ivs, pool, ivs[k])]
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
    """The claim of `cluster` nearest to `iv` among those it does not overlap (on a tie, the
    last in claim order below it, the first above it); `value_clusters` guarantees there is
    one, unless the caller narrowed the cluster (then the comparison says so)."""
    lo, hi = iv
    below = [i for i in cluster if ivs[i][1] < lo]
    above = [i for i in cluster if ivs[i][0] > hi]
    if below:
        return max(below, key=lambda i: (ivs[i][1], i))
    if above:
        return min(above, key=lambda i: (ivs[i][0], i))
    return cluster[0]


__all__ = ["KIND", "Spec", "check", "most_covered", "value_clusters"]

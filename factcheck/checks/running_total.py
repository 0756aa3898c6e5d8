"""running_total: a cumulative figure never decreases over time.

A running total (vaccinations given, flights operated since a route opened) can only grow: a
larger total as of an earlier date than a smaller total as of a later one is a conflict.  Claims
are compared within one subject and unit, by their as-of dates (see `agreement`); two claims
count as earlier and later only when the first's as-of span ends before the second's begins by
more than `as_of_tolerance_days`, so "so far" in two articles a day apart are not ordered when
the tolerance is a day or more.  Each claim is compared with the highest total stated earlier
(an O(n log n) sweep): a claim whose upper bound lies below that total's lower bound, each
widened by the tolerance, is a conflict with it.  When no claim falls, one agreement names the
totals in order.  Claims without an as-of date, forecasts and targets take no part.

Passing::

    a (2021-03-01): "1.2 million doses have been given so far"
    b (2021-04-01): "as of 1 April, 2.5 million doses had been given"

Failing::

    a (2021-04-01): "2.5 million doses given to date"
    b (2021-05-01): "1.9 million doses have been given so far"     # a total cannot fall
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Literal

from factcheck.checks.base import AsOfToleranceDays, CheckContext, CheckSpec, finding, spread
from factcheck.models import Claim, Finding

KIND = "running_total"


class Spec(CheckSpec):
    kind: Literal["running_total"]
    metric: str
    as_of_tolerance_days: AsOfToleranceDays = 0


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    groups: dict[tuple[tuple[str, ...], str | None], list[Claim]] = defaultdict(list)
    for c in ctx.of_metric(spec.metric):
        if c.as_of is not None:
            groups[(c.subject, c.unit)].append(c)
    tol = spec.tolerance_fraction
    gap = spec.as_of_tolerance_days
    texts = ctx.texts
    out: list[Finding] = []
    for key in sorted(groups, key=repr):
        claims = groups[key]
        ivs = {id(c): spread(c.interval(), tol) for c in claims}
        # Earlier claims by the end of their as-of span; the highest lower bound so far of each
        # prefix, so a later claim finds the largest earlier total by one bisection.
        by_end = sorted(claims, key=lambda c: (c.as_of.end, c.sort_key))  # type: ignore[union-attr]
        ends = [c.as_of.end.toordinal() for c in by_end]  # type: ignore[union-attr]
        top: list[Claim] = []
        for c in by_end:
            if not top or ivs[id(c)][0] > ivs[id(top[-1])][0]:
                top.append(c)
            else:
                top.append(top[-1])
        fell = ordered_pair = False
        for c in sorted(claims, key=lambda c: (c.as_of.start, c.sort_key)):  # type: ignore[union-attr]
            assert c.as_of is not None
            k = bisect.bisect_left(ends, c.as_of.start.toordinal() - gap)
            if k == 0:
                continue
            ordered_pair = True
            earlier = top[k - 1]
            if ivs[id(earlier)][0] > ivs[id(c)][1]:
                fell = True
                out.append(
                    finding(
                        spec,
                        KIND,
                        "conflict",
                        [earlier, c],
                        f"{spec.metric} falls from {texts.describe(earlier)} to "
                        f"{texts.describe(c)}",
                        f"the total {texts.show_interval(earlier)} as of "
                        f"{earlier.as_of.moment_label} is above {texts.show_interval(c)} as of "  # type: ignore[union-attr]
                        f"{c.as_of.moment_label}: a running total never decreases",
                    )
                )
        if ordered_pair and not fell:
            ordered = sorted(claims, key=lambda c: (c.as_of.start, c.sort_key))  # type: ignore[union-attr]
            out.append(
                finding(
                    spec,
                    KIND,
                    "agreement",
                    ordered,
                    f"{spec.metric} never falls: {texts.describe_many(ordered)}",
                    f"the totals {texts.intervals_of(ordered)}, in order of their as-of dates, "
                    "never decrease",
                )
            )
    return out

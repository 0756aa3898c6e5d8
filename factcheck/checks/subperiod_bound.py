"""subperiod_bound: for a flow, a part of a period cannot exceed the whole.

Turnover, exports and other flows add up over time, so what is reported for January-November
2022 must be at most what is reported for the whole of 2022 (for non-negative flows).  A part
whose lowest reading is above the whole's highest (each widened by the tolerance) is a
conflict.  Claims are compared across sources, within one subject and unit, one pair of periods
at a time: each part above the lowest whole is a conflict with that whole, and the parts that
fit agree with every whole in one finding, so an archive restating a figure many times gives
findings in proportion to its claims, not to their pairs.  Two claims of the same period are
left to the agreement check, and forecasts and targets take no part.

Passing::

    "January-November 2022: $21.0 billion"  vs  "2022: $22.2 billion"

Failing::

    "January-November 2022 amounted to $23.6 billion"  vs  "22 billion 200 million dollars
     at the end of last year" (2022)
"""

from __future__ import annotations

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
from factcheck.models import Claim, Finding, Period

KIND = "subperiod_bound"


class Spec(CheckSpec):
    kind: Literal["subperiod_bound"]
    metric: str


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    groups: dict[tuple[tuple[str, ...], str | None], dict[Period, list[Claim]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for c in sorted(ctx.of_metric(spec.metric), key=lambda c: c.sort_key):
        if c.period is not None:
            groups[(c.subject, c.unit)][c.period].append(c)
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    for key in sorted(groups, key=repr):
        by_period = groups[key]
        # Periods by start, longest first: a whole's parts start at or after it, so the inner
        # loop stops at the first period starting past the whole's end.  Claims are grouped
        # by period, so an archive restating one figure a thousand times costs one comparison
        # per pair of periods, not per pair of claims.
        periods = sorted(by_period, key=lambda p: (p.start, -p.end.toordinal()))
        for i, whole_p in enumerate(periods):
            for part_p in periods[i + 1 :]:
                if part_p.start > whole_p.end:
                    break
                if whole_p.contains(part_p):
                    out.extend(_compare(spec, tol, by_period[whole_p], by_period[part_p]))
    return out


def _compare(spec: Spec, tol: float, wholes: list[Claim], parts: list[Claim]) -> list[Finding]:
    """Each part that exceeds the lowest whole is a conflict with it; the rest agree."""
    high = {c.id: spread(c.interval(), tol)[1] for c in wholes}
    lowest = min(wholes, key=lambda c: (high[c.id], c.sort_key))
    out: list[Finding] = []
    fitting: list[Claim] = []
    for part in parts:
        if spread(part.interval(), tol)[0] <= high[lowest.id]:
            fitting.append(part)
            continue
        assert part.period is not None and lowest.period is not None
        out.append(
            finding(
                spec,
                KIND,
                "conflict",
                [lowest, part],
                f"{spec.metric} for {part.period.label} {describe(part)} exceeds the whole of "
                f"{lowest.period.label} {describe(lowest)}",
                f"part {show_interval(part)} > whole {show_interval(lowest)}: a part of a period "
                "cannot exceed the whole",
            )
        )
    if fitting:
        # A part within the lowest whole is within every whole.
        part_p, whole_p = fitting[0].period, lowest.period
        assert part_p is not None and whole_p is not None
        out.append(
            finding(
                spec,
                KIND,
                "agreement",
                [*wholes, *fitting],
                f"{spec.metric} for {part_p.label} ({describe_many(fitting)}) is within the whole "
                f"of {whole_p.label} ({describe_many(wholes)})",
                f"parts {intervals_of(fitting)} ≤ lowest whole {show_interval(lowest)}",
            )
        )
    return out

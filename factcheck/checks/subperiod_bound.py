"""subperiod_bound: for a flow, a part of a period cannot exceed the whole.

Turnover, exports and other flows add up over time, so what is reported for January-November
2022 must be at most what is reported for the whole of 2022 (for non-negative flows).  A part
whose lowest reading is above the whole's highest (each widened by the tolerance) is a
conflict; otherwise the pair agrees.  Claims are paired across sources, within one subject and
unit; two claims of the same period are left to the agreement check, and forecasts and targets
take no part.

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
    finding,
    show_interval,
    spread,
)
from factcheck.models import Claim, Finding

KIND = "subperiod_bound"


class Spec(CheckSpec):
    kind: Literal["subperiod_bound"]
    metric: str


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    by_subject: dict[tuple[tuple[str, ...], str | None], list[Claim]] = defaultdict(list)
    for c in ctx.of_metric(spec.metric):
        if c.period is not None:
            by_subject[(c.subject, c.unit)].append(c)

    def order(c: Claim) -> tuple[object, ...]:
        assert c.period is not None
        return (c.period.start, -c.period.end.toordinal(), c.sort_key)

    out: list[Finding] = []
    tol = spec.tolerance_fraction
    for key in sorted(by_subject, key=repr):
        claims = sorted(by_subject[key], key=order)
        # Claims sorted by period start: a whole's parts start at or after it, so the inner
        # loop stops at the first claim starting past the whole's end.
        for i, whole in enumerate(claims):
            assert whole.period is not None
            for part in claims[i + 1 :]:
                assert part.period is not None
                if part.period.start > whole.period.end:
                    break
                if part.period == whole.period or not whole.period.contains(part.period):
                    continue
                p_low, _ = spread(part.interval(), tol)
                _, w_high = spread(whole.interval(), tol)
                ok = p_low <= w_high
                out.append(
                    finding(
                        spec,
                        KIND,
                        "agreement" if ok else "conflict",
                        [whole, part],
                        f"{spec.metric} for {part.period.label} {describe(part)} "
                        + ("is within" if ok else "exceeds")
                        + f" the whole of {whole.period.label} {describe(whole)}",
                        f"part {show_interval(part)} {'≤' if ok else '>'} whole {show_interval(whole)}"
                        + ("" if ok else ": a part of a period cannot exceed the whole"),
                    )
                )
    return out

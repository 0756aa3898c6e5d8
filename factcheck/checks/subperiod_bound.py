"""subperiod_bound: for a flow, a part of a period cannot exceed the whole.

Turnover, exports and other flows add up over time, so what is reported for January-November
2022 must be at most what is reported for the whole of 2022 (for non-negative flows).  A part
whose lowest reading is above the whole's highest (each widened by the tolerance) is a
conflict.  Claims are compared across sources, within one subject and unit, one pair of periods
at a time.  When the whole period has several figures, each part is compared with the
best-supported one: the largest set of whole figures that agree (as the agreement check finds
them; on a tie, the lowest), and the explanation says so and names the others, whose
disagreement is the agreement check's to report.  Each part above that whole is a conflict
with its lowest claim, and the parts that fit agree with it in one finding, so an archive
restating a figure many times gives findings in proportion to its claims, not to their pairs.
Two claims of the same period are left to the agreement check, and forecasts and targets take
no part.  A stock or running total (`stock`/`cumulative` on the metric) has no parts: its
levels at two dates are compared by `growth` and `running_total`, never here.

Passing::

    "January-November 2022: $21.0 billion"  vs  "2022: $22.2 billion"

Failing::

    "January-November 2022 amounted to $23.6 billion"  vs  "22 billion 200 million dollars
     at the end of last year" (2022)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cached_property
from typing import Literal

from factcheck.checks.base import (
    CheckContext,
    CheckSpec,
    ClaimTexts,
    finding,
    spread,
    value_clusters,
)
from factcheck.models import Claim, Finding, Period

KIND = "subperiod_bound"
DateRange = tuple[dt.date, dt.date]


class Spec(CheckSpec):
    kind: Literal["subperiod_bound"]
    metric: str


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    metric = ctx.metrics.get(spec.metric)
    if metric is not None and metric.is_stock:
        return []
    # Claims by (subject, unit), then by period: the period by its dates, which hash and compare
    # in C.
    groups: dict[tuple[tuple[str, ...], str | None, str | None], dict[DateRange, list[Claim]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for c in ctx.of_metric(spec.metric):  # in claim order, so each period's claims are too
        if c.period is not None:
            groups[(c.subject, c.unit, ctx.body(c))][(c.period.start, c.period.end)].append(c)
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    for key in sorted(groups, key=repr):
        # Periods by start, longest first: a whole's parts start at or after it, so the inner
        # loop stops at the first period starting past the whole's end.  Claims are grouped
        # by period, so an archive restating one figure a thousand times costs one comparison
        # per pair of periods, not per pair of claims.
        sides = [_Side(claims, tol, ctx.texts) for claims in groups[key].values()]
        sides.sort(key=lambda s: (s.period.start, -s.period.end.toordinal()))
        for i, whole in enumerate(sides):
            for j in range(i + 1, len(sides)):
                part = sides[j]
                if part.period.start > whole.period.end:
                    break
                if whole.period.contains(part.period):
                    out.extend(_compare(spec, whole, part))
    return out


class _Side:
    """One period's claims in a group, and what a comparison reads from them as a whole or as
    a part; a period takes part in several comparisons, so this is worked out once."""

    def __init__(self, claims: list[Claim], tol: float, texts: ClaimTexts) -> None:
        assert claims[0].period is not None
        self.period: Period = claims[0].period
        self.claims = claims
        self.texts = texts
        ivs = [spread(c.interval(), tol) for c in claims]
        self.lows = [lo for lo, _ in ivs]
        # As a whole: the best-supported figure, the largest set of claims that agree; its
        # claim reaching least high (on a tie the first, in claim order) bounds every part.
        best = value_clusters(ivs)[0] if len(claims) > 1 else [0]
        self.best = [claims[i] for i in best]
        k = min(best, key=lambda i: ivs[i][1])
        self.lowest, self.ceiling = claims[k], ivs[k][1]
        taken = set(best)
        self.others = [c for i, c in enumerate(claims) if i not in taken]

    @cached_property
    def label(self) -> str:
        return self.texts.period_label(self.period)

    @cached_property
    def quoted(self) -> str:
        return self.texts.describe_many(self.claims)

    @cached_property
    def intervals(self) -> str:
        return self.texts.intervals_of(self.claims)

    @cached_property
    def which(self) -> str:
        """Which whole figure a part was held to, when the whole has several: '' when one."""
        if not self.others:
            return ""
        n, m = len(self.best), len(self.claims)
        others = self.texts.intervals_of(self.others, limit=3)
        verb = "disagrees" if len(self.others) == 1 else "disagree"
        return (
            f" (the best-supported whole figure, {n} of the {m} claims for {self.label}; "
            f"{others} {verb} with it)"
        )


def _compare(spec: Spec, whole: _Side, part: _Side) -> list[Finding]:
    """Each part that exceeds the best-supported whole is a conflict with it; the rest agree."""
    texts, lowest = whole.texts, whole.lowest
    out: list[Finding] = []
    fitting: list[Claim] = []
    for c, low in zip(part.claims, part.lows, strict=True):
        if low <= whole.ceiling:
            fitting.append(c)
            continue
        out.append(
            finding(
                spec,
                KIND,
                "conflict",
                [lowest, c],
                f"{spec.metric}: {texts.describe(c)} exceeds the whole of {whole.label}: "
                f"{texts.describe(lowest)}",
                f"part {texts.show_interval(c)} > whole {texts.show_interval(lowest)}"
                f"{whole.which}: a part of a period cannot exceed the whole",
            )
        )
    if fitting:
        # A part within the lowest claim of the best-supported whole is within all of it.
        every = len(fitting) == len(part.claims)
        quoted = part.quoted if every else texts.describe_many(fitting)
        intervals = part.intervals if every else texts.intervals_of(fitting)
        held = whole.quoted if not whole.others else texts.describe_many(whole.best)
        out.append(
            finding(
                spec,
                KIND,
                "agreement",
                [*whole.best, *fitting],
                f"{spec.metric} for {part.label} ({quoted}) is within the whole "
                f"of {whole.label} ({held})",
                f"parts {intervals} ≤ whole {texts.show_interval(lowest)}{whole.which}",
            )
        )
    return out

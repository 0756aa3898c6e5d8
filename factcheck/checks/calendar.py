"""calendar: a named weekday must match its date, and a reported event cannot postdate its article.

A date stated with its weekday ("Friday (3 February)") becomes a claim of the built-in metric
`weekday`; this check tells whether that day was that weekday.  Claims of the date metrics named
in `event_metrics` must not fall after their source's publication date.

Passing::

    "on Friday (3 February)" in an article of 2023     # 3 February 2023 was a Friday

Failing::

    "on Monday (3 February)" in an article of 2023
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from factcheck.checks.base import CheckContext, CheckSpec, describe, finding
from factcheck.models import Finding

KIND = "calendar"
WEEKDAY_METRIC = "weekday"


class Spec(CheckSpec):
    kind: Literal["calendar"]
    event_metrics: tuple[str, ...] = ()


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for c in ctx.of_metric(WEEKDAY_METRIC, modality=None):
        if not isinstance(c.value, str) or not c.weekday or len(c.value) != 10:
            continue
        day = dt.date.fromisoformat(c.value)
        actual = day.strftime("%A")
        ok = actual.lower() == c.weekday.lower()
        out.append(
            finding(
                spec,
                KIND,
                "agreement" if ok else "conflict",
                [c],
                f"{day:%-d %B %Y} was a {actual}"
                + (
                    f", as {c.source}:{c.line} says"
                    if ok
                    else f", not a {c.weekday}: {describe(c)}"
                ),
                f"weekday({c.value}) = {actual}",
                metric=WEEKDAY_METRIC,
            )
        )
    for metric in spec.event_metrics:
        for c in ctx.of_metric(metric):
            published = ctx.published.get(c.source)
            if published is None or not isinstance(c.low, str):
                continue
            if dt.date.fromisoformat(c.low) > published:
                out.append(
                    finding(
                        spec,
                        KIND,
                        "conflict",
                        [c],
                        f"{describe(c)} is dated after its article was published ({published})",
                        f"{c.low} > {published}: a reported event cannot postdate its article",
                    )
                )
    return out

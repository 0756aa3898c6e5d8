"""calendar: a named weekday must match its date, and a reported event cannot postdate its article.

A date stated with its weekday ("Friday (3 February)") becomes a claim of the built-in metric
`weekday`; this check tells whether that day was that weekday (an agreement or a conflict for
each such claim; English names, full or three-letter).  Claims of the date metrics named in
`event_metrics` must not fall after their source's publication date: an event whose earliest
possible day is later than the article is a conflict; one that may fall on or before it ("in
2023" in an article of 3 February 2023) passes silently, and so does a claim in an article with
no publication date.  Forecasts and targets ("will close on 1 March") are not events yet.

Passing::

    "on Friday (3 February)" in an article of 2023     # 3 February 2023 was a Friday

Failing::

    "on Monday (3 February)" in an article of 2023
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from factcheck.checks.base import CheckContext, CheckSpec, date_span, finding
from factcheck.models import Finding
from factcheck.spec import MonthName

KIND = "calendar"
WEEKDAY_METRIC = "weekday"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS: tuple[str, ...] = get_args(MonthName)


class Spec(CheckSpec):
    kind: Literal["calendar"]
    event_metrics: tuple[str, ...] = ()


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for c in ctx.of_metric(WEEKDAY_METRIC, modality=None):
        if not isinstance(c.value, str) or not c.weekday or len(c.value) != 10:
            continue
        day = dt.date.fromisoformat(c.value)
        # Not strftime("%A"): that follows the process locale, the texts are in English.
        actual = WEEKDAYS[day.weekday()]
        stated = c.weekday.strip().lower()
        ok = stated == actual.lower() or stated.rstrip(".") == actual[:3].lower()
        out.append(
            finding(
                spec,
                KIND,
                "agreement" if ok else "conflict",
                [c],
                f"{day.day} {MONTHS[day.month - 1]} {day.year} was a {actual}"
                + (
                    f", as {c.source}:{c.line} says"
                    if ok
                    else f", not a {c.weekday}: {ctx.texts.describe(c)}"
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
            if date_span(c.low)[0] > published:
                out.append(
                    finding(
                        spec,
                        KIND,
                        "conflict",
                        [c],
                        f"{ctx.texts.describe(c)} is dated after its article was published "
                        f"({published})",
                        f"{c.low} > {published}: a reported event cannot postdate its article",
                    )
                )
    return out

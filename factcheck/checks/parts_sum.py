"""parts_sum: the figures for the parts of a whole add up to the figure for the whole.

A claim about a whole has a subject of two or more entities ("$4.3 billion for the two
countries combined" beside "$3.1 billion for Mozambique and $1.2 billion for Malawi" is about
[Malawi, Mozambique]; see `factcheck/bind/subjects.py`).  Its parts are the claims of the same
metric, period, unit and (for a metric with `by_source`) body whose subject is one of the
whole's entities.  When every part is stated, the sum of their intervals must overlap the
whole's, widened by the tolerance; when only some are, they must not exceed the whole.  A part
stated twice counts once, by the statement nearest the whole.

Parts and whole are taken from one article, which speaks of one moment: a running total (a
death toll) grows between articles, and two articles' figures need not be of the same date.
With `across_sources: true`, parts of the same period from other articles count too (for
flows over a stated period, whose figures do not move).

Passing::

    "$3.1 billion for Mozambique and $1.2 billion for Malawi, or $4.3 billion for the two
    countries combined"                           # [3.05, 3.15] + [1.15, 1.25] ∋ 4.3

Failing::

    "389 people were killed in Mozambique and 96 in Malawi, bringing the toll in the two
    countries to 458"                             # 389 + 96 = 485, not 458
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from factcheck.checks.base import CheckContext, CheckSpec, finding, overlap, show_number, spread
from factcheck.models import Claim, Finding

KIND = "parts_sum"

_Key = tuple[object, ...]


class Spec(CheckSpec):
    kind: Literal["parts_sum"]
    metric: str
    across_sources: bool = False


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    claims = [c for c in ctx.of_metric(spec.metric) if not c.is_date and not c.members]
    parts: dict[_Key, list[Claim]] = defaultdict(list)
    for c in claims:
        if len(c.subject) == 1:
            parts[_key(spec, ctx, c, c.subject[0])].append(c)
    out: list[Finding] = []
    tol = spec.tolerance_fraction
    for whole in claims:
        if len(whole.subject) < 2:
            continue
        found = [_nearest(parts.get(_key(spec, ctx, whole, e), []), whole) for e in whole.subject]
        given = sorted([p for p in found if p is not None], key=lambda c: c.sort_key)
        if not given:
            continue
        total = _sum([p.interval() for p in given])
        complete = len(given) == len(found)
        terms = " + ".join(show_number(float(p.value), p.unit) for p in given)
        stated = ctx.texts.show_interval(whole)
        summed = f"[{_show(total[0], whole.unit)}, {_show(total[1], whole.unit)}]"
        if complete:
            ok = overlap(total, whole.interval(), tol)
            why = f"{terms} = {summed} {'overlaps' if ok else 'does not overlap'} {stated}"
        else:
            missing = [e for e, p in zip(whole.subject, found, strict=True) if p is None]
            ok = spread(total, tol)[0] <= spread(whole.interval(), tol)[1]
            if ok:
                continue  # parts below their whole, with some not stated: nothing to say
            why = (
                f"{terms} = {summed} already exceeds {stated}, without {', '.join(missing)}'s part"
            )
        verb = "add up to" if ok else "do not add up to"
        out.append(
            finding(
                spec,
                KIND,
                "agreement" if ok else "conflict",
                [whole, *given],
                f"the parts {ctx.texts.describe_many(given)} {verb} the whole "
                f"{ctx.texts.describe(whole)}",
                why + (f" (tolerance {spec.tolerance})" if tol else ""),
            )
        )
    return out


def _key(spec: Spec, ctx: CheckContext, c: Claim, entity: str) -> _Key:
    p = c.period
    return (
        None if spec.across_sources else c.source,
        p.start if p else None,
        p.end if p else None,
        c.unit,
        ctx.body(c),
        entity,
    )


def _nearest(candidates: Sequence[Claim], whole: Claim) -> Claim | None:
    """A part stated more than once counts once: by the statement nearest the whole."""
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda c: (c.source != whole.source, abs(c.start - whole.start), c.sort_key),
    )


def _sum(intervals: Sequence[tuple[float, float]]) -> tuple[float, float]:
    return sum(lo for lo, _ in intervals), sum(hi for _, hi in intervals)


def _show(x: float, unit: str | None) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return show_number(x, unit)

"""known_fact: a claim must agree with the facts a desk has recorded in `facts:`.

A fact names a metric and a value (and optionally a subject, a period and the dates between
which it holds).  A claim of that metric whose interval overlaps the fact's value is an
agreement marked known_fact; one that cannot hold beside it is a conflict marked known_fact,
the finding a CI gate fails on.

Passing::

    fact: {metric: eu_member_count, value: 27, valid_from: 2020-02-01}
    text: "The EU as a whole, with its 27 members, ..."

Failing::

    fact: {metric: trade_mission_agreement_signed, value: 1992-10-22}
    text: "the Agreement on the mutual establishment of trade missions of 1993"
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from factcheck.checks.base import CheckContext, CheckSpec, describe, finding, show_interval
from factcheck.models import Claim, Finding, intervals_overlap
from factcheck.spec import FactSpec, tolerance_fraction
from factcheck.units import parse_quantity

KIND = "known_fact"


class Spec(CheckSpec):
    kind: Literal["known_fact"]
    metric: str | None = None  # None: every fact of every metric


def fact_interval(fact: FactSpec, unit: str | None) -> tuple[float, float]:
    v = fact.value
    if isinstance(v, dt.date):
        return float(v.toordinal()), float(v.toordinal())
    if isinstance(v, int) and unit in ("year", "date"):
        return float(dt.date(v, 1, 1).toordinal()), float(dt.date(v, 12, 31).toordinal())
    if isinstance(v, int | float):
        return float(v), float(v)
    n = parse_quantity(
        str(v), unit if unit not in (None, "count", "rank", "year", "date") else None
    )
    return n, n


def fact_label(fact: FactSpec) -> str:
    return fact.value.isoformat() if isinstance(fact.value, dt.date) else str(fact.value)


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for fact in ctx.facts:
        if spec.metric and fact.metric != spec.metric:
            continue
        metric = ctx.metrics.get(fact.metric)
        unit = metric.unit if metric else None
        target = fact_interval(fact, unit)
        tol = max(tolerance_fraction(fact.tolerance), spec.tolerance_fraction)
        for c in ctx.of_metric(fact.metric):
            if not _applies(fact, c, ctx):
                continue
            ok = intervals_overlap(c.interval(), target, tol)
            verb = "matches" if ok else "contradicts"
            out.append(
                finding(
                    spec,
                    KIND,
                    "agreement" if ok else "conflict",
                    [c],
                    f"{describe(c)} {verb} the known fact {fact.id}: {fact.metric} = "
                    f"{fact_label(fact)} ({fact.source})",
                    f"{show_interval(c)} vs {fact_label(fact)}" + ("" if ok else " do not overlap"),
                    known_fact=True,
                    fact=fact.id,
                )
            )
    return out


def _applies(fact: FactSpec, c: Claim, ctx: CheckContext) -> bool:
    if fact.subject and tuple(fact.subject) != c.subject:
        return False
    if fact.period and c.period and (c.period.start, c.period.end) != fact.period:
        return False
    when = ctx.published.get(c.source)
    if when is not None:
        if fact.valid_from and when < fact.valid_from:
            return False
        if fact.valid_to and when > fact.valid_to:
            return False
    return True

"""known_fact: a claim must agree with the facts a desk has recorded in `facts:`.

A fact names a metric and a value (and optionally a subject, a period and the dates between
which it holds).  A claim of that metric whose interval overlaps the fact's value, widened by
the larger of the fact's and the check's relative tolerance, is an agreement marked known_fact;
one that cannot hold beside it is a conflict marked known_fact, the finding a CI gate fails on.
Forecasts and targets are never compared with facts.

A fact's value is a date (1992-10-22, or quoted '1992-10'), a year (2002: the whole year), a
number in the metric's unit (27), a quoted quantity ('22.2e9 USD') or, for a metric in
`entities`, a list of entity ids compared as a set (a complete list in the text must name them
all; a partial one, "members include", only members); a value that does not fit
the metric's unit is an error when the rules are loaded.  The fact applies to a claim only when:

- its `subject`, if given, is the claim's subject;
- for a metric with `by_source`, its `according_to` is the claim's attribution (a fact that
  names no body applies to claims that name none);
- its `period`, if given, is the claim's period (a claim with no period is not compared);
- its `valid_from` / `valid_to`, if given, enclose the claim's article's publication date (an
  article with no publication date is not compared: nobody can tell which fact held then).

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

from factcheck.checks.base import (
    DATE_UNITS,
    CheckContext,
    CheckSpec,
    date_span,
    finding,
    fraction,
    overlap,
    quantity_in,
)
from factcheck.models import Claim, Finding
from factcheck.spec import FactSpec
from factcheck.units import UnitError, finite
from factcheck.wording import date_words, number_words

KIND = "known_fact"


class Spec(CheckSpec):
    kind: Literal["known_fact"]
    metric: str | None = None  # None: every fact of every metric


def fact_interval(fact: FactSpec, unit: str | None) -> tuple[float, float]:
    """The fact's value as an interval in the metric's unit (dates as day ordinals).

    Raises UnitError when the value does not fit the unit; the loader calls this for every fact
    so the mistake is reported with its location, not in the middle of a run.
    """
    v = fact.value
    if isinstance(v, bool):  # YAML reads `yes` and `no` as booleans
        raise UnitError(f"{v!r} is not a value; quote it if it is text")
    if unit == "entities" or isinstance(v, tuple):
        if unit != "entities":
            raise UnitError(f"a list is a value only for a metric in `entities`, not in {unit}")
        if not isinstance(v, tuple) or not v or not all(isinstance(x, str) for x in v):
            raise UnitError("a metric in `entities` takes a list of entity ids: [Armenia, Belarus]")
        return float(len(v)), float(len(v))
    if unit in DATE_UNITS or (unit is None and isinstance(v, dt.date)):
        if isinstance(v, dt.date):
            return float(v.toordinal()), float(v.toordinal())
        if isinstance(v, int):
            first, last = date_span(f"{v:04d}")
        elif isinstance(v, str):
            try:
                first, last = date_span(v)
            except ValueError:
                raise UnitError(
                    f"{v!r} is not a date; write 2002, '1992-10' or 1992-10-22"
                ) from None
        else:
            raise UnitError(f"{v!r} is not a date; write 2002, '1992-10' or 1992-10-22")
        return float(first.toordinal()), float(last.toordinal())
    if isinstance(v, dt.date):
        raise UnitError(f"{v.isoformat()} is a date, but the metric is measured in {unit}")
    if isinstance(v, int | float):
        n = finite(v, v)
        return n, n
    n = quantity_in(v, unit)
    return n, n


def fact_label(fact: FactSpec, unit: str | None = None) -> str:
    """The fact's value in words: '22 October 1992', '$22.2 bn', 'Armenia, Belarus, ...'."""
    if isinstance(fact.value, tuple):
        return ", ".join(map(str, fact.value))
    if isinstance(fact.value, dt.date):
        return date_words(fact.value)
    if isinstance(fact.value, int | float) and unit not in DATE_UNITS:
        return number_words(float(fact.value), unit)
    return str(fact.value)


def compare_members(fact: FactSpec, c: Claim) -> tuple[bool, str]:
    """A list of members against the known set: a complete list must name exactly the
    members; a partial one ("members include ...", qualifier `over`) only members."""
    known = {str(x) for x in fact.value} if isinstance(fact.value, tuple) else set()
    named = set(c.members)
    extra = sorted(named - known)
    missing = sorted(known - named) if c.qualifier != "over" else []
    parts = []
    if missing:
        parts.append("leaves out " + ", ".join(missing))
    if extra:
        parts.append("names " + ", ".join(extra) + ", not a member")
    if not parts:
        return True, f"{{{', '.join(sorted(named))}}} ⊆ {{{', '.join(sorted(known))}}}"
    return False, f"the list {'; '.join(parts)} (known: {', '.join(sorted(known))})"


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for fact in ctx.facts:
        if spec.metric and fact.metric != spec.metric:
            continue
        metric = ctx.metrics.get(fact.metric)
        unit = metric.unit if metric else None
        target = fact_interval(fact, unit)
        tol = max(fraction(fact.tolerance), spec.tolerance_fraction)
        said = f" according to {fact.according_to}" if fact.according_to else ""
        for c in ctx.of_metric(fact.metric):
            if not _applies(fact, c, ctx):
                continue
            if unit == "entities":
                ok, why = compare_members(fact, c)
            else:
                ok = overlap(c.interval(), target, tol, c.is_date)
                verb_iv = "agree" if ok else "do not overlap"
                why = (
                    f"the stated {ctx.texts.show_interval(c)} and the known "
                    f"{fact_label(fact, unit)} {verb_iv}"
                )
            verb = "matches" if ok else "contradicts"
            out.append(
                finding(
                    spec,
                    KIND,
                    "agreement" if ok else "conflict",
                    [c],
                    f"{ctx.texts.describe(c)} {verb} the known fact {fact.id}: {fact.metric} = "
                    f"{fact_label(fact, unit)}{said} ({fact.source})",
                    why,
                    known_fact=True,
                    fact=fact.id,
                )
            )
    return out


def _applies(fact: FactSpec, c: Claim, ctx: CheckContext) -> bool:
    if fact.subject and tuple(fact.subject) != c.subject:
        return False
    metric = ctx.metrics.get(fact.metric)
    if metric is not None and metric.by_source and fact.according_to != c.attribution:
        return False  # another body's figure, or a body's figure against an unattributed one
    if fact.period and (c.period is None or (c.period.start, c.period.end) != fact.period):
        return False
    if fact.valid_from or fact.valid_to:
        when = ctx.published.get(c.source)
        if when is None:
            return False
        if fact.valid_from and when < fact.valid_from:
            return False
        if fact.valid_to and when > fact.valid_to:
            return False
    return True

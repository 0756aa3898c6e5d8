"""range: a claim must lie within bounds, such as a share between 0 and 100 %.

A claim whose whole interval lies outside [min, max] (widened by the tolerance) is a conflict;
a claim that can lie inside passes silently (a bound met is no news).  Bounds are quoted
strings in the metric's unit: "0 percent", "1e12 USD", or a bare number ("0") taken in that
unit; for a date or year metric, dates ("1991", "1992-10-22": `min` is the first day it names,
`max` the last).  Either bound may be left out.  Forecasts and targets are checked too: an
impossible figure is impossible whoever predicts it.

Passing::

    {metric: software_share, min: "0 percent", max: "100 percent"}  "already about 85%"

Failing::

    {metric: software_share, min: "0 percent", max: "100 percent"}  "some 185%"
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import field_validator

from factcheck.checks.base import (
    DATE_UNITS,
    CheckContext,
    CheckSpec,
    date_span,
    finding,
    overlap,
    quantity_in,
)
from factcheck.models import Finding
from factcheck.spec import read_quantity
from factcheck.units import UnitError

KIND = "range"


class Spec(CheckSpec):
    kind: Literal["range"]
    metric: str
    min: str | None = None  # a quantity string: "0 percent", "0 USD", "0", or a date "1991"
    max: str | None = None

    @field_validator("min", "max")
    @classmethod
    def _quantity(cls, v: str | None) -> str | None:
        # The metric's unit is known only once all files are read; the loader checks the
        # bound against it (`bounds`), here only that it is a quantity or a date at all.
        if v is not None:
            try:
                date_span(v)
            except ValueError:
                read_quantity(v)
        return v


def bounds(spec: Spec, unit: str | None) -> tuple[float, float]:
    """[min, max] as numbers in `unit` (day ordinals for dates); UnitError if a bound misfits."""
    return _bound(spec.min, unit, 0, -math.inf), _bound(spec.max, unit, 1, math.inf)


def _bound(text: str | None, unit: str | None, end: int, unbounded: float) -> float:
    if text is None:
        return unbounded
    if unit in DATE_UNITS:
        try:
            return float(date_span(text)[end].toordinal())
        except ValueError:
            raise UnitError(f"{text!r} is not a date; write 1991 or 1992-10-22") from None
    return quantity_in(text, unit)


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    metric = ctx.metrics.get(spec.metric)
    lo, hi = bounds(spec, metric.unit if metric else None)
    out: list[Finding] = []
    for c in ctx.of_metric(spec.metric, modality=None):
        if overlap(c.interval(), (lo, hi), spec.tolerance_fraction, c.is_date):
            continue
        out.append(
            finding(
                spec,
                KIND,
                "conflict",
                [c],
                f"{ctx.texts.describe(c)} lies outside [{spec.min or '-∞'}, {spec.max or '∞'}]",
                f"{ctx.texts.show_interval(c)} ∩ [{spec.min or '-∞'}, {spec.max or '∞'}] is empty",
            )
        )
    return out

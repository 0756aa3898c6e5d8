"""range: a claim must lie within bounds, such as a share between 0 and 100 %.

A claim whose whole interval lies outside [min, max] is a conflict; a claim that can lie inside
passes silently (a bound met is no news).

Passing::

    {metric: software_share, min: "0 percent", max: "100 percent"}  "already about 85%"

Failing::

    {metric: software_share, min: "0 percent", max: "100 percent"}  "some 185%"
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import field_validator

from factcheck.checks.base import CheckContext, CheckSpec, describe, finding, show_interval
from factcheck.models import Finding, intervals_overlap
from factcheck.units import parse_quantity

KIND = "range"


class Spec(CheckSpec):
    kind: Literal["range"]
    metric: str
    min: str | None = None  # a quantity string: "0 percent", "0 USD", "0"
    max: str | None = None

    @field_validator("min", "max")
    @classmethod
    def _quantity(cls, v: str | None) -> str | None:
        if v is not None:
            parse_quantity(v)
        return v


def check(spec: Spec, ctx: CheckContext) -> list[Finding]:
    metric = ctx.metrics.get(spec.metric)
    unit = metric.unit if metric else None
    conv_unit = unit if unit not in ("count", "rank", "year", "date", None) else None
    lo = parse_quantity(spec.min, conv_unit) if spec.min is not None else -math.inf
    hi = parse_quantity(spec.max, conv_unit) if spec.max is not None else math.inf
    out: list[Finding] = []
    for c in ctx.of_metric(spec.metric, modality=None):
        if intervals_overlap(c.interval(), (lo, hi), spec.tolerance_fraction):
            continue
        out.append(
            finding(
                spec,
                KIND,
                "conflict",
                [c],
                f"{describe(c)} lies outside [{spec.min or '-∞'}, {spec.max or '∞'}]",
                f"{show_interval(c)} ∩ [{lo:g}, {hi:g}] is empty",
            )
        )
    return out

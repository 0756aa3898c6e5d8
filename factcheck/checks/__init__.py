"""Check kinds: one module each, holding its spec model (`Spec`) and its `check()`.

The registry is a plain dict; the rule-file model's `checks:` list is the union of the specs,
told apart by `kind`.  To add a kind, write a module with `KIND`, `Spec` and `check`, add it
here, and give it a fixture file in tests/fixtures/checks/.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Annotated, Any

from pydantic import Field

from factcheck.checks import (
    agreement,
    calendar,
    growth,
    known_fact,
    parts_sum,
    range,
    running_total,
    subperiod_bound,
)
from factcheck.checks.base import CheckContext, CheckSpec
from factcheck.models import Finding

MODULES: tuple[ModuleType, ...] = (
    agreement,
    known_fact,
    growth,
    subperiod_bound,
    calendar,
    range,
    parts_sum,
    running_total,
)
REGISTRY: dict[str, ModuleType] = {m.KIND: m for m in MODULES}

AnyCheck = Annotated[
    agreement.Spec
    | known_fact.Spec
    | growth.Spec
    | subperiod_bound.Spec
    | calendar.Spec
    | range.Spec
    | parts_sum.Spec
    | running_total.Spec,
    Field(discriminator="kind"),
]


def run(spec: CheckSpec, ctx: CheckContext) -> list[Finding]:
    module = REGISTRY[spec.kind]  # type: ignore[attr-defined]
    fn: Callable[[Any, CheckContext], list[Finding]] = module.check
    return fn(spec, ctx)


__all__ = ["REGISTRY", "AnyCheck", "CheckContext", "CheckSpec", "run"]

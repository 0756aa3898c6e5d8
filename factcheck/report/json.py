"""The JSON report: the contract CI tools and shared/tools/score.py read.

Top level `schema_version`, `sources`, `claims`, `findings`, plus `unbound` (coverage) and
`warnings`.  Dates are ISO strings at their precision, unbounded interval ends are null, keys
are sorted and nothing depends on the clock, so the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from factcheck.models import Report


def render(report: Report) -> str:
    data = report.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    s = Report.model_json_schema(mode="serialization")
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "factcheck consistency report"
    return s

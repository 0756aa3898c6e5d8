"""Rule files: loading `rules/*.yaml`, validating them, and their JSON Schema.

A rule file has up to four sections: `metrics` (what a number is about), `checks` (which
comparisons to run), `facts` (what a desk knows) and `entities` (names of countries and
organisations).  Every mistake is reported as `path:line:column: message` with a hint, all of a
folder's mistakes at once, never as a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from factcheck.checks import REGISTRY, AnyCheck
from factcheck.checks.calendar import WEEKDAY_METRIC
from factcheck.errors import ErrorGroup, FactcheckError, Location
from factcheck.spec import EntitySpec, FactSpec, MetricSpec
from factcheck.yamlload import YamlDoc, load_yaml

RULE_SUFFIXES = (".yaml", ".yml")
SCHEMA_FILE = "rules.schema.json"
BUILTIN_METRICS = {
    WEEKDAY_METRIC: MetricSpec(
        id=WEEKDAY_METRIC, unit="date", description="a date stated with its weekday"
    ),
}


class RuleFile(BaseModel):
    """One YAML file of rules."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="factcheck rule file")

    metrics: tuple[MetricSpec, ...] = Field(default=(), description="what numbers are about")
    checks: tuple[AnyCheck, ...] = Field(default=(), description="which comparisons to run")
    facts: tuple[FactSpec, ...] = Field(default=(), description="known facts, each with a source")
    entities: tuple[EntitySpec, ...] = Field(
        default=(), description="countries, blocs and organisations, with their aliases"
    )


@dataclass
class RuleSet:
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    checks: list[Any] = field(default_factory=list)
    facts: list[FactSpec] = field(default_factory=list)
    entities: dict[str, EntitySpec] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    sha256: str = ""


def rule_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.suffix in RULE_SUFFIXES and f.is_file() and not f.name.startswith(".")
                )
            )
        elif p.is_file():
            out.append(p)
        else:
            raise FactcheckError(
                "no such rules file or folder", Location(str(p)), "pass --rules DIR"
            )
    return out


def load_rules(paths: Sequence[Path]) -> RuleSet:
    """Load and validate every rule file; raise an ErrorGroup listing all mistakes found."""
    files = rule_files(paths)
    errors: list[FactcheckError] = []
    if not files:
        raise FactcheckError(
            "no rule files (*.yaml) found",
            Location(", ".join(map(str, paths)) or "."),
            "pass --rules DIR with at least one rules file",
        )
    parsed: list[tuple[YamlDoc, RuleFile]] = []
    digest = hashlib.sha256()
    for f in files:
        try:
            doc = load_yaml(f)
        except FactcheckError as exc:
            errors.append(exc)
            continue
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
        rf = _validate(doc, errors)
        if rf is not None:
            parsed.append((doc, rf))
    rs = RuleSet(files=[str(f) for f in files], sha256=digest.hexdigest())
    rs.metrics.update(BUILTIN_METRICS)
    seen: dict[tuple[str, str], Location] = {}

    def unique(section: str, ident: str, loc: Location) -> bool:
        if (section, ident) in seen:
            first = seen[(section, ident)]
            errors.append(
                FactcheckError(
                    f"duplicate {section} id {ident!r} (first defined at {first})",
                    loc,
                    "ids are never reused; rename one of them",
                )
            )
            return False
        seen[(section, ident)] = loc
        return True

    for doc, rf in parsed:
        for i, e in enumerate(rf.entities):
            if unique("entity", e.id, doc.location(("entities", i, "id"))):
                rs.entities[e.id] = e
        for i, m in enumerate(rf.metrics):
            loc = doc.location(("metrics", i, "id"))
            if m.id in BUILTIN_METRICS:
                errors.append(
                    FactcheckError(f"{m.id!r} is a built-in metric", loc, "choose another id")
                )
            elif unique("metric", m.id, loc):
                rs.metrics[m.id] = m
    for doc, rf in parsed:
        for i, c in enumerate(rf.checks):
            if unique("check", c.id, doc.location(("checks", i, "id"))):
                rs.checks.append(c)
            for key in ("metric", "level"):
                ref = getattr(c, key, None)
                if ref is not None and ref not in rs.metrics:
                    errors.append(_unknown_metric(ref, doc.location(("checks", i, key)), rs))
            for j, ref in enumerate(getattr(c, "event_metrics", ())):
                if ref not in rs.metrics:
                    errors.append(
                        _unknown_metric(ref, doc.location(("checks", i, "event_metrics", j)), rs)
                    )
        for i, fact in enumerate(rf.facts):
            if unique("fact", fact.id, doc.location(("facts", i, "id"))):
                rs.facts.append(fact)
            if fact.metric not in rs.metrics:
                errors.append(
                    _unknown_metric(fact.metric, doc.location(("facts", i, "metric")), rs)
                )
        for i, m in enumerate(rf.metrics):
            for j, party in enumerate(m.subject.parties):
                if party not in rs.entities:
                    errors.append(
                        FactcheckError(
                            f"unknown entity {party!r}",
                            doc.location(("metrics", i, "subject", "parties", j)),
                            "add it under `entities:` (with its aliases) or fix the spelling; "
                            f"known: {', '.join(sorted(rs.entities)) or 'none'}",
                        )
                    )
    if errors:
        raise ErrorGroup(errors)
    return rs


def _unknown_metric(ref: str, loc: Location, rs: RuleSet) -> FactcheckError:
    import difflib

    close = difflib.get_close_matches(ref, list(rs.metrics), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "define it under `metrics:`"
    return FactcheckError(f"unknown metric {ref!r}", loc, hint)


def _validate(doc: YamlDoc, errors: list[FactcheckError]) -> RuleFile | None:
    data = doc.value
    if data is None:
        return RuleFile()
    if not isinstance(data, dict):
        errors.append(
            FactcheckError(
                "a rule file is a mapping with the sections metrics, checks, facts, entities",
                doc.location(()),
                "start the file with `metrics:` or `checks:`",
            )
        )
        return None
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            errors.append(_located(doc, e))
        return None


def _located(doc: YamlDoc, e: Any) -> FactcheckError:
    loc = tuple(e["loc"])
    kind = e["type"]
    # pydantic puts the discriminator tag into the path ("checks", 0, "agreement", "metric").
    path = tuple(p for p in loc if not (isinstance(p, str) and p in REGISTRY and loc.index(p) == 2))
    field_name = str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        return FactcheckError(
            f"unknown key {field_name!r}",
            doc.location(path, key=True),
            "remove it or check its spelling; `factcheck schema rules` lists the allowed keys",
        )
    if kind == "union_tag_invalid":
        tag = e.get("ctx", {}).get("tag", "?")
        return FactcheckError(
            f"unknown check kind {tag!r}",
            doc.location((*path, "kind")),
            f"kinds: {', '.join(sorted(REGISTRY))}",
        )
    if kind == "union_tag_not_found":
        return FactcheckError(
            "a check needs a `kind`",
            doc.location(path),
            f"add `kind:` one of {', '.join(sorted(REGISTRY))}",
        )
    if kind == "missing":
        return FactcheckError(
            f"missing required key {field_name!r}",
            doc.location(path[:-1]),
            f"add `{field_name}:`",
        )
    msg = str(e["msg"]).removeprefix("Value error, ")
    where = ".".join(str(p) for p in path)
    return FactcheckError(f"{where}: {msg}", doc.location(path), _hint_for(kind, field_name))


def _hint_for(kind: str, field_name: str) -> str:
    if field_name == "unit":
        return (
            "use a currency code (USD, EUR, RUB, KZT, ...) or percent, pp, count, rank, year, date"
        )
    if "pattern" in field_name:
        return "check the regular expression's brackets and escapes"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "check the value's type; write quantities as quoted strings ('22.2e9 USD')"
    if field_name == "id" or kind == "string_pattern_mismatch":
        return "ids are lower case: letters, digits, '_', '.', '-', starting with a letter"
    return "see `factcheck schema rules` for the format"


def rules_schema() -> dict[str, Any]:
    schema = RuleFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def rules_schema_text() -> str:
    return json.dumps(rules_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

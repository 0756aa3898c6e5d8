"""Rule files: loading `rules/*.yaml`, validating them, and their JSON Schema.

A rule file has up to four sections: `metrics` (what a number is about), `checks` (which
comparisons to run), `facts` (what a desk knows) and `entities` (names of countries and
organisations).  Every mistake is reported as `path:line:column: message` with a hint, all of a
folder's mistakes at once, never as a traceback.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from factcheck.checks import REGISTRY, AnyCheck, calendar, growth, known_fact
from factcheck.checks import range as range_check
from factcheck.checks.calendar import WEEKDAY_METRIC
from factcheck.errors import ErrorGroup, FactcheckError, Location
from factcheck.spec import (
    CONTRADICTION,
    EntitySpec,
    ExpectedClaim,
    FactSpec,
    MetricExample,
    MetricSpec,
    RateSpec,
    SubjectSpec,
)
from factcheck.units import UnitError
from factcheck.yamlload import YamlDoc, decode_yaml_bytes, load_yaml, read_yaml_bytes

RULE_SUFFIXES = (".yaml", ".yml")
M = TypeVar("M", bound=BaseModel)
SCHEMA_FILE = "rules.schema.json"
# Stable codes of rule-file mistakes, for CI annotations and editors (README "Error codes").
ERROR_CODES = {
    "FC100": "no rule files, or no such rules path",
    "FC101": "unknown key",
    "FC102": "unknown check kind",
    "FC103": "a check without a kind",
    "FC104": "missing required key",
    "FC105": "a value of the wrong type or form",
    "FC106": "unknown metric",
    "FC107": "unknown entity",
    "FC108": "duplicate id",
    "FC109": "a value not in its metric's unit, or a metric of the wrong unit for a check",
    "FC110": "not readable YAML (syntax, duplicate key, unsafe tag, too large)",
    "FC111": "contradictory options (a range's min above its max, a period ending before it "
    "starts)",
    "FC112": "a built-in metric's id reused",
}
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
    rates: tuple[RateSpec, ...] = Field(
        default=(), description="exchange rates (period averages, with their source)"
    )


@dataclass
class RuleSet:
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    checks: list[Any] = field(default_factory=list)
    facts: list[FactSpec] = field(default_factory=list)
    entities: dict[str, EntitySpec] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    sha256: str = ""
    # Spellings read another way than written ("usd" as USD), as `path:line:col: note`.
    notes: list[str] = field(default_factory=list)
    rates: list[RateSpec] = field(default_factory=list)


def rule_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            try:
                names = sorted(p.iterdir())
            except OSError as exc:
                raise FactcheckError(
                    f"cannot read the rules folder: {exc.strerror or exc}",
                    Location(str(p)),
                    "check its permissions, or pass another --rules",
                ) from None
            out.extend(
                f
                for f in names
                if f.suffix in RULE_SUFFIXES and f.is_file() and not f.name.startswith(".")
            )
        elif p.is_file():
            out.append(p)
        else:
            raise FactcheckError(
                "no such rules file or folder", Location(str(p)), "pass --rules DIR", "FC100"
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
            "FC100",
        )
    parsed: list[tuple[YamlDoc, RuleFile]] = []
    digest = hashlib.sha256()
    for f in files:
        try:
            raw = read_yaml_bytes(str(f))  # read once: what is hashed is what was checked
            doc = load_yaml(f, decode_yaml_bytes(raw, str(f)))
        except FactcheckError as exc:
            exc.code = exc.code or "FC110"
            errors.append(exc)
            continue
        digest.update(f.name.encode("utf-8", "surrogateescape") + b"\0" + raw)
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
                    "FC108",
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
                    FactcheckError(
                        f"{m.id!r} is a built-in metric", loc, "choose another id", "FC112"
                    )
                )
            elif unique("metric", m.id, loc):
                rs.metrics[m.id] = m
            rs.notes.extend(_unit_fold_note(doc, i, m))
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
            errors.extend(_check_units(doc, i, c, rs))
        for i, rate in enumerate(rf.rates):
            if unique("rate", rate.id, doc.location(("rates", i, "id"))):
                rs.rates.append(rate)
        for i, fact in enumerate(rf.facts):
            if unique("fact", fact.id, doc.location(("facts", i, "id"))):
                rs.facts.append(fact)
            if fact.metric not in rs.metrics:
                errors.append(
                    _unknown_metric(fact.metric, doc.location(("facts", i, "metric")), rs)
                )
            else:
                # A value that cannot be read in its metric's unit would otherwise surface
                # only when a check runs, far from the line that is wrong.
                unit = rs.metrics[fact.metric].unit
                try:
                    known_fact.fact_interval(fact, unit)
                except UnitError as exc:
                    errors.append(
                        FactcheckError(
                            f"facts.{i}.value: {exc}",
                            doc.location(("facts", i, "value")),
                            _unit_hint(unit),
                            "FC109",
                        )
                    )
            members = fact.value if isinstance(fact.value, tuple) else ()
            for j, member in enumerate(members):
                if isinstance(member, str) and member not in rs.entities:
                    errors.append(
                        _unknown_entity(member, doc.location(("facts", i, "value", j)), rs)
                    )
            for j, party in enumerate(fact.subject):
                if party not in rs.entities:
                    errors.append(
                        _unknown_entity(party, doc.location(("facts", i, "subject", j)), rs)
                    )
            body = fact.according_to
            if body is not None and (body not in rs.entities or not rs.entities[body].body):
                loc = doc.location(("facts", i, "according_to"))
                if body not in rs.entities:
                    errors.append(_unknown_entity(body, loc, rs))
                else:
                    errors.append(
                        FactcheckError(
                            f"{body!r} is not a body",
                            loc,
                            "mark it `body: true` under `entities:` if it states figures",
                        )
                    )
        for i, m in enumerate(rf.metrics):
            for j, party in enumerate(m.subject.parties):
                if party not in rs.entities:
                    errors.append(
                        _unknown_entity(
                            party, doc.location(("metrics", i, "subject", "parties", j)), rs
                        )
                    )
    if errors:
        # In file order, whichever pass found them: the first error is the first to fix.
        errors.sort(key=lambda e: (e.location.path, e.location.line or 0, e.location.column or 0))
        raise ErrorGroup(errors)
    return rs


def _unit_fold_note(doc: YamlDoc, i: int, m: MetricSpec) -> list[str]:
    """A note where a metric's unit was folded ("usd" read as USD), so the writer knows."""
    try:
        written = doc.value["metrics"][i]["unit"]
    except (KeyError, IndexError, TypeError):
        return []
    if not isinstance(written, str) or written == m.unit:
        return []
    where = doc.location(("metrics", i, "unit"))
    return [f"{where}: note: unit {written!r} read as {m.unit!r}; write {m.unit!r} to silence this"]


def _unknown_entity(ref: str, loc: Location, rs: RuleSet) -> FactcheckError:
    close = difflib.get_close_matches(ref, list(rs.entities), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return FactcheckError(
        f"unknown entity {ref!r}",
        loc,
        f"{hint}add it under `entities:` (with its aliases) or fix the spelling; "
        f"known: {', '.join(sorted(rs.entities)) or 'none'}",
        "FC107",
    )


def _unit_hint(unit: str) -> str:
    if unit in ("year", "date"):
        return "write a date (1992-10-22), a year (2002) or a quoted month ('1992-10')"
    if unit in ("count", "rank"):
        return "write a plain number: 27"
    if unit == "percent":
        return "write a quoted percentage: '0 percent', '100 percent'"
    return f"write a number or a quoted quantity in {unit}: '22.2e9 {unit}', '1.5 billion {unit}'"


def _check_units(doc: YamlDoc, i: int, c: Any, rs: RuleSet) -> list[FactcheckError]:
    """Options that must fit the unit of the metric they name."""
    out: list[FactcheckError] = []

    def unit_of(key: str) -> str | None:
        m = rs.metrics.get(getattr(c, key, None) or "")
        return m.unit if m else None

    if isinstance(c, range_check.Spec) and unit_of("metric") is not None:
        unit = unit_of("metric")
        try:
            low, high = range_check.bounds(c, unit)
        except UnitError:
            low, high = 0.0, 0.0  # a bound that misfits is reported below
        if low > high:
            out.append(
                FactcheckError(
                    f"checks.{i}: min {c.min!r} is above max {c.max!r}: no claim can lie in "
                    "the range",
                    doc.location(("checks", i, "min")),
                    "swap them, or leave one out for a one-sided bound",
                    "FC111",
                )
            )
        for key in ("min", "max"):
            try:
                range_check.bounds(c.model_copy(update={"min": getattr(c, key), "max": None}), unit)
            except UnitError as exc:
                out.append(
                    FactcheckError(
                        f"checks.{i}.{key}: {exc}",
                        doc.location(("checks", i, key)),
                        _unit_hint(unit or ""),
                        "FC109",
                    )
                )
    if isinstance(c, growth.Spec):
        if unit_of("metric") not in (None, "percent"):
            out.append(
                FactcheckError(
                    f"a growth check's metric is a rate in percent, but {c.metric!r} is in "
                    f"{unit_of('metric')}",
                    doc.location(("checks", i, "metric")),
                    "name the growth metric under `metric:` and the levels' under `level:`",
                    "FC109",
                )
            )
        if unit_of("level") in ("percent", "year", "date"):
            out.append(
                FactcheckError(
                    f"a growth check's levels are amounts, but {c.level!r} is in "
                    f"{unit_of('level')}",
                    doc.location(("checks", i, "level")),
                    "name the metric of the levels (e.g. trade_turnover) under `level:`",
                    "FC109",
                )
            )
    if isinstance(c, calendar.Spec):
        for j, ref in enumerate(c.event_metrics):
            m = rs.metrics.get(ref)
            if m is not None and not m.is_date:
                out.append(
                    FactcheckError(
                        f"event metric {ref!r} is in {m.unit}, not a date or a year",
                        doc.location(("checks", i, "event_metrics", j)),
                        "list only metrics with `unit: date` or `unit: year`",
                        "FC109",
                    )
                )
    return out


def _unknown_metric(ref: str, loc: Location, rs: RuleSet) -> FactcheckError:
    close = difflib.get_close_matches(ref, list(rs.metrics), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "define it under `metrics:`"
    return FactcheckError(f"unknown metric {ref!r}", loc, hint, "FC106")


def _validate(doc: YamlDoc, errors: list[FactcheckError]) -> RuleFile | None:
    return validate_as(RuleFile, doc, errors)


def validate_as(model: type[M], doc: YamlDoc, errors: list[FactcheckError]) -> M | None:
    """`doc` as a `model` (a rule file, a rule-test file), its mistakes added to `errors`."""
    data = doc.value
    if data is None:
        return model()
    if not isinstance(data, dict):
        errors.append(
            FactcheckError(
                "a rule file is a mapping with the sections metrics, checks, facts, entities",
                doc.location(()),
                "start the file with `metrics:` or `checks:`",
                "FC105",
            )
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # A union reports one error per member at the same place; say it once.
        by_path: dict[tuple[Any, ...], list[Any]] = {}
        for e in exc.errors():
            path, rest = _data_path(data, tuple(e["loc"]))
            if e["type"] == "literal_error" and isinstance(_at(data, path), dict):
                continue  # a union's word member (`claim: none`) said of a mapping: noise
            by_path.setdefault((path, rest[-1:] if e["type"] == "missing" else ()), []).append(e)
        for (path, _), errs in by_path.items():
            errors.append(_located(doc, path, errs))
        return None


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Split pydantic's error path into the part that exists in the YAML data and the rest.

    pydantic puts union members and discriminator tags into the path ("checks", 0, "agreement",
    "metric"; "facts", 0, "value", "float"); those name no place in the file and are dropped.
    """
    path: list[Any] = []
    rest: list[Any] = []
    node = data
    for p in loc:
        if (isinstance(node, dict) and p in node) or (
            isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node)
        ):
            node = node[p]
            path.append(p)
        else:
            rest.append(p)
    return tuple(path), tuple(rest)


def _located(doc: YamlDoc, path: tuple[Any, ...], errs: list[Any]) -> FactcheckError:
    e = errs[0]
    kind = e["type"]
    field_name = str(path[-1]) if path else ""
    where = ".".join(str(p) for p in path)
    if kind == "extra_forbidden":
        keys = _all_keys()
        close = difflib.get_close_matches(field_name, sorted(keys - {field_name}), n=1)
        if field_name in keys:
            hint = f"`{field_name}` belongs to another section or kind; "
        else:
            hint = f"did you mean {close[0]!r}? " if close else ""
        return FactcheckError(
            f"unknown key {field_name!r}",
            doc.location(path, key=True),
            hint + "`factcheck schema rules` lists the allowed keys",
            "FC101",
        )
    if kind == "union_tag_invalid":
        tag = e.get("ctx", {}).get("tag", "?")
        close = difflib.get_close_matches(str(tag), sorted(REGISTRY), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return FactcheckError(
            f"unknown check kind {tag!r}",
            doc.location((*path, "kind")),
            f"{hint}kinds: {', '.join(sorted(REGISTRY))}",
            "FC102",
        )
    if kind == "union_tag_not_found":
        return FactcheckError(
            "a check needs a `kind`",
            doc.location(path),
            f"add `kind:` one of {', '.join(sorted(REGISTRY))}",
            "FC103",
        )
    if kind == "missing":
        missing = e["loc"][-1]
        if isinstance(missing, int):  # a fixed-length list such as period: [start, end]
            return FactcheckError(
                f"{where}: too few items (item {missing + 1} is missing)",
                doc.location(path),
                "a period is written [start, end]: [2022-01-01, 2022-12-31]",
                "FC104",
            )
        return FactcheckError(
            f"missing required key {missing!r}",
            doc.location(path),
            f"add `{missing}:`",
            "FC104",
        )
    msgs = [str(x["msg"]).removeprefix("Value error, ") for x in errs]
    if len(msgs) > 1:
        wanted = [m.removeprefix("Input should be ") for m in msgs]
        msg = "Input should be " + " or ".join(dict.fromkeys(wanted))
    else:
        msg = msgs[0]
    code = "FC111" if msg.startswith(CONTRADICTION) else "FC105"
    return FactcheckError(
        f"{where}: {msg.removeprefix(CONTRADICTION)}",
        doc.location(path),
        _hint_for(kind, field_name),
        code,
    )


def _all_keys() -> set[str]:
    models: list[type[BaseModel]] = [
        RuleFile,
        MetricSpec,
        FactSpec,
        EntitySpec,
        SubjectSpec,
        MetricExample,
        ExpectedClaim,
        RateSpec,
    ]
    models.extend(m.Spec for m in REGISTRY.values())
    return {name for m in models for name in m.model_fields}


def _hint_for(kind: str, field_name: str) -> str:
    if field_name == "unit":
        return (
            "use a currency code (USD, EUR, RUB, KZT, ...), percent, pp, count, rank, year, "
            "date, or a physical unit pint reads (tonne, km, barrel / day, MW)"
        )
    if field_name in ("base", "quote"):
        return "write an ISO currency code: USD, EUR, RUB, KZT, ..."
    if field_name in ("min", "max", "value"):
        return "write a quoted quantity: '0 percent', '22.2e9 USD', '1.5 billion USD'"
    if field_name == "tolerance":
        return "a tolerance is relative: '1 percent' or '0.01'"
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
    schema["properties"]["checks"]["items"] = _check_branches(
        schema["properties"]["checks"]["items"]
    )
    return schema


def _check_branches(union: dict[str, Any]) -> dict[str, Any]:
    """A check as one `if kind is K then K's schema` branch per kind, behind an enum of kinds.

    pydantic writes the union as `oneOf` with an OpenAPI `discriminator`, which JSON Schema
    validators and editors ignore: a misspelt kind then fails every branch, and the message
    names some unrelated required key.  With the enum first, the message names the kind.
    """
    mapping: dict[str, str] = union["discriminator"]["mapping"]
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"enum": sorted(mapping), "description": "the check kind: one module each"}
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": ref},
            }
            for kind, ref in sorted(mapping.items())
        ],
    }


def rules_schema_text() -> str:
    return json.dumps(rules_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

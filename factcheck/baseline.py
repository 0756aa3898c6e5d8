"""The baseline: conflicts a desk has looked at and accepted, kept in a committed YAML file.

An entry is fingerprinted by what the conflict is about (rule, metric, subject, period, the
known fact if any) and by which source says which value, never by line numbers or quotes: an
article edited elsewhere, or a sentence reworded around the same figure, keeps its entry.  A
new source, or a source that changes its figure, is a new conflict.

The file is written whole and in a fixed order, so re-running `factcheck baseline` over the
same inputs gives the same bytes, and every `reason:` a person wrote is carried over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from factcheck.errors import ErrorGroup, FactcheckError, Location
from factcheck.fsutil import write_files_atomically
from factcheck.models import Claim, Finding
from factcheck.yamlload import YamlDoc, load_yaml

BASELINE_VERSION = 1

HEADER = """\
# factcheck baseline: conflicts accepted as they stand, so `factcheck check` fails only on new ones.
# Written by `factcheck baseline`; re-running it drops entries that no longer occur and keeps
# every `reason:`.  An entry matches by rule, metric, subject, period, known fact and each
# source's value, not by line numbers or quotes.  Known-fact conflicts are recorded only with
# `factcheck baseline --accept-known-facts`.
"""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BaselineClaim(_Strict):
    """One source's figure in an accepted conflict."""

    source: str
    value: float | str
    unit: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _plain(cls, v: object) -> object:
        # A hand-written date is read by YAML as a date object and an integer as int; both
        # must compare equal to what a claim carries (ISO text, float).
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            return float(v)
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return v


class BaselineEntry(_Strict):
    fingerprint: str
    rule: str
    kind: str
    metric: str
    subject: tuple[str, ...] = ()
    period: str | None = None
    known_fact: bool = False
    fact: str | None = None
    claims: tuple[BaselineClaim, ...]
    reason: str | None = None

    def computed_fingerprint(self) -> str:
        return fingerprint_of(
            self.rule,
            self.metric,
            self.subject,
            self.period,
            self.fact,
            ((c.source, c.value, c.unit) for c in self.claims),
        )


class BaselineFile(_Strict):
    version: int = BASELINE_VERSION
    entries: tuple[BaselineEntry, ...] = ()


class Baseline:
    """Loaded entries, looked up by fingerprint."""

    def __init__(self, entries: Iterable[BaselineEntry] = (), path: str | None = None) -> None:
        self.entries = tuple(entries)
        self.path = path
        self.by_fingerprint = {e.fingerprint: e for e in self.entries}

    def get(self, fp: str) -> BaselineEntry | None:
        return self.by_fingerprint.get(fp)


def fingerprint_of(
    rule: str,
    metric: str,
    subject: Sequence[str],
    period: str | None,
    fact: str | None,
    claims: Iterable[tuple[str, float | str, str | None]],
) -> str:
    # A set of (source, value): a figure repeated in one article, or said once more, does not
    # make a different conflict.
    values = sorted({(s, _canonical(v), u or "") for s, v, u in claims})
    payload = json.dumps(
        [rule, metric, list(subject), period or "", fact or "", values],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _canonical(v: float | str) -> str:
    return repr(float(v)) if isinstance(v, int | float) else v


def finding_fingerprint(f: Finding, claims: Mapping[str, Claim]) -> str:
    return fingerprint_of(
        f.rule,
        f.metric,
        f.subject,
        f.period.label if f.period else None,
        f.fact,
        ((c.source, c.value, c.unit) for c in _claims_of(f, claims)),
    )


def entry_for(f: Finding, claims: Mapping[str, Claim], reason: str | None = None) -> BaselineEntry:
    seen: set[tuple[str, str]] = set()
    cs: list[BaselineClaim] = []
    for c in sorted(_claims_of(f, claims), key=lambda c: (c.source, _canonical(c.value))):
        key = (c.source, _canonical(c.value))
        if key in seen:
            continue
        seen.add(key)
        cs.append(BaselineClaim(source=c.source, value=c.value, unit=c.unit))
    return BaselineEntry(
        fingerprint=finding_fingerprint(f, claims),
        rule=f.rule,
        kind=f.kind,
        metric=f.metric,
        subject=f.subject,
        period=f.period.label if f.period else None,
        known_fact=f.known_fact,
        fact=f.fact,
        claims=tuple(cs),
        reason=reason,
    )


def _claims_of(f: Finding, claims: Mapping[str, Claim]) -> list[Claim]:
    return [claims[i] for i in f.claims if i in claims]


# ------------------------------------------------------------------------------- reading


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file; mistakes are located like rule-file mistakes."""
    doc = load_yaml(path)
    data = doc.value if doc.value is not None else {}
    if not isinstance(data, dict):
        raise FactcheckError(
            "a baseline file is a mapping with `version` and `entries`",
            doc.location(()),
            "regenerate it with `factcheck baseline`",
        )
    try:
        parsed = BaselineFile.model_validate(data)
    except ValidationError as exc:
        raise ErrorGroup([_located(doc, e) for e in exc.errors()]) from None
    if parsed.version != BASELINE_VERSION:
        raise FactcheckError(
            f"baseline version {parsed.version} is not supported (this factcheck reads "
            f"version {BASELINE_VERSION})",
            doc.location(("version",)),
            "regenerate it with `factcheck baseline`",
        )
    errors: list[FactcheckError] = []
    seen: set[str] = set()
    for i, e in enumerate(parsed.entries):
        if e.computed_fingerprint() != e.fingerprint:
            errors.append(
                FactcheckError(
                    f"fingerprint {e.fingerprint} does not match this entry's rule, metric, "
                    f"subject, period and values (they give {e.computed_fingerprint()})",
                    doc.location(("entries", i, "fingerprint")),
                    "only `reason:` is meant to be edited by hand; regenerate the entry with "
                    "`factcheck baseline`",
                )
            )
        elif e.fingerprint in seen:
            errors.append(
                FactcheckError(
                    f"entry {e.fingerprint} is listed twice",
                    doc.location(("entries", i)),
                    "remove one of them",
                )
            )
        seen.add(e.fingerprint)
    if errors:
        raise ErrorGroup(errors)
    return Baseline(parsed.entries, str(path))


def _located(doc: YamlDoc, e: Any) -> FactcheckError:
    path = tuple(e["loc"])
    name = str(path[-1]) if path else ""
    if e["type"] == "extra_forbidden":
        return FactcheckError(
            f"unknown key {name!r}",
            doc.location(path, key=True),
            "a baseline entry has fingerprint, rule, kind, metric, subject, period, known_fact, "
            "fact, claims and reason",
        )
    if e["type"] == "missing":
        return FactcheckError(
            f"missing required key {name!r}",
            doc.location(path[:-1]),
            "regenerate the entry with `factcheck baseline`",
        )
    where = ".".join(str(p) for p in path)
    return FactcheckError(
        f"{where}: {e['msg']}", doc.location(path), "regenerate it with `factcheck baseline`"
    )


# ------------------------------------------------------------------------------- writing


def merge(
    conflicts: Iterable[BaselineEntry], previous: Baseline, reason: str | None
) -> list[BaselineEntry]:
    """Today's conflicts, each keeping the reason it had; `reason` fills only the empty ones."""
    out: dict[str, BaselineEntry] = {}
    for e in conflicts:
        old = previous.get(e.fingerprint)
        kept = old.reason if old is not None and old.reason else None
        out[e.fingerprint] = e.model_copy(update={"reason": kept or reason or None})
    return sorted(
        out.values(), key=lambda e: (e.rule, e.metric, e.period or "", e.subject, e.fingerprint)
    )


def render_baseline(entries: Sequence[BaselineEntry]) -> str:
    data: dict[str, Any] = {
        "version": BASELINE_VERSION,
        "entries": [_entry_data(e) for e in entries],
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def _entry_data(e: BaselineEntry) -> dict[str, Any]:
    d: dict[str, Any] = {
        "fingerprint": e.fingerprint,
        "rule": e.rule,
        "kind": e.kind,
        "metric": e.metric,
        "subject": list(e.subject),
        "period": e.period,
    }
    if e.known_fact:
        d["known_fact"] = True
        d["fact"] = e.fact
    d["claims"] = [{"source": c.source, "value": c.value, "unit": c.unit} for c in e.claims]
    d["reason"] = e.reason
    return d


def write_baseline(path: Path, entries: Sequence[BaselineEntry]) -> None:
    if path.is_dir():
        raise FactcheckError("is a folder", Location(str(path)), "give the baseline a file name")
    write_files_atomically(path.parent, {path.name: render_baseline(entries)})

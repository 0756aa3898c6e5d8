"""`factcheck explain SOURCE:LINE[:COL]`: why each figure there bound to a metric, or did not.

The source is read, extracted and bound exactly as a report does, with a `BindTrace` kept; the
figures at the line (or covering the column) are then shown with the binder's decisions: the
metric it bound to and why (cue, distance, how a count counts it), where the period, subject
and modality came from, and every other metric weighed with what stopped it (unit, no cue
within max_distance, no context word, an exclude word in the figure's clause, a count that
counts something else, no period).  A claim id (`SOURCE:LINE:COL:METRIC`, as reports quote
it) names the same place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import regex

from factcheck.bind.binder import Binder
from factcheck.bind.trace import BindTrace, FigureTrace
from factcheck.errors import FactcheckError, Location
from factcheck.extract import extract
from factcheck.ingest import discover, metadata_for, read_source, source_ids
from factcheck.models import Source
from factcheck.rules import load_rules

_TARGET = regex.compile(
    r"(?P<src>.+?):(?P<line>\d+)(?::(?P<col>\d+))?(?::(?P<metric>[a-z][\w.-]*))?"
)


def explain(
    target: str, sources: Sequence[Path], rules_paths: Sequence[Path], fmt: str = "text"
) -> str:
    """The explanation of the figures at `target`, as text or (`fmt="json"`) a JSON list."""
    m = _TARGET.fullmatch(target)
    if m is None:
        raise FactcheckError(
            f"not a place: {target!r}",
            Location(target),
            "write SOURCE:LINE or SOURCE:LINE:COLUMN (a file or a source id), or a claim id",
        )
    rules = load_rules(rules_paths)
    source = _source(m.group("src"), sources)
    line, col = int(m.group("line")), int(m.group("col")) if m.group("col") else None
    trace = BindTrace()
    mentions = extract(source)
    Binder(rules).bind(source, mentions, trace)
    figures = trace.at(line, col)
    if fmt == "json":
        return (
            json.dumps([_as_json(source, f) for f in figures], indent=2, ensure_ascii=False) + "\n"
        )
    where = f"{source.path}:{line}" + (f":{col}" if col else "")
    if not figures:
        here = [x for x in mentions if x.span.line == line]
        if not here:
            return f"{where}: no figure here\n"
        why = "page furniture" if all(x.furniture for x in here) else "outside any sentence"
        shown = ", ".join(repr(x.text) for x in here)
        return f"{where}: {shown}: never weighed ({why})\n"
    return "".join(_figure(source, f) for f in figures)


def _source(ref: str, sources: Sequence[Path]) -> Source:
    path = Path(ref)
    if path.is_file():
        files = [path]
        ids = source_ids(files)
    else:
        files = discover(list(sources))
        ids = source_ids(files)
        files = [f for f in files if ids[f] == ref]
        if not files:
            raise FactcheckError(
                f"no article {ref!r}",
                Location(ref),
                "give the article's file, or its source id and the folder it is in",
            )
    meta = metadata_for(files)
    return read_source(files[0], meta.get(files[0]), ids[files[0]])


def _figure(source: Source, f: FigureTrace) -> str:
    m = f.mention
    text = source.text
    out = [f"{source.path}:{m.span.line}:{m.span.column}: {m.text!r} ({m.kind})"]
    out.append(f"  sentence: «{' '.join(text[f.sentence[0] : f.sentence[1]].split())}»")
    chosen = f.chosen
    if f.skipped:
        out.append(f"  not bound: {f.skipped}")
    elif chosen is not None and f.claim is not None:
        out.append(f"  bound to {chosen.metric}: {chosen.reason}")
        for what, why in f.notes:
            out.append(f"    {what}: {why}")
        out.append(f"    claim: {f.claim.id}")
    elif chosen is not None:
        out.append(f"  not bound: {chosen.metric} took it, but {f.dropped or 'made no claim'}")
    else:
        closest = f.closest_rejection()
        if closest is None:
            out.append("  not bound: no metric weighed it")
        else:
            out.append(f"  not bound: the closest metric, {closest.metric}: {closest.reason}")
    shown = chosen if chosen is not None else f.closest_rejection()
    others = [v for v in f.verdicts if v is not shown]
    if others:
        out.append("  also weighed:")
        out.extend(f"    {v.metric}: {v.reason}" for v in others)
    return "\n".join(out) + "\n"


def _as_json(source: Source, f: FigureTrace) -> dict[str, Any]:
    m = f.mention
    return {
        "path": source.path,
        "line": m.span.line,
        "column": m.span.column,
        "text": m.text,
        "kind": m.kind,
        "sentence": " ".join(source.text[f.sentence[0] : f.sentence[1]].split()),
        "claim": f.claim.id if f.claim else None,
        "metric": f.chosen.metric if f.chosen and f.claim else None,
        "skipped": f.skipped,
        "dropped": f.dropped,
        "notes": dict(f.notes),
        "weighed": [asdict(v) for v in f.verdicts],
    }

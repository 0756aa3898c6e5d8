"""`factcheck check` as SARIF 2.1.0, for code-scanning dashboards.

One reporting descriptor per check id; one result per conflict, located at the figure that is
new (the others as `relatedLocations`), with the baseline fingerprint as a partial fingerprint
so a dashboard tracks a conflict across edits as the baseline does.  Accepted conflicts are
results with an external suppression carrying the baseline's reason; baseline entries that no
longer occur are tool notifications.  Columns count Unicode code points (`columnKind`), as the
rest of factcheck does.
"""

from __future__ import annotations

import inspect
import json
import re
from importlib import metadata
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from factcheck import __version__
from factcheck.gate import FIXED_HINT, GateFinding, GateResult, RuleInfo
from factcheck.models import Claim

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "factcheckConflict/v1"

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(result: GateResult) -> str:
    rules = _rules(result)
    index = {r.id: i for i, r in enumerate(rules)}
    results = [_result(result, g, index, new=True) for g in result.new]
    results += [_result(result, g, index, new=False) for g in result.baselined]
    notifications = [
        {
            "level": "note",
            "message": message(f"baseline entry {e.fingerprint} ({e.rule}) {FIXED_HINT}"),
            "locations": [
                {"physicalLocation": {"artifactLocation": _artifact(result.baseline_path or "")}}
            ],
        }
        for e in result.fixed
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    driver_uri = information_uri("")
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "factcheck",
                **({"informationUri": driver_uri.split("#")[0]} if driver_uri else {}),
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_descriptor(r) for r in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def message(text: str) -> dict[str, str]:
    """A plain-text message object.  SARIF reads `[text](target)` in a message as an embedded
    link (§3.11.6), and an article quote can hold one: literal brackets are escaped with a
    backslash, as the specification requires, and so is a backslash standing before one."""
    return {"text": _BRACKET.sub(r"\\\g<0>", text)}


_BRACKET = re.compile(r"\\(?=[\[\]])|[\[\]]")


def _rules(result: GateResult) -> list[RuleInfo]:
    by_id = {r.id: r for r in result.rules}
    for g in (*result.new, *result.baselined):
        f = g.finding
        by_id.setdefault(f.rule, RuleInfo(f.rule, f.kind, f.severity))
    return sorted(by_id.values(), key=lambda r: r.id)


def _descriptor(r: RuleInfo) -> dict[str, Any]:
    """A check as a dashboard explains it: what it checks (its description, its metric's), and
    the kind's own documentation (its module docstring, with a passing and a failing example)
    as help; `informationUri` where the package's metadata names its documentation."""
    doc = kind_doc(r.kind)
    summary = doc.split("\n\n", 1)[0].replace("\n", " ") if doc else ""
    text = (
        r.description or summary or f"{r.kind} check {r.id}: the figures it compares must all hold"
    )
    full = [text.rstrip(".") + "."]
    if r.metric_description:
        full.append(f"It checks {r.metric}: {r.metric_description.rstrip('.')}.")
    if summary and summary != text:
        full.append(summary)
    out: dict[str, Any] = {
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": text},
        "fullDescription": {"text": " ".join(full)},
        "defaultConfiguration": {"level": _LEVEL.get(r.severity, "error")},
        "properties": {"kind": r.kind, **({"metric": r.metric} if r.metric else {})},
    }
    if doc:
        out["help"] = {"text": doc, "markdown": f"**{r.kind}**\n\n```\n{doc}\n```"}
    uri = information_uri(r.kind)
    if uri:
        out["helpUri"] = uri
    return out


def kind_doc(kind: str) -> str:
    """The check kind's module docstring, the user's documentation of it ('' if none)."""
    from factcheck.checks import REGISTRY

    module = REGISTRY.get(kind)
    return inspect.cleandoc(module.__doc__) if module is not None and module.__doc__ else ""


def information_uri(kind: str) -> str | None:
    """Where the README documents check kinds, from the package metadata's documentation or
    home page URL (an absolute URI, as SARIF wants); None when the metadata names none."""
    try:
        meta = metadata.metadata("factcheck")
    except metadata.PackageNotFoundError:
        return None
    urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    home = meta["Home-page"] if "Home-page" in meta else ""  # noqa: SIM401 (no .get() on PackageMetadata)
    base = next((u for u in [*urls, home] if u.startswith("http")), "")
    return f"{base.rstrip('/')}#check-kinds" if base else None


def _result(
    result: GateResult, g: GateFinding, index: dict[str, int], *, new: bool
) -> dict[str, Any]:
    f = g.finding
    text = f.message + (f"\nwhy: {f.explanation}" if f.explanation else "")
    related = [_location(result, c, i) for i, c in enumerate(g.claims) if c.id != g.primary.id]
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "kind": "fail",
        "level": "error" if f.known_fact else _LEVEL.get(f.severity, "error"),
        "message": message(text),
        "locations": [_location(result, g.primary, None)],
        "partialFingerprints": {FINGERPRINT_KEY: g.fingerprint},
        "baselineState": "new" if new else "unchanged",
        "properties": {
            "metric": f.metric,
            "subject": list(f.subject),
            "period": f.period.label if f.period else None,
            "knownFact": f.known_fact,
            "fact": f.fact,
            "claims": list(f.claims),
        },
    }
    if related:
        out["relatedLocations"] = related
    if not new:
        reason = (
            g.baseline.reason if g.baseline and g.baseline.reason else "accepted in the baseline"
        )
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": reason}]
    return out


def _location(result: GateResult, c: Claim, ident: int | None) -> dict[str, Any]:
    p = result.place(c)
    region: dict[str, Any] = {
        "startLine": p.line,
        "startColumn": p.column,
        "endLine": p.end_line,
        "endColumn": p.end_column,
    }
    text = result.texts.get(c.source)
    if text is not None and 0 <= c.start < c.end <= len(text):
        region["snippet"] = {"text": text[c.start : c.end]}
    loc: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": _artifact(p.path), "region": region},
        "message": message(c.quote),
    }
    if ident is not None:
        loc = {"id": ident, **loc}
    return loc


def _artifact(path: str) -> dict[str, Any]:
    p = PurePosixPath(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(path), "uriBaseId": SRCROOT}

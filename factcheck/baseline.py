"""The baseline: conflicts a desk has looked at and accepted, kept in a committed YAML file.

An entry is fingerprinted by what the conflict is about (rule, metric, subject, period, the
known fact if any) and by which source says which value, never by line numbers or quotes: an
article edited elsewhere, or a sentence reworded around the same figure, keeps its entry.  A
new source, or a source that changes its figure, is a new conflict.

The file is written whole and in a fixed order, so re-running `factcheck baseline` over the
same inputs gives the same bytes, and every `reason:` a person wrote is carried over.  An entry
is dropped only when every source it names was read and the conflict is gone: a run over a
subset of the sources, or while an article could not be read, cannot tell, so it keeps the
entry.  Comments a person wrote in the file survive re-runs (a round-trip YAML writer,
ruamel.yaml), each with the entry it stands above.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from factcheck.errors import ErrorGroup, FactcheckError, Location
from factcheck.fsutil import write_files_atomically
from factcheck.models import Claim, Finding
from factcheck.yamlload import YamlDoc, load_yaml

if TYPE_CHECKING:  # ruamel.yaml is imported when a baseline is written, not by every run
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

BASELINE_VERSION = 1

HEADER = """\
# factcheck baseline: conflicts accepted as they stand, so `factcheck check` fails only on new ones.
# Written by `factcheck baseline`; re-running it drops entries that no longer occur, keeps those
# whose sources it did not read, and keeps every `reason:` and comment.  An entry matches by
# rule, metric, subject, period, known fact and each source's value, not by line numbers or
# quotes.  Known-fact conflicts are recorded only with `factcheck baseline --accept-known-facts`.
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
    conflicts: Iterable[BaselineEntry],
    previous: Baseline,
    reason: str | None,
    read: Collection[str] | None = None,
) -> list[BaselineEntry]:
    """Today's conflicts, each keeping the reason it had; `reason` fills only the empty ones.

    With `read` (the ids of the sources this run read), the previous entries that name a
    source outside it are kept as they were: whether their conflict still stands is unknown.
    """
    out: dict[str, BaselineEntry] = {}
    for e in conflicts:
        old = previous.get(e.fingerprint)
        kept = old.reason if old is not None and old.reason else None
        out[e.fingerprint] = e.model_copy(update={"reason": kept or reason or None})
    if read is not None:
        for e in unread_entries(previous, read):
            out.setdefault(e.fingerprint, e)
    return sorted(
        out.values(), key=lambda e: (e.rule, e.metric, e.period or "", e.subject, e.fingerprint)
    )


def unread_entries(baseline: Baseline, read: Collection[str]) -> list[BaselineEntry]:
    """The entries naming a source that is not in `read`: this run cannot tell if they hold."""
    return [e for e in baseline.entries if any(c.source not in read for c in e.claims)]


def _yaml() -> YAML:
    # Round-trip mode keeps comments; YAML 1.1 because the baseline is read by PyYAML, which
    # takes an unquoted `no` for false and `1e+300` for text: ruamel quotes them for 1.1.
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.version = (1, 1)
    y.width = 100
    y.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return y


def render_baseline(entries: Sequence[BaselineEntry], previous: str | None = None) -> str:
    """The file for `entries`; with `previous` (the file's text so far), its comments kept."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    y = _yaml()
    doc: Any = y.load(previous) if previous else None
    if not isinstance(doc, CommentedMap) or not isinstance(doc.get("entries"), CommentedSeq):
        doc, previous = CommentedMap(version=BASELINE_VERSION, entries=CommentedSeq()), None
    seq: CommentedSeq = doc["entries"]
    old: dict[str, CommentedMap] = {
        m["fingerprint"]: m
        for m in seq
        if isinstance(m, CommentedMap) and isinstance(m.get("fingerprint"), str)
    }
    above, tail = _comments_above(doc, seq)
    order: list[CommentedMap] = []
    for e in entries:
        node = old.get(e.fingerprint)
        if node is None:
            node = CommentedMap(_entry_data(e))
        elif node.get("reason") != e.reason:
            node["reason"] = e.reason
        order.append(node)
    seq.clear()
    seq.extend(order)
    for j, node in enumerate(order):
        text = above.get(node["fingerprint"])
        if text:
            seq.ca.items[j] = [None, [CommentToken(text, CommentMark(0), None)], None, None]
    if tail and order:
        _append_after(order[-1], tail)
    out = io.StringIO()
    y.dump(doc, out)
    # The `%YAML 1.1` directive ruamel writes says nothing PyYAML does not assume.
    body = out.getvalue().removeprefix("%YAML 1.1\n---\n")
    return body if previous else HEADER + body


def _comments_above(doc: CommentedMap, seq: CommentedSeq) -> tuple[dict[str, str], str]:
    """The full-line comments standing above each entry (by fingerprint), and after the last.

    ruamel hangs a comment line on whatever token precedes it: the list's head, the item, or
    the previous entry's last key.  Each is taken off where it hangs, to go with its entry.
    """
    from ruamel.yaml.comments import CommentedMap

    items = [m for m in seq if isinstance(m, CommentedMap)]
    above: dict[str, str] = {}
    for k, m in enumerate(items):
        parts: list[str] = []
        if k == 0:
            slot = doc.ca.items.get("entries")
            if seq.ca.comment:
                parts.append(_text(seq.ca.comment[1]))
            elif slot and slot[3]:
                parts.append(_text(slot[3]))
            seq.ca.comment = None
            if slot:
                slot[3] = None
        else:
            parts.append(_trailing(items[k - 1]))
        slot = seq.ca.items.pop(k, None)
        if slot and slot[1]:
            parts.append(_text(slot[1]))
        if isinstance(m.get("fingerprint"), str):
            above[m["fingerprint"]] = "".join(parts)
    return above, _trailing(items[-1]) if items else ""


def _text(tokens: Any) -> str:
    return "".join(t.value for t in tokens or () if t is not None)


def _trailing(m: CommentedMap) -> str:
    """Take the comment lines after an entry's last key off it (its end-of-line comment stays)."""
    slot = m.ca.items.get(next(reversed(m), None)) if m else None
    if not slot or slot[2] is None:
        return ""
    eol, nl, rest = slot[2].value.partition("\n")
    slot[2].value = eol + nl
    return str(rest)


def _append_after(m: CommentedMap, text: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slot = m.ca.items.setdefault(next(reversed(m)), [None, None, None, None])
    if slot[2] is None:
        slot[2] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        slot[2].value += text


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
    """Write `entries` to `path`, keeping the comments of the file already there."""
    if path.is_dir():
        raise FactcheckError("is a folder", Location(str(path)), "give the baseline a file name")
    try:
        previous = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        previous = None  # load_baseline read it a moment ago; nothing to keep if it cannot now
    write_files_atomically(path.parent, {path.name: render_baseline(entries, previous)})

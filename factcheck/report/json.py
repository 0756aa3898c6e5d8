"""The JSON report: the contract CI tools and shared/tools/score.py read.

Top level `schema_version`, `sources`, `claims`, `findings`, plus `unbound` (coverage) and
`warnings`.  Dates are ISO strings at their precision, unbounded interval ends are null, keys
are sorted and nothing depends on the clock, so the same inputs give the same bytes.

The text is `json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=True,
ensure_ascii=False)`, byte for byte, but written column by column: the standard library writes
indented JSON in pure Python one value at a time, which took most of a large report's time.
Every record in a list has the same fields, so each field's values across all the records go
to the C encoder in one call, and the records are assembled from a template.  `pieces` gives
the text in order as it is made, a few thousand records at a time, for writing as it comes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel

from factcheck.models import Report

INDENT = "  "

# Scalars the C encoder writes exactly as json.dumps(indent=...) does: float and int by their
# repr (inf as Infinity), str escaped the same way; bool is its own type, not caught by `int`.
_SCALARS = frozenset({str, int, float, bool, type(None)})
# A compact encoder whose item separator cannot occur inside its output (control characters
# in strings are escaped), so one call encodes a whole column of scalars and a split parts it.
_SEP = "\x00"
# Values that equal only values written the same way: 1, 1.0 and True are equal but written
# differently (so are 0.0 and -0.0), so only values made of these share one encoding.
_SHAREABLE = frozenset({str, dt.date, type(None)})
_compact = json.JSONEncoder(ensure_ascii=False, separators=(_SEP, ": ")).encode
# Records of a long list encoded at a time: large enough that the C encoder's calls and the
# sharing of repeated values still pay, small enough that a batch is a few megabytes.
_BATCH = 4096


class _NotPlain(Exception):
    """A value this module does not write itself: the standard library writes the report."""


# A list's chunks: text, or UTF-8 bytes copied as they are (no decoding them only for the
# writer to encode them again).
C = TypeVar("C", str, bytes)


def joined(pieces: Iterator[str | bytes]) -> str:
    """The text of pieces some of which are UTF-8 bytes (`assembled`'s)."""
    return "".join(p if isinstance(p, str) else p.decode() for p in pieces)


def render(report: Report) -> str:
    """The whole text, for callers that want one string; `factcheck report` streams `pieces`."""
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    """The report's text in pieces, in order, with its newline: what `render` joins.

    Models are read as they are stored, which is what model_dump(mode="json") gives for the
    types they hold (checked as they are met); dates become ISO text, as there.  A long list
    is encoded `_BATCH` records at a time and each record's text is its own piece, so memory
    holds one batch, not the report.
    """
    fields = _plain_fields(type(report))
    if fields is None:
        yield _stdlib(report.model_dump(mode="json"), 0) + "\n"
        return
    yield "{"
    inner, item = "\n" + INDENT, ",\n" + INDENT * 2
    for i, name in enumerate(sorted(fields)):
        value = getattr(report, name)
        yield f"{',' if i else ''}{inner}{json.encoder.encode_basestring(name)}: "
        if type(value) in (list, tuple) and value:
            yield "[\n" + INDENT * 2
            for start in range(0, len(value), _BATCH):
                if start:
                    yield item
                texts = _batch(report, name, value, start)
                yield from islice(chain.from_iterable(zip(texts, repeat(item))), 2 * len(texts) - 1)
            yield inner + "]"
        else:
            yield _field(report, name, value)
    yield "\n}\n"


# Between two items of a report list: what `pieces` writes, and `assembled` expects chunks of
# several items to be joined by.
ITEM = ",\n" + INDENT * 2


def texts(records: Sequence[Any]) -> list[str]:
    """Each record's text as an item of one of the report's lists, as `pieces` writes it: a
    worker renders its documents' records, and the parent only joins them (`assembled`)."""
    if not records:
        return []
    try:
        return _encode(list(records), 2)
    except _NotPlain:
        return [_stdlib(r.model_dump(mode="json"), 2) for r in records]


def assembled(
    scalars: dict[str, Any], lists: dict[str, tuple[int, Callable[[], Iterator[C]]]]
) -> Iterator[str | C]:
    """The text `pieces` gives for a report with these fields, from its scalar fields' values
    and, for each list, its length and its items' texts in chunks, each chunk one or more
    items joined by `ITEM` (an empty chunk is skipped).  The lists' chunks are asked for only
    as they are written, so they can be read from where they were put aside; chunks given as
    UTF-8 bytes are given back as they are."""
    names = sorted([*scalars, *lists])
    if set(names) != set(_plain_fields(Report) or ()):
        raise ValueError(f"a report has the fields {sorted(Report.model_fields)}, not {names}")
    yield "{"
    inner = "\n" + INDENT
    for i, name in enumerate(names):
        yield f"{',' if i else ''}{inner}{json.encoder.encode_basestring(name)}: "
        if name in scalars:
            yield _encode([scalars[name]], 1)[0]
            continue
        count, chunks = lists[name]
        if not count:
            yield "[]"
            continue
        yield "[\n" + INDENT * 2
        first = True
        for chunk in chunks():
            if chunk:
                if not first:
                    yield ITEM
                yield chunk
                first = False
        yield inner + "]"
    yield "\n}\n"


def _batch(report: BaseModel, name: str, values: Sequence[Any], start: int) -> list[str]:
    """The texts of `values[start : start + _BATCH]`, items of the report's field `name`.

    A value this module does not write itself is met only as its batch is encoded, after the
    batches before it were written: that batch alone goes to the standard library, through
    the report's own dump of those items (what model_dump(mode="json") has for them).
    """
    part = values[start : start + _BATCH]
    try:
        return _encode(part, 2)
    except _NotPlain:
        wanted = {name: set(range(start, start + len(part)))}
        return [_stdlib(v, 2) for v in report.model_dump(mode="json", include=wanted)[name]]


def _field(report: BaseModel, name: str, value: Any) -> str:
    """The text of a field that is not a non-empty list, at the first level of indentation."""
    try:
        return _encode([value], 1)[0]
    except _NotPlain:
        return _stdlib(report.model_dump(mode="json", include={name})[name], 1)


def _stdlib(value: Any, depth: int) -> str:
    """`value` as json.dumps writes it, indented to start at level `depth`: the standard
    library indents relative to where a value starts, and no string holds a raw newline."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + INDENT * depth) if depth else text


def dumps(value: Any) -> str:
    """`json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)`, byte for byte, for
    JSON values and the report's models (a model as model_dump(mode="json") has it)."""
    try:
        return _encode([value], 0)[0]
    except _NotPlain:
        return _stdlib(value, 0)


def _encode(values: Sequence[Any], depth: int) -> list[str]:
    """Each of `values` as indented JSON text starting at indentation level `depth`."""
    kinds = set(map(type, values))
    if kinds <= _SCALARS:
        return _compact(values)[1:-1].split(_SEP) if values else []
    if len(kinds) > 1:
        return _mixed(values, kinds, depth)
    [kind] = kinds
    if kind is dict:
        return _dicts(values, depth)
    if kind is tuple and set(map(type, chain.from_iterable(values))) <= _SHAREABLE:
        return _once_each(values, lambda distinct: _lists(distinct, depth))
    if kind is list or kind is tuple:
        return _lists(values, depth)
    if kind is dt.date:
        return _once_each(
            values, lambda distinct: _encode([d.isoformat() for d in distinct], depth)
        )
    fields = _plain_fields(kind)
    if fields is None:
        raise _NotPlain(kind.__name__)
    return _records(fields, list(map(vars, values)), depth)  # a model's __dict__ holds its fields


def _mixed(values: Sequence[Any], kinds: set[type], depth: int) -> list[str]:
    """Values of several kinds (a period or null): each kind encoded together, then put back."""
    types = list(map(type, values))
    groups = [[i for i, t in enumerate(types) if t in _SCALARS]]
    groups += [[i for i, t in enumerate(types) if t is kind] for kind in kinds - _SCALARS]
    out = [""] * len(values)
    for where in groups:
        for i, text in zip(where, _encode([values[i] for i in where], depth), strict=True):
            out[i] = text
    return out


def _dicts(dicts: Sequence[dict[Any, Any]], depth: int) -> list[str]:
    """Dicts with the same keys are encoded together, one column per key."""
    keysets = list(map(tuple, dicts))
    if len(set(keysets)) == 1:
        return _records(keysets[0], dicts, depth)
    by_keys: dict[tuple[Any, ...], list[int]] = {}
    for i, keys in enumerate(keysets):
        by_keys.setdefault(keys, []).append(i)
    out = [""] * len(dicts)
    for keys, where in by_keys.items():
        texts = _records(keys, [dicts[i] for i in where], depth)
        for i, text in zip(where, texts, strict=True):
            out[i] = text
    return out


def _records(names: tuple[Any, ...], rows: Sequence[dict[Any, Any]], depth: int) -> list[str]:
    """Records (dicts holding at least `names`) as JSON objects of those names, encoded one
    column per name; a column is read straight from the dicts, with no tuple per record (a
    large report would make the garbage collector walk them all)."""
    if not all(type(k) is str for k in names):
        raise _NotPlain("a key that is not a string")  # json.dumps converts it, or refuses
    if not names:
        return ["{}"] * len(rows)
    ordered = tuple(sorted(names))
    columns = [list(map(itemgetter(name), rows)) for name in ordered]
    if all(set(map(type, column)) <= _SHAREABLE for column in columns):
        # Records made of text and dates (a period) repeat: each distinct one is written once.
        # zip's tuple for a repeat is dropped at once, so only the distinct ones are kept.
        distinct = dict.fromkeys(zip(*columns, strict=True))
        if len(distinct) * 2 <= len(rows):
            once = [list(column) for column in zip(*distinct, strict=True)]
            texts = dict(zip(distinct, _rows(ordered, once, depth), strict=True))
            return list(map(texts.__getitem__, zip(*columns, strict=True)))
    return _rows(ordered, columns, depth)


def _rows(names: tuple[str, ...], columns: list[list[Any]], depth: int) -> list[str]:
    """Records given as one column of values per name, in the order of `names`, as JSON."""
    encoded = [_encode(column, depth + 1) for column in columns]
    return list(map(_template(names, depth).__mod__, zip(*encoded, strict=True)))


def _once_each(values: Sequence[Any], encode: Callable[[list[Any]], list[str]]) -> list[str]:
    """`encode(values)`, encoding each distinct value once: a report repeats the same subjects
    and dates thousands of times."""
    distinct = dict.fromkeys(values)
    if len(distinct) * 2 > len(values):
        return encode(list(values))
    texts = dict(zip(distinct, encode(list(distinct)), strict=True))
    return list(map(texts.__getitem__, values))


@functools.lru_cache(maxsize=256)
def _template(names: tuple[str, ...], depth: int) -> str:
    """The text of a record at `depth` with a %s for each value, the names in the order given."""
    inner = "\n" + INDENT * (depth + 1)
    fields = [f"{inner}{json.encoder.encode_basestring(k).replace('%', '%%')}: %s" for k in names]
    return "{" + ",".join(fields) + "\n" + INDENT * depth + "}"


def _lists(lists: Sequence[Sequence[Any]], depth: int) -> list[str]:
    """All the lists' items are encoded together, then each list joins its own."""
    items = _encode(list(chain.from_iterable(lists)), depth + 1)
    inner = "\n" + INDENT * (depth + 1)
    head, sep, tail = "[" + inner, "," + inner, "\n" + INDENT * depth + "]"
    it = iter(items)
    # One f-string copies the joined items once; `head + ... + tail` would copy them twice.
    return [f"{head}{sep.join(islice(it, n))}{tail}" if n else "[]" for n in map(len, lists)]


@functools.cache
def _plain_fields(kind: type) -> tuple[str, ...] | None:
    """A model's field names when model_dump(mode="json") gives each field's stored value by
    its name (no aliases, exclusions, computed fields, extras or custom serializers); else None.
    """
    if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
        return None
    config = kind.model_config
    decorators = kind.__pydantic_decorators__
    if (
        kind.model_computed_fields
        or decorators.field_serializers
        or decorators.model_serializers
        or config.get("extra") == "allow"
        or config.get("serialize_by_alias")
        or any(
            f.exclude or getattr(f, "exclude_if", None) is not None
            for f in kind.model_fields.values()
        )
    ):
        return None
    return tuple(kind.model_fields)


def schema() -> dict[str, Any]:
    s = Report.model_json_schema(mode="serialization")
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["title"] = "factcheck consistency report"
    return s

"""JSON Lines / NDJSON dumps (`.jsonl`, `.ndjson`): one JSON object per line, one article each.

The dump is read a line at a time; a line that is not JSON, not an object, not UTF-8, longer
than an article can be (MAX_SOURCE_BYTES), or a record without text is an error naming the
dump and its line, and the other records are still read.  See `records` for the field names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from factcheck.errors import Location
from factcheck.ingest import records
from factcheck.ingest.base import (
    MAX_SOURCE_BYTES,
    Document,
    IngestError,
    IngestOptions,
    InputFormat,
)
from factcheck.ingest.files import display_path, open_regular

_CHUNK = 1 << 20


def split(path: Path, options: IngestOptions) -> Iterator[Document | IngestError]:
    name = display_path(path)
    with open_regular(path) as (fh, _):
        line = 0
        while True:
            try:
                raw = fh.readline(MAX_SOURCE_BYTES + 1)
            except OSError as exc:
                yield IngestError(f"cannot read: {exc.strerror or exc}", Location(name, line + 1))
                return
            if not raw:
                return
            line += 1
            if len(raw) > MAX_SOURCE_BYTES and not raw.endswith(b"\n"):
                while (rest := fh.readline(_CHUNK)) and not rest.endswith(b"\n"):
                    pass  # the rest of an over-long line, read in pieces and dropped
                yield IngestError(
                    f"line is over {MAX_SOURCE_BYTES // 2**20} MB; an article is at most that",
                    Location(name, line),
                    "split the record, or leave it out of the dump",
                )
                continue
            if not raw.strip():
                continue
            yield from _record(path, name, line, raw, options)


def _record(
    path: Path, name: str, line: int, raw: bytes, options: IngestOptions
) -> Iterator[Document | IngestError]:
    try:
        text = raw.decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        yield IngestError(
            f"is not UTF-8 (byte {exc.start + 1} of the line)",
            Location(name, line),
            "JSON Lines are UTF-8: re-save the dump as UTF-8",
        )
        return
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        column = exc.colno if isinstance(exc, json.JSONDecodeError) else None
        yield IngestError(
            f"not a JSON record: {msg}", Location(name, line, column), "one JSON object per line"
        )
        return
    if not isinstance(record, dict):
        yield IngestError(
            f"a record is a JSON object, not {type(record).__name__}",
            Location(name, line),
            'write {"id": ..., "text": ...} on each line',
        )
        return
    yield from records.record_document(path, "jsonl", line, record, options)


FORMAT = InputFormat(
    name="jsonl",
    suffixes=(".jsonl", ".ndjson"),
    read=records.read,
    text=records.text_of,
    split=split,
    description="JSON Lines / NDJSON dumps, one article per record",
)

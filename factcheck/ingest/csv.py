"""CSV dumps (`.csv`): a header row naming the fields, then one article per row.

Read as UTF-8 (with or without BOM); a dump in another encoding is read as cp1251 or latin-1,
as articles are, with a warning.  A row that is malformed, or has no text, is an error naming
the dump and its line, and the other rows are still read.  See `records` for the field names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from factcheck.errors import Location
from factcheck.ingest import records
from factcheck.ingest.base import (
    MAX_SOURCE_BYTES,
    Document,
    IngestError,
    IngestOptions,
    IngestWarning,
    InputFormat,
)
from factcheck.ingest.decoding import decode
from factcheck.ingest.files import display_path, open_regular, size_text

# A dump is read whole to decode it; this bounds the memory one file can take.
MAX_DUMP_BYTES = 512 * 1024 * 1024


def split(path: Path, options: IngestOptions) -> Iterator[Document | IngestError]:
    name = display_path(path)
    with open_regular(path) as (fh, st):
        if st.st_size > MAX_DUMP_BYTES:
            yield IngestError(
                f"is {size_text(st.st_size)}; a CSV dump is read whole, at most "
                f"{size_text(MAX_DUMP_BYTES)}",
                Location(name),
                "split the dump, or convert it to JSON Lines (read a line at a time)",
            )
            return
        try:
            data = fh.read(MAX_DUMP_BYTES + 1)
        except OSError as exc:
            yield IngestError(f"cannot read: {exc.strerror or exc}", Location(name))
            return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text, encoding = decode(data.replace(b"\x00", b""), name)
        except IngestError as err:
            yield err
            return
        line = data.count(b"\n", 0, exc.start) + 1
        yield IngestWarning(
            f"is not UTF-8 (line {line}); read as {encoding}",
            Location(name, line),
            "re-save the dump as UTF-8",
        )
    yield from _rows(path, name, text, options)


def _rows(
    path: Path, name: str, text: str, options: IngestOptions
) -> Iterator[Document | IngestError]:
    csv.field_size_limit(MAX_SOURCE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield IngestError(f"malformed row: {exc}", Location(name, start), "check its quoting")
            continue
        if header is None:
            header = [h.strip() for h in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield IngestError(
                f"row has {len(row)} fields, the header {len(header)}",
                Location(name, start),
                "check the row's quoting and separators",
            )
            continue
        yield from records.record_document(
            path, "csv", start, dict(zip(header, row, strict=True)), options
        )


FORMAT = InputFormat(
    name="csv",
    suffixes=(".csv",),
    read=records.read,
    text=records.text_of,
    split=split,
    description="CSV dumps with a header row, one article per row",
)

"""Ingest: the files a desk has → Documents → Sources, one module per input format.

`FORMATS` maps a format's name to its `InputFormat` (see `base`): plain text (`text`), saved
web pages (`html`), JSON Lines (`jsonl`) and CSV (`csv`) dumps.  A folder is searched for the
suffixes the formats claim; a file named on the command line is read by its suffix's format,
or as text; `-` is standard input.  To add a format, write `factcheck/ingest/<name>.py` with a
`FORMAT` and register it here, with a fixture under tests/fixtures/ingest/.

`find_documents` lists what a run will read, with what it passed over (files of no input
format, unreadable folders, a dump's bad records): the run says what it found and skipped, and
the gate never passes on what it could not read.  `read_document` turns one document into a
Source, in whichever process analyses it.

Whatever else lies in a sources folder (binary files, empty files, files far larger than any
article, dangling symlinks, files that vanish mid-run) ends as an `IngestError` naming the file,
which the engine turns into a warning while the run goes on.  docs/hostile-inputs.md lists
every hostile input tried and its outcome.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from factcheck.errors import Location
from factcheck.ingest import csv, html, jsonl, text
from factcheck.ingest.base import (
    DEFAULT_FIELDS,
    MAX_SOURCE_BYTES,
    Document,
    IngestError,
    IngestOptions,
    IngestWarning,
    InputFormat,
    SourceMeta,
)
from factcheck.ingest.decoding import decode
from factcheck.ingest.files import (
    SOURCES_FILE,
    STDIN,
    display_path,
    file_digest,
    read_article_bytes,
    size_text,
    source_ids,
    stem_of,
    suffix_of,
    walk,
)
from factcheck.ingest.lines import LineIndex, content_lines
from factcheck.ingest.source import build_source, furniture_spans
from factcheck.ingest.sourcesfile import documents_meta, metadata_for, read_sources_file
from factcheck.models import Source

FORMATS: dict[str, InputFormat] = {
    f.name: f for f in (text.FORMAT, html.FORMAT, jsonl.FORMAT, csv.FORMAT)
}
SUFFIXES: dict[str, str] = {s: f.name for f in FORMATS.values() for s in f.suffixes}
TEXT_SUFFIXES = text.FORMAT.suffixes
STDIN_NAME = "<stdin>"

__all__ = [
    "DEFAULT_FIELDS",
    "FORMATS",
    "MAX_SOURCE_BYTES",
    "SOURCES_FILE",
    "STDIN",
    "STDIN_NAME",
    "SUFFIXES",
    "TEXT_SUFFIXES",
    "Document",
    "Documents",
    "IngestError",
    "IngestOptions",
    "IngestWarning",
    "InputFormat",
    "LineIndex",
    "SourceMeta",
    "build_source",
    "content_digest",
    "content_lines",
    "decode",
    "discover",
    "display_path",
    "document_ids",
    "document_path",
    "document_text",
    "documents_meta",
    "file_digest",
    "find_documents",
    "format_of",
    "furniture_spans",
    "metadata_for",
    "read_article_bytes",
    "read_document",
    "read_source",
    "read_sources_file",
    "source_from_bytes",
    "source_ids",
]


def format_of(path: Path) -> str:
    """The format that reads `path`, by its suffix; a named file of no known suffix is text."""
    return SUFFIXES.get(suffix_of(path.name), "text")


def content_digest(path: Path) -> bytes:
    """What a report cache keys a file by: an article's bytes (within the limits) or a dump's."""
    if FORMATS[format_of(path)].split is not None:
        return file_digest(path)
    return hashlib.sha256(read_article_bytes(path)).digest()


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named by `paths` (files, or folders searched for the formats' suffixes), sorted."""
    return walk([p for p in paths if str(p) != STDIN], SUFFIXES).files


@dataclass
class Documents:
    """What a run will read, and what it passed over on the way."""

    documents: list[Document] = field(default_factory=list)
    # Read anyway, with something to say (a dump record's date that is none).
    warnings: list[IngestError] = field(default_factory=list)
    # Meant to be read and not read: unreadable folders, dumps, a dump's bad records.
    skipped: list[IngestError] = field(default_factory=list)
    files: Counter[str] = field(default_factory=Counter)  # files found, by suffix
    unsupported: Counter[str] = field(default_factory=Counter)  # files of no input format
    stdin: bool = False  # standard input was asked for

    def summary(self) -> str:
        """What was found, by suffix: "3 files (2 .html, 1 .csv); 4 of no input format (.pdf)"."""
        total = sum(self.files.values())
        parts = [f"{total} file{'s' if total != 1 else ''}{_by_suffix(self.files)}"]
        if self.stdin:
            parts.append("standard input")
        if self.unsupported:
            n = sum(self.unsupported.values())
            parts.append(f"{n} of no input format{_by_suffix(self.unsupported)}, not read")
        return "; ".join(parts)


def _by_suffix(counts: Counter[str]) -> str:
    if not counts:
        return ""
    return " (" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ")"


def find_documents(
    paths: Sequence[Path], options: IngestOptions | None = None, stdin: BinaryIO | None = None
) -> Documents:
    """Every document under `paths`: each file, each record of a dump, standard input (`-`)."""
    options = options or IngestOptions()
    found = walk([p for p in paths if str(p) != STDIN], SUFFIXES)
    out = Documents(skipped=list(found.unreadable), unsupported=found.unsupported)
    for f in found.files:
        name = f.name
        suffix = suffix_of(name)
        out.files[suffix or "without a suffix"] += 1
        fmt = FORMATS[SUFFIXES.get(suffix, "text")]
        if fmt.split is None:
            out.documents.append(Document(f, fmt.name, display_path(stem_of(name))))
            continue
        try:
            for item in fmt.split(f, options):
                if isinstance(item, IngestWarning):
                    out.warnings.append(item)
                elif isinstance(item, IngestError):
                    out.skipped.append(item)
                else:
                    out.documents.append(item)
        except IngestError as exc:  # the dump itself cannot be opened
            out.skipped.append(exc)
    if any(str(p) == STDIN for p in paths):
        try:
            out.documents.append(stdin_document(stdin or sys.stdin.buffer))
        except IngestError as exc:
            out.skipped.append(exc)
        out.stdin = True
    return out


def stdin_document(stream: BinaryIO) -> Document:
    """Standard input as one article: a web page when it starts with markup, else text."""
    try:
        data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}", Location(STDIN_NAME)) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise IngestError(
            f"is over {size_text(MAX_SOURCE_BYTES)}, more than an article",
            Location(STDIN_NAME),
            "pipe one article at a time",
        )
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    fmt = "html" if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) else "text"
    return Document(Path(STDIN_NAME), fmt, "stdin", data=data)


def document_path(doc: Document) -> str:
    """The path a document's Source carries: its file (or URL), and a record's line as `#L17`."""
    if doc.url is not None:
        return doc.url
    return f"{doc.path}#L{doc.line}" if doc.line else str(doc.path)


def document_ids(docs: Sequence[Document]) -> list[str]:
    """Each document's source id, unique in the run and independent of the documents' order.

    A file's id is its stem (see `source_ids`); a dump record's is its id field (or the dump's
    stem and the record's line); a record id that another document also has is prefixed with
    its dump's id, and with its line too if its dump repeats it.
    """
    whole = [d.path for d in docs if d.line == 0 and d.data is None]
    dumps = sorted({d.path for d in docs if d.line})
    file_ids = source_ids(whole)
    dump_ids = source_ids(dumps)
    taken = Counter(d.key for d in docs if d.line) + Counter(file_ids.values())
    out: list[str] = []
    seen_in_dump = Counter((d.path, d.key) for d in docs if d.line)
    for d in docs:
        if d.line == 0 and d.data is None:
            out.append(file_ids[d.path])
        elif d.line == 0:  # standard input
            out.append(d.key if not taken[d.key] else STDIN)
        elif taken[d.key] == 1:
            out.append(d.key)
        elif seen_in_dump[(d.path, d.key)] == 1:
            out.append(f"{dump_ids[d.path]}/{d.key}")
        else:
            out.append(f"{dump_ids[d.path]}/{d.key}-L{d.line}")
    # A prefixed record id can still meet a file's folder-and-stem id (`wire/a` for
    # wire.jsonl's record a and wire/a.txt): such records keep their line too.
    counts = Counter(out)
    for i, d in enumerate(docs):
        if counts[out[i]] > 1 and d.line:
            out[i] = f"{dump_ids[d.path]}/{d.key}-L{d.line}"
    return out


def read_document(
    fmt: str, path: str, data: bytes | None, meta: SourceMeta | None, source_id: str
) -> Source:
    """One document → Source, wherever it is analysed; IngestError (naming it) if it is none.

    `path` is `document_path`'s; without `data` the file there is read (within the limits).
    """
    if data is None:
        data = read_article_bytes(Path(path))
    return FORMATS[fmt].read(display_path(path), data, meta or SourceMeta(), source_id)


def document_text(fmt: str, path: str, data: bytes) -> str:
    """The text `read_document` analyses, for reports of runs served by the claim store."""
    return FORMATS[fmt].text(display_path(path), data)


def read_source(path: Path, meta: SourceMeta | None = None, source_id: str | None = None) -> Source:
    """Read one article file into a Source; raise IngestError (naming the file) if it is none.

    `source_id` is the id `source_ids` gave the file among the others of its run; without one
    the id is the file's stem.
    """
    return source_from_bytes(path, read_article_bytes(path), meta, source_id)


def source_from_bytes(
    path: Path, data: bytes, meta: SourceMeta | None = None, source_id: str | None = None
) -> Source:
    """A Source from an article file's bytes, read by `read_article_bytes` (here or elsewhere)."""
    sid = source_id if source_id is not None else display_path(path.stem)
    return read_document(format_of(path), str(path), data, meta, sid)

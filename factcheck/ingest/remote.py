"""Archives at an fsspec URL (`s3://bucket/news/`, `gs://…`, `file:///mnt/share/…`,
`memory://…`): listed where the run starts, read by whichever worker analyses each article.

The machine that starts a run only lists the files (names and suffixes, no content); a worker
process or a cluster's worker opens each article, and the `sources.yaml` beside it, itself.
So a cluster reads the archive from storage it can reach, and no article passes through the
machine that asked.  fsspec is an optional extra (`pip install 'factcheck[remote]'`, plus the
filesystem's own package: s3fs, gcsfs); without it a URL is a located error.

Dumps (`.jsonl`, `.csv`) at a URL are not split here, which would mean reading them whole on
this machine: they are skipped with a warning that says so, and the gate fails on them.
"""

from __future__ import annotations

import importlib
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from factcheck.errors import FactcheckError, Location
from factcheck.ingest.base import MAX_SOURCE_BYTES, Document, IngestError, SourceMeta
from factcheck.ingest.files import SOURCES_FILE, display_path, size_text
from factcheck.ingest.sourcesfile import read_sources_file

_URL = regex.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")


def is_url(p: Path | str) -> bool:
    """A source named by URL: kept as text, since a Path would fold its `//`."""
    return isinstance(p, str) and _URL.match(p) is not None


def _fsspec() -> Any:
    try:
        return importlib.import_module("fsspec")
    except ImportError:
        raise FactcheckError(
            "reading an archive at a URL needs fsspec",
            Location("fsspec"),
            "pip install 'factcheck[remote]' (and s3fs or gcsfs for those URLs)",
        ) from None


def filesystem(url: str) -> tuple[Any, str]:
    """The filesystem of `url` and its path there."""
    fs, path = _fsspec().core.url_to_fs(url)
    return fs, str(path)


@dataclass
class RemoteFound:
    documents: list[Document] = field(default_factory=list)
    skipped: list[IngestError] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=list)  # of each file found with a format
    unsupported: list[str] = field(default_factory=list)  # suffixes of files of no format


def find(urls: Sequence[str], formats: dict[str, str], dumps: set[str]) -> RemoteFound:
    """The articles at `urls` (files, or folders searched for the suffixes in `formats`, which
    maps a suffix to its format's name), sorted by URL; `dumps` are the formats not read."""
    out = RemoteFound()
    seen: set[str] = set()
    for url in urls:
        try:
            fs, root = filesystem(url)
            if fs.isfile(root):
                paths = [root]
            elif fs.isdir(root):
                paths = sorted(
                    str(p) for p in fs.find(root) if posixpath.basename(str(p)) != SOURCES_FILE
                )
            else:
                raise OSError("no such file or folder")
        except (OSError, ValueError) as exc:
            out.skipped.append(
                IngestError(
                    f"cannot list: {exc}", Location(display_path(url)), "check the URL and access"
                )
            )
            continue
        for p in paths:
            # The URL as the user spelled it, then the file's path below it.
            rel = posixpath.relpath(p, root) if p != root else ""
            full = f"{url.rstrip('/')}/{rel}" if rel else url
            if full in seen:
                continue
            seen.add(full)
            suffix = posixpath.splitext(p)[1].lower()
            fmt = formats.get(suffix, "text" if p == root else None)
            if fmt is None:
                out.unsupported.append(suffix or "(no suffix)")
                continue
            out.suffixes.append(suffix or "(no suffix)")
            if fmt in dumps:
                out.skipped.append(
                    IngestError(
                        "is a dump at a URL: its records are not read from there",
                        Location(display_path(full)),
                        "copy the dump to a local folder, or store its articles as files",
                    )
                )
                continue
            path = Path(p)
            out.documents.append(Document(path, fmt, display_path(path.stem), url=full))
    return out


def read_bytes(url: str) -> bytes:
    """An article's bytes at `url`; IngestError for what cannot be one, as for a local file."""
    name = display_path(url)
    try:
        fs, path = filesystem(url)
        size = fs.size(path)
        if size is not None and size > MAX_SOURCE_BYTES:
            data = b""
        else:
            with fs.open(path, "rb") as fh:
                data = fh.read(MAX_SOURCE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise IngestError(f"cannot read: {exc}", Location(name), "check the URL") from None
    size = max(size or 0, len(data))
    if size > MAX_SOURCE_BYTES:
        raise IngestError(
            f"is {size_text(size)}; an article is at most {size_text(MAX_SOURCE_BYTES)}",
            Location(name),
            "this is a dump or a log, not an article: remove it or split out the articles",
        )
    return bytes(data)


def sources_beside(url: str) -> dict[str, SourceMeta]:
    """The `sources.yaml` in the folder of the article at `url` ({} when there is none)."""
    folder = url.rsplit("/", 1)[0]
    sf = f"{folder}/{SOURCES_FILE}"
    fs, path = filesystem(sf)
    try:
        if not fs.isfile(path):
            return {}
        with fs.open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise FactcheckError(
            f"cannot read: {exc}", Location(display_path(sf)), "check the URL and access"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactcheckError(
            f"not UTF-8 text (byte {exc.start})", Location(display_path(sf)), "save it as UTF-8"
        ) from None
    return read_sources_file(display_path(sf), text)

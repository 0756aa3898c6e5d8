"""`sources.yaml`: the metadata a desk writes beside its articles, which overrides their own.

`{key: {outlet, url, published, as_of, note}}`, where the key is an article file's stem or a
dump record's id.  What a sources file says wins over what a document says about itself (a
page's <meta>, a dump's fields).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from factcheck.errors import FactcheckError
from factcheck.ingest.base import Document, SourceMeta
from factcheck.ingest.files import SOURCES_FILE
from factcheck.yamlload import load_yaml

_META_KEYS = {"outlet", "url", "published", "as_of", "note"}


def read_sources_file(path: Path | str, text: str | None = None) -> dict[str, SourceMeta]:
    """Read `sources.yaml`: `{stem: {outlet, url, published, as_of, note}}` (from `text` when
    given: a file read elsewhere, at a URL)."""
    doc = load_yaml(path, text)
    data = doc.value
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FactcheckError(
            "a sources file maps each article's file stem to its metadata",
            doc.location(()),
            "write `000_name: {outlet: ..., url: ..., published: 2023-02-02}`",
        )
    out: dict[str, SourceMeta] = {}
    for stem, meta in data.items():
        if meta is None:
            out[str(stem)] = SourceMeta()
            continue
        if not isinstance(meta, dict):
            raise FactcheckError(
                f"metadata of {stem!r} must be a mapping",
                doc.location((stem,)),
                "write `{outlet: ..., url: ..., published: YYYY-MM-DD}`",
            )
        unknown = set(map(str, meta)) - _META_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise FactcheckError(
                f"unknown key {key!r} in the metadata of {stem!r}",
                doc.location((stem, key), key=True),
                f"allowed keys: {', '.join(sorted(_META_KEYS))}",
            )
        fields: dict[str, dt.date | None] = {}
        for key in ("published", "as_of"):
            value = meta.get(key)
            if value is not None and not isinstance(value, dt.date):
                raise FactcheckError(
                    f"{key} of {stem!r} must be a date (YYYY-MM-DD), not {value!r}",
                    doc.location((stem, key)),
                    "write it unquoted as 2023-02-02, or null when unknown",
                )
            fields[key] = value
        out[str(stem)] = SourceMeta(
            outlet=_opt_str(meta.get("outlet")),
            url=_opt_str(meta.get("url")),
            published=fields["published"],
            as_of=fields["as_of"],
        )
    return out


def _opt_str(v: object) -> str | None:
    return None if v is None else str(v)


SourcesReader = Callable[[Path], dict[str, SourceMeta]]


def metadata_for(
    files: Iterable[Path], read: SourcesReader = read_sources_file
) -> dict[Path, SourceMeta]:
    """Each file's metadata from the `sources.yaml` in its folder, if there is one.

    `read` reads a sources file: a worker process that meets the same folders batch after
    batch passes one that remembers them."""
    cache: dict[Path, dict[str, SourceMeta]] = {}
    out: dict[Path, SourceMeta] = {}
    for f in files:
        folder = f.parent
        if folder not in cache:
            sf = folder / SOURCES_FILE
            cache[folder] = read(sf) if sf.is_file() else {}
        if f.stem in cache[folder]:
            out[f] = cache[folder][f.stem]
    return out


def documents_meta(
    docs: Sequence[Document], read: SourcesReader = read_sources_file
) -> list[SourceMeta]:
    """Each document's metadata: its sources.yaml entry (by stem or record id) over its own."""
    by_file = metadata_for((d.path for d in docs if d.line == 0 and d.data is None), read)
    cache: dict[Path, dict[str, SourceMeta]] = {}
    out: list[SourceMeta] = []
    for d in docs:
        if d.line == 0 and d.data is None:
            out.append(by_file.get(d.path, SourceMeta()).over(d.meta))
            continue
        folder = d.path.parent
        if folder not in cache:
            sf = folder / SOURCES_FILE
            cache[folder] = read(sf) if d.line and sf.is_file() else {}
        entry = cache[folder].get(d.key)
        out.append(entry.over(d.meta) if entry is not None else d.meta)
    return out

"""What every input format shares: the document it hands on, its metadata, its errors.

An input format (`factcheck/ingest/<format>.py`, registered in `factcheck/ingest/__init__.py`)
is an `InputFormat`: the suffixes it claims, `read` (a document's bytes → one Source, run in a
worker process or on a cluster), `text` (the article text a report shows, from the same bytes)
and, for a dump that holds many articles, `split` (the file → one Document per record, run
where the files are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from factcheck.errors import FactcheckError
from factcheck.models import Source

# A long read is a few hundred kB of text.  Anything this large is a dump or a log, and reading
# it would take minutes of extraction and gigabytes of records, so it is skipped with a warning.
MAX_SOURCE_BYTES = 8 * 1024 * 1024

# Where a document's publication date came from, when it carries one of its own.
MetaOrigin = Literal["sources-file", "metadata"]


class IngestError(FactcheckError):
    """A source file (or a record of a dump) that cannot be read as an article: it is skipped."""


class IngestWarning(IngestError):
    """Something about a document that was read anyway (a dump record's date that is none)."""


@dataclass(frozen=True)
class SourceMeta:
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    as_of: dt.date | None = None
    title: str | None = None
    # Whether `published` was written in sources.yaml or read from the document's own metadata
    # (a page's <meta>, a dump's date field); the Source's `published_from` says which.
    origin: MetaOrigin = "sources-file"

    def plain(self) -> tuple[str | None, ...]:
        """The fields as plain data (dates as ISO text), for JSON or msgpack; `from_plain`
        reads them back."""
        days = [d.isoformat() if d is not None else None for d in (self.published, self.as_of)]
        return (self.outlet, self.url, *days, self.title, self.origin)

    @classmethod
    def from_plain(cls, fields: Sequence[Any]) -> SourceMeta:
        outlet, url, published, as_of, title, origin = fields
        days = [dt.date.fromisoformat(d) if d else None for d in (published, as_of)]
        return cls(outlet, url, days[0], days[1], title, origin)

    def over(self, under: SourceMeta) -> SourceMeta:
        """This metadata with `under`'s fields filling what it leaves unset."""
        published = self.published if self.published is not None else under.published
        origin = self.origin if self.published is not None else under.origin
        return SourceMeta(
            outlet=self.outlet if self.outlet is not None else under.outlet,
            url=self.url if self.url is not None else under.url,
            published=published,
            as_of=self.as_of if self.as_of is not None else under.as_of,
            title=self.title if self.title is not None else under.title,
            origin=origin,
        )


@dataclass(frozen=True)
class Document:
    """One article to read: a whole file, or one record of a dump, or standard input.

    `key` is what its source id is made from (a file's stem, a record's id); `data` carries the
    bytes when they are already read (a record's text as UTF-8, standard input), else the file
    at `path` is read where the document is analysed.  `meta` is what the document says about
    itself (a record's fields); a sources.yaml entry overrides it.
    """

    path: Path
    format: str
    key: str
    data: bytes | None = None
    meta: SourceMeta = field(default_factory=SourceMeta)
    line: int = 0  # a record's line in its dump; 0 for a whole file
    # An fsspec URL the file is read from (`ingest.remote`), by the worker that analyses it;
    # `path` is then the URL's path, for the source id.
    url: str | None = None


# The field names a dump's records are read by, each a list of names tried in order.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid", "slug"),
    "text": ("text", "body", "content", "article"),
    "url": ("url", "link", "canonical_url"),
    "published": ("published", "date", "published_at", "pubdate", "datetime"),
    "outlet": ("outlet", "source", "site", "publisher"),
    "title": ("title", "headline"),
}


@dataclass(frozen=True)
class IngestOptions:
    """How dumps are read: which record fields hold the id, text, url, date, outlet, title."""

    fields: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FIELDS))

    def key(self) -> str:
        """A stable text of these options, for cache keys."""
        return ";".join(f"{k}={','.join(v)}" for k, v in sorted(self.fields.items()))


Reader = Callable[[str, bytes, SourceMeta, str], Source]
TextOf = Callable[[str, bytes], str]
Splitter = Callable[[Path, IngestOptions], Iterator["Document | IngestError"]]


@dataclass(frozen=True)
class InputFormat:
    """One input format: see the module docstring."""

    name: str
    suffixes: tuple[str, ...]
    read: Reader  # (path shown, bytes, metadata, source id) → Source; IngestError if none
    text: TextOf  # (path shown, bytes) → the text `read` analyses, for reports of stored runs
    split: Splitter | None = None  # dumps only: one Document per record, warnings for bad ones
    description: str = ""

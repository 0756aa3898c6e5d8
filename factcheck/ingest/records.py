"""What the dump formats share: a record's fields → one Document, and reading it back.

A record's text, id, url, publication date, outlet and title are found under the field names
`IngestOptions.fields` lists (by default the common ones: `id`, `text`/`body`/`content`, `url`,
`published`/`date`, `outlet`/`source`, `title`), matched without regard to case.  A record
whose text is not a string is an error naming the dump and its line (the record is skipped);
a record without text, or with a bad date, is a warning (the latter is read with its date
open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from factcheck.errors import Location
from factcheck.ingest.base import (
    Document,
    IngestError,
    IngestOptions,
    IngestWarning,
    SourceMeta,
)
from factcheck.ingest.files import display_path
from factcheck.ingest.text import read as read  # a record's text is read as a text file's

# A record's id becomes a source id, quoted in reports and baselines: kept short and printable.
MAX_ID = 120


def _field(record: Mapping[str, object], names: tuple[str, ...]) -> tuple[str, object] | None:
    lowered = {k.lower(): k for k in record}
    for name in names:
        key = lowered.get(name.lower())
        if key is not None and record[key] not in (None, ""):
            return key, record[key]
    return None


def record_document(
    path: Path, fmt: str, line: int, record: Mapping[str, object], options: IngestOptions
) -> list[Document | IngestError]:
    """One record as a Document, with a warning for a field it could not use; or an error."""
    where = Location(display_path(path), line)
    fields = options.fields
    found = _field(record, fields["text"])
    if found is None:
        # Nothing was lost (a gallery, a deleted story): a warning, not a skipped article.
        return [
            IngestWarning(
                f"record has no text (looked for the fields {', '.join(fields['text'])}); "
                "nothing to read",
                where,
                "name the text field with --field text=NAME, or [tool.factcheck.fields]",
            )
        ]
    key, text = found
    if not isinstance(text, str):
        return [
            IngestError(
                f"field {key!r} is {_kind(text)}, not a string of article text",
                where,
                "write the article text as a string, or name another field with --field text=NAME",
            )
        ]
    out: list[Document | IngestError] = []
    rid = _field(record, fields["id"])
    ident = _id(rid[1]) if rid is not None else None
    published = None
    date = _field(record, fields["published"])
    if date is not None:
        published = _date(date[1])
        if published is None:
            out.append(
                IngestWarning(
                    f"field {date[0]!r} is not a date: {str(date[1])[:40]!r}; "
                    "the record is read with its date open",
                    where,
                    "write dates as YYYY-MM-DD (a time after it is fine)",
                )
            )
    meta = SourceMeta(
        outlet=_text(_field(record, fields["outlet"])),
        url=_text(_field(record, fields["url"])),
        title=_text(_field(record, fields["title"])),
        published=published,
        origin="metadata",
    )
    body = text
    if meta.title and not body.lstrip().startswith(meta.title):
        body = f"{meta.title}\n{body}"
    key_text = ident or f"{display_path(path.stem)}-{line}"
    data = body.encode("utf-8", errors="replace")
    out.append(Document(path, fmt, key_text, data=data, meta=meta, line=line))
    return out


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean"}.get(type(value), "a number")


def _id(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = display_path(" ".join(str(value).split()))
    return text[:MAX_ID] or None


def _text(found: tuple[str, object] | None) -> str | None:
    if found is None or not isinstance(found[1], str | int | float):
        return None
    return " ".join(str(found[1]).split()) or None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def text_of(path: str, data: bytes) -> str:
    """A record's text, stored as UTF-8 by `record_document`."""
    return data.decode("utf-8", errors="replace")

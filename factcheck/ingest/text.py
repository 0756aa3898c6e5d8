"""Plain-text articles (`.txt`, `.md`, `.text`): the file's text is the article.

Decoded by `decoding.decode` (UTF-8 with or without BOM, UTF-16/32 with BOM, cp1251, latin-1);
binary data and empty files are refused with an error naming the file.
"""

from __future__ import annotations

from factcheck.errors import Location
from factcheck.ingest.base import IngestError, InputFormat, SourceMeta
from factcheck.ingest.decoding import decode
from factcheck.ingest.source import build_source
from factcheck.models import Source


def read(path: str, data: bytes, meta: SourceMeta, source_id: str) -> Source:
    text, encoding = decode(data, path)
    if not text.strip():
        raise IngestError(
            "is empty: no article text", Location(path), "remove it or save the article into it"
        )
    return build_source(source_id, path, text, encoding, data, meta)


def text_of(path: str, data: bytes) -> str:
    return decode(data, path)[0]


FORMAT = InputFormat(
    name="text",
    suffixes=(".txt", ".md", ".text"),
    read=read,
    text=text_of,
    description="plain text, one article per file",
)

"""Saved web pages (`.html`, `.htm`): the article's main text and the page's own metadata.

trafilatura, made for news pages and well kept, finds the main text and leaves out
navigation, ads, related-story lists, comments, scripts, styles and footers; markup and
entities inside a sentence never split it (`<strong>€4.5</strong>&nbsp;million` reads
"€4.5 million").  The text analysed, quoted and located (line:column) is that extracted text;
the source's path stays the page's file, so reports say where it came from.

From the page itself: the publication date (`article:published_time`, JSON-LD
`datePublished`, `<time datetime>`, through htmldate with its guessing from the text and the
URL turned off: a date the markup does not state is left open, never guessed), the outlet
(`og:site_name`, the JSON-LD publisher), the canonical URL (`<link rel=canonical>`, `og:url`,
or the JSON-LD article's `url` or `mainEntityOfPage`) and the headline, which becomes the
text's first line when the body does not start with it.  A `sources.yaml` entry overrides all
of these.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import re
from typing import Any

from factcheck.errors import Location
from factcheck.ingest.base import IngestError, InputFormat, SourceMeta
from factcheck.ingest.decoding import decode
from factcheck.ingest.source import build_source
from factcheck.models import Source

# trafilatura logs every page it finds too short or unparsable; the run's warnings say so once.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MIN_SENTENCE_WORDS = 5
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# htmldate's own options: the markup's dates only (no `extensive_search` through the text, the
# URL or the copyright line, which guesses), and the original date rather than an update's.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _decode_page(data: bytes, path: str) -> tuple[str, str]:
    """The page's text: in the charset its <meta> declares, else as any article is decoded."""
    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = m.group(1).decode("ascii").lower()
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            codec = None
        if codec is not None and codec not in {"utf-16", "utf-32"} and b"\x00" not in data[:8192]:
            return data.decode(codec, errors="replace"), codec
    return decode(data, path)


def _extract(page: str) -> Any:
    import trafilatura  # imported here: a run over text files never pays for it

    try:
        return trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception:  # a page that breaks the parser is a located warning, not a crash
        return None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


_JSON_LD = re.compile(
    r"""<script[^>]{0,200}?type\s*=\s*["']?application/ld\+json["']?[^>]{0,200}>(.*?)</script>""",
    re.I | re.S,
)
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "report"}


def _json_ld_url(markup: str) -> str | None:
    """The article's URL from its JSON-LD (`url`, or `mainEntityOfPage`), for pages whose only
    metadata is JSON-LD: trafilatura takes the URL from <link rel=canonical> and og:url."""
    for m in _JSON_LD.finditer(markup, 0, min(len(markup), 2_000_000)):
        try:
            doc = json.loads(m.group(1))
        except (ValueError, RecursionError):
            continue
        items = doc if isinstance(doc, list) else [doc]
        items = [x for d in items if isinstance(d, dict) for x in d.get("@graph", [d])]
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                continue
            for key in ("url", "mainEntityOfPage"):
                value = item.get(key)
                if isinstance(value, dict):
                    value = value.get("@id") or value.get("url")
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    return value.strip()
    return None


def page(path: str, data: bytes) -> tuple[str, str, SourceMeta]:
    """The page's article text, its encoding, and the metadata it states about itself."""
    markup, encoding = _decode_page(data, path)
    doc = _extract(markup)
    body = (doc.text or "") if doc is not None else ""
    # On a page with no article trafilatura falls back to whatever text there is (a menu's
    # "Home 3"): an article has at least one line that reads as a sentence.
    if not any(len(line.split()) >= MIN_SENTENCE_WORDS for line in body.splitlines()):
        raise IngestError(
            "no article text found in this page (navigation, comments or scripts only, or "
            "markup that could not be parsed)",
            Location(path),
            "save the article's own page, or its text as a .txt file",
        )
    title = _clean(doc.title)
    if title and not body.lstrip().startswith(title):
        body = f"{title}\n{body}"
    published = _date(doc.date)
    meta = SourceMeta(
        outlet=_clean(doc.sitename),
        url=_clean(doc.url) or _json_ld_url(markup),
        published=published,
        title=title,
        origin="metadata",
    )
    return body, encoding, meta


def read(path: str, data: bytes, meta: SourceMeta, source_id: str) -> Source:
    text, encoding, own = page(path, data)
    return build_source(source_id, path, text, encoding, data, meta.over(own))


def text_of(path: str, data: bytes) -> str:
    return page(path, data)[0]


FORMAT = InputFormat(
    name="html",
    suffixes=(".html", ".htm", ".xhtml"),
    read=read,
    text=text_of,
    description="saved web pages: the main text (trafilatura) and the page's metadata",
)

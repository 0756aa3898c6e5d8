"""The last finished report, kept beside the claim store, so an unchanged re-run costs a read.

The claim store spares extraction and binding; the checks and the rendering still run over
every claim.  When nothing at all has changed (the same files with the same bytes and
metadata, the same rules, the same factcheck, the same formats), the report is the same
bytes, so `factcheck report` keeps the last one with the key of its inputs and writes it
again.  One entry only: the cache never grows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from factcheck.errors import FactcheckError
from factcheck.fsutil import write_files_atomically
from factcheck.ingest import SOURCES_FILE, discover, read_article_bytes
from factcheck.store import code_fingerprint

CACHE_NAME = "last-report.json"


@dataclass(frozen=True)
class CachedReport:
    files: dict[str, str]
    summary: list[int]
    warnings: list[str]


def inputs_key(sources: Sequence[Path], rules_sha256: str, formats: Iterable[str]) -> str | None:
    """A hash of everything a report depends on; None when the inputs cannot be listed."""
    digest = hashlib.sha256()
    for part in (code_fingerprint(), rules_sha256, ",".join(sorted(formats))):
        digest.update(part.encode() + b"\0")
    try:
        files = discover(sources)
    except FactcheckError:
        return None
    folders = sorted({f.parent for f in files})
    for f in files:
        digest.update(str(f).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(read_article_bytes(f)).digest())
        except FactcheckError as exc:  # skipped files warn the same way each time
            digest.update(exc.message.encode())
    for folder in folders:
        meta = folder / SOURCES_FILE
        if meta.is_file():
            digest.update(str(meta).encode() + b"\0" + meta.read_bytes())
    return digest.hexdigest()


def load(folder: Path, key: str) -> CachedReport | None:
    try:
        data = json.loads((folder / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    try:
        return CachedReport(dict(data["files"]), list(data["summary"]), list(data["warnings"]))
    except (KeyError, TypeError):
        return None


def save(folder: Path, key: str, report: CachedReport) -> None:
    data = {
        "key": key,
        "files": report.files,
        "summary": report.summary,
        "warnings": report.warnings,
    }
    # A cache that cannot be written only costs the next run its shortcut.
    with contextlib.suppress(FactcheckError):
        write_files_atomically(folder, {CACHE_NAME: json.dumps(data, ensure_ascii=False)})

"""The last finished report, kept beside the claim store, so an unchanged re-run costs a read.

The claim store spares extraction and binding; the checks and the rendering still run over
every claim.  When nothing at all has changed (the same files with the same bytes and
metadata, the same rules, the same factcheck, the same formats), the report is the same
bytes, so `factcheck report` keeps the last one with the key of its inputs and writes it
again.  One entry only: the cache never grows.

On disk: `last-report.json`, small (the key, the summary and warnings, the files' sizes and
the name of the folder holding them), and `last-report/<token>/`, a copy of the report files.
A save copies the files just written into a new folder, then replaces `last-report.json`
(the moment the new entry counts), then removes the other folders: a run killed at any point
leaves the old entry or the new one, never a mix.  The files are copied in blocks, never
held whole in memory, and read back the same way.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from factcheck.errors import FactcheckError
from factcheck.fsutil import safe_name, write_files_atomically
from factcheck.ingest import SOURCES_FILE, STDIN, content_digest, discover
from factcheck.ingest.remote import is_url
from factcheck.store import code_fingerprint

CACHE_NAME = "last-report.json"
FILES_NAME = "last-report"
_TOKEN = re.compile(r"[0-9a-f]{16}")
_BLOCK = 1 << 20


@dataclass(frozen=True)
class CachedReport:
    """The last report's summary, warnings and files, the files open for reading: a run that
    replaces the cache meanwhile cannot take them away between this check and the copy."""

    files: dict[str, BinaryIO]
    summary: list[int]
    warnings: list[str]

    def outputs(self) -> dict[str, Iterator[bytes]]:
        """Each file's bytes in blocks, for `write_files_atomically`."""
        return {name: _blocks(fh) for name, fh in self.files.items()}

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


def inputs_key(
    sources: Sequence[Path | str],
    rules_sha256: str,
    formats: Iterable[str],
    ingest_options: str = "",
) -> str | None:
    """A hash of everything a report depends on; None when the inputs cannot be listed."""
    if any(str(s) == STDIN for s in sources):
        return None  # standard input is read once, by the run itself
    if any(is_url(s) for s in sources):
        return None  # an archive at a URL is read by the workers, never here
    digest = hashlib.sha256()
    for part in (code_fingerprint(), rules_sha256, ",".join(sorted(formats)), ingest_options):
        digest.update(part.encode() + b"\0")
    try:
        files = discover([Path(s) for s in sources])
    except FactcheckError:
        return None
    folders = sorted({f.parent for f in files})
    for f in files:
        digest.update(str(f).encode() + b"\0")
        try:
            digest.update(content_digest(f))
        except FactcheckError as exc:  # skipped files warn the same way each time
            digest.update(exc.message.encode())
    for folder in folders:
        meta = folder / SOURCES_FILE
        if meta.is_file():
            digest.update(str(meta).encode() + b"\0" + meta.read_bytes())
    return digest.hexdigest()


def load(folder: Path, key: str) -> CachedReport | None:
    """The entry for `key`, or None: a missing, damaged or stale cache only costs the shortcut."""
    try:
        data = json.loads((folder / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    try:
        if not _TOKEN.fullmatch(data["entry"]):
            return None
        entry = folder / FILES_NAME / data["entry"]
        sizes = {str(name): int(size) for name, size in data["files"].items()}
        summary, warnings = list(data["summary"]), list(data["warnings"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    files: dict[str, BinaryIO] = {}
    try:
        for name, size in sizes.items():
            files[name] = open(safe_name(entry, name), "rb")  # noqa: SIM115 (kept: CachedReport)
            if os.fstat(files[name].fileno()).st_size != size:  # cut short or changed since
                raise ValueError(name)
    except (OSError, ValueError, FactcheckError):
        CachedReport(files, [], []).close()
        return None
    return CachedReport(files, summary, warnings)


def save(
    folder: Path,
    key: str,
    report: Path,
    names: Sequence[str],
    summary: list[int],
    warnings: list[str],
) -> None:
    """Keep the files `names` just written to the folder `report` as the one entry for `key`.

    Copied from the written files, not rendered again nor wrapped in JSON: memory stays flat
    however large the report.  A cache that cannot be written only costs the next run its
    shortcut.
    """
    token = secrets.token_hex(8)
    entry = folder / FILES_NAME / token
    try:
        with contextlib.ExitStack() as stack:
            copies = {
                name: _blocks(stack.enter_context(open(safe_name(report, name), "rb")))
                for name in names
            }
            write_files_atomically(entry, copies)
        index = {
            "key": key,
            "entry": token,
            "files": {name: (entry / name).stat().st_size for name in names},
            "summary": summary,
            "warnings": warnings,
        }
        write_files_atomically(folder, {CACHE_NAME: json.dumps(index, ensure_ascii=False)})
    except (OSError, FactcheckError):
        shutil.rmtree(entry, ignore_errors=True)
        return
    _remove_entries(folder / FILES_NAME, keep=token)


def _remove_entries(store: Path, keep: str) -> None:
    """Remove every saved copy but `keep`: the earlier entry, and any a killed run left."""
    with contextlib.suppress(OSError):
        for path in store.iterdir():
            if path.name != keep and _TOKEN.fullmatch(path.name):
                shutil.rmtree(path, ignore_errors=True)


def _blocks(fh: BinaryIO) -> Iterator[bytes]:
    """A file's bytes in blocks of a megabyte, from where it stands."""
    return iter(functools.partial(fh.read, _BLOCK), b"")

"""The claim store: a SQLite cache of per-document results, so re-runs only redo what changed.

Two tables, two keys:

- `extracted`: a document's mentions, keyed by its content hash and the metadata extraction
  reads (file stem, publication date, `as_of`), never by the rules: mentions do not depend
  on them, so a rule change re-binds without re-extracting;
- `analysed`: the document's claims and unbound figures, keyed by the extraction key plus
  the rules' hash and the metadata the report shows (path, outlet, url).

Both keys also carry a fingerprint of factcheck's own code (its version, the hash of its
modules and package data, and the versions of Python and of the libraries it runs on), so a
changed extractor, binder or dependency never serves stale results.

Safety: WAL mode, each batch written in one transaction, a busy timeout for concurrent runs.
A run killed midway leaves every committed batch usable and nothing half-written; two runs
writing at once write the same values under the same keys.  A damaged row (a blob that does
not decode) is a miss: the document is analysed again and the row written over.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter

import factcheck
from factcheck.errors import FactcheckError, Location
from factcheck.models import Claim, Mention, SourceInfo, Unbound

DEFAULT_STORE = Path(".factcheck") / "claims.db"
SCHEMA = 1
BUSY_TIMEOUT_S = 60.0

_MENTIONS = TypeAdapter(tuple[Mention, ...])


class StoredAnalysis(BaseModel):
    """What the report needs of one document: its record, claims and unbound figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: SourceInfo
    claims: tuple[Claim, ...]
    unbound: tuple[Unbound, ...]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Everything besides the inputs that a result depends on: factcheck's version, its
    modules and package data (word lists, tables), Python's version and the versions of the
    libraries it runs on (a new pint, Babel or regex can change a figure).  A change to any
    of them invalidates the claim store and the report cache."""
    digest = hashlib.sha256(factcheck.__version__.encode())
    digest.update(sys.version.encode() + b"\0")
    pkg = Path(factcheck.__file__).parent
    for f in sorted(p for p in pkg.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(str(f.relative_to(pkg)).encode() + b"\0" + f.read_bytes())
    for name, version in dependency_versions():
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


def dependency_versions() -> list[tuple[str, str]]:
    """factcheck's installed dependencies (not the extras: a new pytest changes no figure) and
    their versions, sorted."""
    try:
        requires = metadata.requires("factcheck") or []
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        return []
    names = {
        re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0].lower() for r in requires if "extra" not in r
    }
    out = []
    for name in sorted(names):
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "absent"))
    return out


def _key(*parts: object) -> str:
    return hashlib.sha256(
        # surrogateescape: a file name that is not UTF-8 reaches here as lone surrogates
        "\0".join("" if p is None else str(p) for p in parts).encode("utf-8", "surrogateescape")
    ).hexdigest()


def extraction_key(stem: str, sha256: str, published: object = None, as_of: object = None) -> str:
    """Mentions depend on the text and on the date relative dates resolve against."""
    return _key("extract", code_fingerprint(), stem, sha256, published, as_of)


def analysis_key(
    extraction: str, rules_sha256: str, path: str, outlet: object = None, url: object = None
) -> str:
    return _key("analyse", extraction, rules_sha256, path, outlet, url)


# What decoding a damaged row raises (a truncated blob, bytes that are not the records' JSON):
# such a row is a miss, analysed again and written over, never a traceback.
DAMAGED = (zlib.error, ValueError)


def encode_mentions(mentions: Sequence[Mention]) -> bytes:
    return zlib.compress(_MENTIONS.dump_json(tuple(mentions)), 1)


def decode_mentions(blob: bytes) -> tuple[Mention, ...]:
    return _MENTIONS.validate_json(zlib.decompress(blob))


def encode_analysis(a: StoredAnalysis) -> bytes:
    return zlib.compress(a.model_dump_json().encode(), 1)


def decode_analysis(blob: bytes) -> StoredAnalysis:
    return StoredAnalysis.model_validate_json(zlib.decompress(blob))


def _write_ahead(db: sqlite3.Connection) -> None:
    """The store's file in WAL mode.  Switching a new file to it needs the file to itself, and
    SQLite answers "database is locked" at once, without the busy timeout, to a second process
    that asks meanwhile (two runs started together on a new store): that one asks again."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class ClaimStore:
    """One connection to the store file; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            _write_ahead(self.db)
            # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut
            # can drop the last transactions, and never corrupts the file.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._create()
        except (sqlite3.Error, OSError) as exc:
            raise FactcheckError(
                f"cannot open the claim store: {exc}",
                Location(str(path)),
                "delete the file to rebuild it, pass another --store, or run with --no-store",
            ) from None

    def _create(self) -> None:
        with self.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS extracted "
                "(key TEXT PRIMARY KEY, code TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID"
            )
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS analysed "
                "(key TEXT PRIMARY KEY, code TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID"
            )
            row = self.db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            elif row[0] != str(SCHEMA):
                raise sqlite3.DatabaseError(f"store schema {row[0]}, this factcheck reads {SCHEMA}")

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ClaimStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading

    def _get(self, table: str, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(dict.fromkeys(keys))
        out: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            for k, data in self.db.execute(
                f"SELECT key, data FROM {table} WHERE key IN ({marks})", part
            ):
                out[k] = data
        return out

    def analysed(self, keys: Iterable[str]) -> dict[str, bytes]:
        return self._get("analysed", keys)

    def extracted(self, keys: Iterable[str]) -> dict[str, bytes]:
        return self._get("extracted", keys)

    def counts(self) -> tuple[int, int]:
        (e,) = self.db.execute("SELECT count(*) FROM extracted").fetchone()
        (a,) = self.db.execute("SELECT count(*) FROM analysed").fetchone()
        return int(e), int(a)

    # ------------------------------------------------------------------ writing

    def put(
        self, extracted: Sequence[tuple[str, bytes]], analysed: Sequence[tuple[str, bytes]]
    ) -> None:
        """Write one batch atomically.  A key already present gets the same value again, or a
        good one over a damaged row."""
        if not extracted and not analysed:
            return
        code = code_fingerprint()
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO extracted VALUES (?, ?, ?)",
                [(k, code, d) for k, d in extracted],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO analysed VALUES (?, ?, ?)",
                [(k, code, d) for k, d in analysed],
            )

    def prune(self) -> int:
        """Drop rows written by other versions of factcheck's code: they can never hit again."""
        code = code_fingerprint()
        with self.transaction():
            n = self.db.execute("DELETE FROM extracted WHERE code != ?", (code,)).rowcount
            n += self.db.execute("DELETE FROM analysed WHERE code != ?", (code,)).rowcount
        return int(n)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: a batch is written whole or not."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
        # instead of failing at commit time with a deadlock.
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")

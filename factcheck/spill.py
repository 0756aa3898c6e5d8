"""Records put aside on disk as they arrive, and read back a pass at a time.

A run whose reports need the records (Markdown, HTML, SARIF, ...) keeps no document's claims in
memory: `engine.analyse_paths(spill=True)` puts each document's source record, claims and
unbound figures aside, as the JSON report's items, in a temporary file (`engine.JsonSpill`,
the one the JSON report is copied from), and the texts the HTML report may show in another
(`TextSpill`).  The parent keeps where each document's items are, and the findings.

`report` gives the renderers a report (`common.ReportView`) whose `claims` and `unbound` are
views (`Spilled`): each pass over one decodes the documents' items from the file again, in
report order, and keeps none of them.  A renderer makes its passes and keeps what it shows;
`Spilled.passes` counts them.  The sources' records, one a document, are read once and held:
every claim a report words is worded with its source's.  `json_pieces` copies the JSON report
from the file.
"""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from pydantic import TypeAdapter

from factcheck import scratch
from factcheck.models import SCHEMA_VERSION, Claim, SourceInfo, Unbound
from factcheck.report import json as json_report
from factcheck.report.common import ReportView

if TYPE_CHECKING:
    from factcheck.engine import Corpus
    from factcheck.rules import RuleSet

M = TypeVar("M")


class Spilled(Sequence[M], Generic[M]):
    """A report list read back from where it was put aside: `chunks()` gives each document's
    items (JSON report items joined by `json_report.ITEM`) in report order, decoded as they
    are met.  Iterating is a pass over the file; indexing one item walks to it."""

    # Passes made over any view since the process started: what a report's rendering cost.
    passes = 0

    def __init__(
        self, chunks: Callable[[], Iterator[str]], count: int, adapter: TypeAdapter[list[M]]
    ) -> None:
        self._chunks = chunks
        self._count = count
        self._adapter = adapter

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[M]:
        Spilled.passes += 1
        # Documents' items decoded many at a time: one call per document cost more than its
        # few items.
        batch: list[str] = []
        size = 0
        for chunk in self._chunks():
            if chunk:
                batch.append(chunk)
                size += len(chunk)
                if size >= _BATCH_CHARS:
                    yield from self._decoded(batch)
                    batch, size = [], 0
        if batch:
            yield from self._decoded(batch)

    def _decoded(self, chunks: list[str]) -> list[M]:
        return self._adapter.validate_json("[" + json_report.ITEM.join(chunks) + "]")

    @overload
    def __getitem__(self, i: int) -> M: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[M]: ...

    def __getitem__(self, i: int | slice) -> M | Sequence[M]:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._count)
            return list(islice(self, start, stop, step)) if stop > start else []
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(i)
        return next(islice(self, i, None))


_BATCH_CHARS = 1 << 16

_CLAIMS: TypeAdapter[list[Claim]] = TypeAdapter(list[Claim])
_UNBOUND: TypeAdapter[list[Unbound]] = TypeAdapter(list[Unbound])
_SOURCES: TypeAdapter[list[SourceInfo]] = TypeAdapter(list[SourceInfo])


class TextSpill(Mapping[str, str]):
    """Articles' texts in the run's scratch folder `root`, by source id: the HTML report reads
    those it shows when it shows them.  Workers put them there (`worker.put_aside`); a text
    that came back is put there by `add`.  The last few read are kept (a table quotes one
    article several times)."""

    KEEP = 8

    def __init__(self, root: str) -> None:
        self.root = root
        self._at: dict[str, tuple[str, int, int]] = {}
        self._recent: OrderedDict[str, str] = OrderedDict()
        self._reader = scratch.Reader(root)

    def add(self, source_id: str, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        path, offset = scratch.append(self.root, data)
        self.add_at(source_id, (path, offset, len(data)))

    def add_at(self, source_id: str, at: tuple[str, int, int]) -> None:
        """A text where it was put, in the run's scratch folder."""
        self._at[source_id] = at
        self._recent.pop(source_id, None)

    def __getitem__(self, source_id: str) -> str:
        text = self._recent.get(source_id)
        if text is not None:
            self._recent.move_to_end(source_id)
            return text
        text = self._reader.read(*self._at[source_id]).decode("utf-8", "surrogatepass")
        self._recent[source_id] = text
        if len(self._recent) > self.KEEP:
            self._recent.popitem(last=False)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def close(self) -> None:
        self._reader.close()


class ClaimSpill:
    """Claims put aside in a temporary file as they are met, a batch at a time, and read back
    as a view (`view`): a part of a report's claims (one metric's, for its HTML page) that
    should not be held either."""

    BATCH = 256

    def __init__(self) -> None:
        # Open as long as a view of it is: closed when the last is dropped.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self._chunks: list[tuple[int, int]] = []
        self._pending: list[Claim] = []
        self._end = 0
        self.count = 0

    def add(self, c: Claim) -> None:
        self._pending.append(c)
        self.count += 1
        if len(self._pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        data = json_report.ITEM.join(json_report.texts(self._pending)).encode()
        self.file.seek(self._end)
        self.file.write(data)
        self._chunks.append((self._end, len(data)))
        self._end += len(data)
        self._pending = []

    def _read(self) -> Iterator[str]:
        for offset, size in self._chunks:
            self.file.seek(offset)
            yield self.file.read(size).decode()

    def view(self) -> Spilled[Claim]:
        self._flush()
        return Spilled(self._read, self.count, _CLAIMS)


def report(corpus: Corpus, rules: RuleSet) -> ReportView:
    """The report of a corpus analysed with `spill=True`: its records read back from the spill
    on each pass, its findings (checked group by group) in memory."""
    spill = corpus.json_docs
    if spill is None or corpus.findings is None or corpus.checked_with != rules.sha256:
        raise ValueError("spill.report needs a corpus analysed with spill=True for these rules")
    return ReportView(
        schema_version=SCHEMA_VERSION,
        rules_sha256=rules.sha256,
        # Each document's source record is held (the reports look sources up by id to word
        # every claim's), read once; the claims and unbound figures are read on each pass.
        sources=tuple(Spilled(lambda: spill.items(0), len(spill.docs), _SOURCES)),
        claims=Spilled(lambda: spill.items(1), spill.claims, _CLAIMS),
        findings=tuple(corpus.findings),
        unbound=Spilled(lambda: spill.items(2), spill.unbound, _UNBOUND),
        warnings=tuple(corpus.warnings),
    )


def json_pieces(corpus: Corpus, view: ReportView) -> Iterator[str]:
    """The JSON report of a spilled run, byte for byte what `json_report.pieces` writes for the
    same report in memory: the documents' items copied from the spill, the findings rendered
    here."""
    spill = corpus.json_docs
    if spill is None:
        raise ValueError("json_pieces needs a corpus analysed with spill=True")
    lists: dict[str, tuple[int, Callable[[], Iterator[str]]]] = {
        **spill.lists(),
        "findings": (len(view.findings), lambda: _rendered(view.findings)),
        "warnings": (len(view.warnings), lambda: _rendered(view.warnings)),
    }
    scalars: dict[str, Any] = {
        "schema_version": view.schema_version,
        "rules_sha256": view.rules_sha256,
    }
    return json_report.assembled(scalars, lists)


def _rendered(records: Sequence[Any], batch: int = 1024) -> Iterator[str]:
    """Records as the JSON report's items, a batch at a time, each batch's joined."""
    for start in range(0, len(records), batch):
        yield json_report.ITEM.join(json_report.texts(records[start : start + batch]))

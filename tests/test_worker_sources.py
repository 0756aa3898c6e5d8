"""A run's workers share what a sources.yaml says through the run's scratch folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from factcheck import worker
from factcheck.errors import FactcheckError
from factcheck.ingest import sourcesfile

SOURCES = """\
a1: {outlet: steppe-times.example, published: 2021-01-17}
a2:
  outlet: kazinform.example
  url: https://kazinform.example/a2?x=1&y=2
  as_of: 2020-12-31
a3:
"""


def stamp(p: Path) -> tuple[int, int]:
    st = p.stat()
    return (st.st_mtime_ns, st.st_size)


def test_the_first_worker_to_read_a_sources_file_keeps_it_for_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sf = tmp_path / "news" / "sources.yaml"
    sf.parent.mkdir()
    sf.write_text(SOURCES, encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    parsed: list[Path] = []
    real = sourcesfile.read_sources_file

    def counting(path: Path | str, text: str | None = None) -> dict[str, object]:
        parsed.append(Path(path))
        return real(path, text)  # type: ignore[return-value]

    monkeypatch.setattr(worker, "read_sources_file", counting)
    want = real(sf)
    first = worker._shared_sources(sf, stamp(sf), str(scratch))
    again = worker._shared_sources(sf, stamp(sf), str(scratch))  # another worker, same run
    assert first == want and again == want and len(parsed) == 1
    assert want["a2"].as_of == dt.date(2020, 12, 31) and want["a3"].outlet is None
    [kept] = scratch.glob("sources-*.json")
    # A damaged copy is no answer: the file itself is read again.
    kept.write_bytes(b'{"a1": [1, 2')
    assert worker._shared_sources(sf, stamp(sf), str(scratch)) == want and len(parsed) == 2
    # A changed file is another file.
    sf.write_text(SOURCES.replace("2021-01-17", "2021-01-18"), encoding="utf-8")
    os.utime(sf, ns=(1, 1))
    changed = worker._shared_sources(sf, stamp(sf), str(scratch))
    assert changed["a1"].published == dt.date(2021, 1, 18) and len(parsed) == 3
    # A bad file is an error, as ever, and nothing is kept for it.
    sf.write_text("a1: {outlet: x, published: soon}\n", encoding="utf-8")
    before = sorted(scratch.iterdir())
    with pytest.raises(FactcheckError, match="must be a date"):
        worker._shared_sources(sf, stamp(sf), str(scratch))
    assert sorted(scratch.iterdir()) == before

"""The run's scratch folder: pieces put aside by workers and read back by others."""

from __future__ import annotations

from pathlib import Path

from factcheck import scratch


def test_pieces_read_back_whenever_they_were_written(
    tmp_path: Path,
) -> None:
    run = scratch.Scratch(str(tmp_path))
    try:
        first, at_first = scratch.append(run.path, b"first piece")
        with scratch.Reader(run.path) as reader:
            assert reader.read(first, at_first, 5) == b"first"
            again, at_again = scratch.append(run.path, b"and a later one")
            assert again == first  # one file a process
            assert reader.read(again, at_again, 15) == b"and a later one"
            assert reader.read(first, at_first + 6, 5) == b"piece"
        # An empty file: a worker that put nothing aside yet.
        empty = Path(run.path) / "worker-empty"
        empty.write_bytes(b"")
        with scratch.Reader(run.path) as reader:
            assert reader.read(str(empty), 0, 0) == b""
    finally:
        scratch.close()
        run.close()
    assert list(tmp_path.iterdir()) == []

"""Archives at an fsspec URL: listed where the run starts, read where each article is analysed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.cli import main
from tests.test_corpus_generator import corpus_module

pytest.importorskip("fsspec")


def _report(args: list[str], out: Path) -> dict[str, object]:
    assert main(["report", *args, "--rules", "rules", "--format", "json", "--out", str(out)]) == 0
    data: dict[str, object] = json.loads((out / "consistency.json").read_text(encoding="utf-8"))
    return data


def test_a_file_url_gives_the_folder_s_claims_and_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 12, seed=4, plant_rate=0.3)
    plain = _report([str(folder), "--no-store"], tmp_path / "a")
    url = f"file://{folder.as_posix()}"
    remote = _report([url, "--store", str(tmp_path / "claims.db")], tmp_path / "b")
    assert remote["claims"] == plain["claims"] and remote["findings"] == plain["findings"]
    paths = [s["path"] for s in remote["sources"]]  # type: ignore[attr-defined, index]
    assert all(p.startswith(url + "/") for p in paths)
    # The sources.yaml beside the articles was read through the URL too.
    assert [s["published"] for s in remote["sources"]] == [  # type: ignore[attr-defined, index]
        s["published"]
        for s in plain["sources"]  # type: ignore[attr-defined]
    ]


def test_a_url_that_lists_nothing_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    url = f"file://{(tmp_path / 'nowhere').as_posix()}"
    code = main(["report", url, "--no-store", "--format", "json", "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{url}: no article was read" in err and "1 skipped" in err
    from factcheck.engine import analyse_paths
    from factcheck.rules import load_rules

    corpus = analyse_paths([url], load_rules([Path("rules")]))
    assert corpus.skipped == [url] and "nowhere: cannot list" in corpus.warnings[0]

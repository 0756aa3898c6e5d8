"""`factcheck baseline` never forgets what it could not check, nor what a person wrote.

A run over a subset of the sources, or while one article cannot be read, used to drop every
entry naming the missing source, with its hand-written `reason:`; a re-run dropped every
comment in the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factcheck.baseline import load_baseline
from factcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    assert main(["baseline", "seeds", "--rules", "rules", "--baseline", "b.yaml"]) == 0
    return tmp_path


def _annotate(path: Path) -> str:
    """The baseline as a desk edits it: reasons and comments by hand."""
    text = path.read_text(encoding="utf-8")
    fps = [e.fingerprint for e in load_baseline(path).entries]
    assert len(fps) >= 2, "the seeds give two accepted conflicts"
    text = text.replace(
        f"- fingerprint: {fps[1]}", f"# checked by the desk, 2024-03-01\n- fingerprint: {fps[1]}"
    )
    text = text.replace("reason: null", "reason: the ministry revised it  # see ticket 12", 1)
    text += "# end of the accepted list\n"
    path.write_text(text, encoding="utf-8")
    return text


def test_a_run_over_a_subset_keeps_the_other_entries_and_their_reasons(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = load_baseline(desk / "b.yaml").entries
    _annotate(desk / "b.yaml")
    one = sorted((desk / "seeds").glob("*.txt"))[0]
    assert main(["baseline", str(one), "--rules", "rules", "--baseline", "b.yaml"]) == 0
    after = load_baseline(desk / "b.yaml").entries
    assert [e.fingerprint for e in after] == [e.fingerprint for e in before]
    assert "the ministry revised it" in {e.reason for e in after}
    assert "kept unchecked" in capsys.readouterr().out


def test_an_unreadable_article_keeps_its_entries(desk: Path) -> None:
    before = {e.fingerprint for e in load_baseline(desk / "b.yaml").entries}
    victim = next(iter(load_baseline(desk / "b.yaml").entries)).claims[0].source
    (desk / "seeds" / f"{victim}.txt").write_bytes(b"")  # empty: skipped with a warning
    assert main(["baseline", "seeds", "--rules", "rules", "--baseline", "b.yaml"]) == 0
    assert {e.fingerprint for e in load_baseline(desk / "b.yaml").entries} == before


def test_comments_survive_a_rerun_and_a_rerun_is_byte_stable(desk: Path) -> None:
    text = _annotate(desk / "b.yaml")
    assert main(["baseline", "seeds", "--rules", "rules", "--baseline", "b.yaml"]) == 0
    again = (desk / "b.yaml").read_text(encoding="utf-8")
    for comment in ("# checked by the desk", "# see ticket 12", "# end of the accepted list"):
        assert comment in again
    # the comment still stands above the entry it was written for
    fp = load_baseline(desk / "b.yaml").entries[1].fingerprint
    assert f"# checked by the desk, 2024-03-01\n- fingerprint: {fp}" in again
    assert again.startswith(text.splitlines()[0])
    assert main(["baseline", "seeds", "--rules", "rules", "--baseline", "b.yaml"]) == 0
    assert (desk / "b.yaml").read_text(encoding="utf-8") == again


def test_a_dropped_entry_names_its_reason(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _annotate(desk / "b.yaml")
    entry = next(e for e in load_baseline(desk / "b.yaml").entries if e.reason)
    assert entry.rule == "trade_mission_opened.agree"
    # The conflict goes away: the article is corrected to the other's year.
    article = desk / "seeds" / f"{entry.claims[1].source}.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("has existed since 2012", "has existed since 2002"), "utf-8")
    capsys.readouterr()
    assert main(["baseline", "seeds", "--rules", "rules", "--baseline", "b.yaml"]) == 0
    err = capsys.readouterr().err
    assert f"dropped {entry.fingerprint}" in err
    assert "its reason was: the ministry revised it" in err


def test_unquoted_yaml_11_words_stay_text(tmp_path: Path) -> None:
    """ruamel writes YAML 1.2 by default, where `no` is text; PyYAML (1.1) reads it as false."""
    from factcheck.baseline import BaselineClaim, BaselineEntry, fingerprint_of, render_baseline

    claims = (BaselineClaim(source="no", value="on", unit="yes"),)
    fp = fingerprint_of("r", "m", (), None, None, [("no", "on", "yes")])
    e = BaselineEntry(fingerprint=fp, rule="r", kind="agreement", metric="m", claims=claims)
    (tmp_path / "b.yaml").write_text(render_baseline([e]), encoding="utf-8")
    assert load_baseline(tmp_path / "b.yaml").entries == (e,)


def test_the_gate_does_not_call_an_unread_entry_fixed(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = sorted((desk / "seeds").glob("*.txt"))[-1]
    capsys.readouterr()
    main(["check", str(one), "--rules", "rules", "--baseline", "b.yaml"])
    out = capsys.readouterr().out
    assert ", 0 fixed" in out and "no longer occurs" not in out

"""YAML of plain data is read from libyaml's events; anything else goes the guarded way.

Both ways must give the same value for every document the project reads, and every mistake
must still be reported where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck import yamlload
from factcheck.errors import FactcheckError

ROOT = Path(__file__).resolve().parent.parent


def every_yaml() -> list[Path]:
    skip = {".venv", ".git", "node_modules"}
    return sorted(
        p
        for pattern in ("*.yaml", "*.yml")
        for p in ROOT.rglob(pattern)
        if not skip & set(p.relative_to(ROOT).parts)
    )


def test_every_yaml_file_of_the_project_reads_the_same_both_ways() -> None:
    files = every_yaml()
    assert len(files) > 50
    plain = 0
    for f in files:
        text = f.read_text(encoding="utf-8-sig")
        try:
            guarded = yamlload._load_marked(str(f), text).value
        except FactcheckError:
            assert yamlload._plain(text) is None, f  # a bad file is never read the fast way
            continue
        fast = yamlload._plain(text)
        if fast is not None:
            plain += 1
            assert fast[0] == guarded, f
            assert repr(fast[0]) == repr(guarded), f  # the same types, not just equal values
    assert plain > len(files) // 2


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # an explicit tag
        "a: !custom x\n",
        "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",  # a merge key
        "a: 1\na: 2\n",  # a duplicate key
        "? [a, b]\n: 1\n",  # a list as a key
        "--- 1\n--- 2\n",  # two documents
        "a: 2023-02-30\n",  # a date that is none
        "[" * 150 + "]" * 150,  # nested past the limit
        "a: [1, 2\n",  # a syntax error
    ],
)
def test_anything_but_plain_data_goes_the_guarded_way(text: str) -> None:
    assert yamlload._plain(text) is None


def test_mistakes_are_still_located_and_positions_are_found_when_asked(tmp_path: Path) -> None:
    f = tmp_path / "sources.yaml"
    f.write_text("a1: {outlet: x}\na1: {outlet: y}\n", encoding="utf-8")
    with pytest.raises(FactcheckError) as err:
        yamlload.load_yaml(f)
    assert "duplicate key 'a1'" in str(err.value) and ":2:1" in err.value.render()
    f.write_text("a1:\n  outlet: x\n  published: soon\n", encoding="utf-8")
    doc = yamlload.load_yaml(f)
    assert doc.value == {"a1": {"outlet": "x", "published": "soon"}}
    assert doc.unmarked is not None  # read the fast way, positions not yet found
    where = doc.location(("a1", "published"))
    assert (where.line, where.column) == (3, 14) and doc.unmarked is None


def test_values_of_every_plain_kind() -> None:
    text = (
        "s: text\nq: '1'\ni: 12\nf: 1.5\nb: true\nn: null\nd: 2023-02-02\n"
        "t: 2023-02-02 08:00:00\nl: [1, two, {three: 3}]\nempty: {}\n"
    )
    fast = yamlload._plain(text)
    assert fast is not None
    assert repr(fast[0]) == repr(yamlload._load_marked("x", text).value)
    assert yamlload._plain("") == (None,)
    assert yamlload._plain("# only a comment\n") == (None,)

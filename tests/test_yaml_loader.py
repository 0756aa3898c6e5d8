"""The safe YAML loader: plain data only, duplicate keys refused, merges honoured, marks exact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import factcheck.yamlload as yamlload
from factcheck.errors import FactcheckError
from factcheck.yamlload import MAX_DEPTH, load_yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs over both parsers: libyaml's (the fast path, when PyYAML has it)
    and PyYAML's own, which rewords every error the fast path meets."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlload, "_CLoader", None)
    elif yamlload._CLoader is None:
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(ROOT))
        for folder in ("rules", "seeds", "tests/fixtures")
        for p in (ROOT / folder).rglob("*.yaml")
    ),
)
def test_both_parsers_read_every_project_file_alike(
    path: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if parser != "libyaml":
        pytest.skip("compares the two parsers once")

    def read() -> tuple[object, object, object]:
        try:
            doc = load_yaml(ROOT / path)
        except FactcheckError as e:
            return "error", str(e), None
        return doc.value, doc.marks, doc.key_marks

    fast = read()
    monkeypatch.setattr(yamlload, "_CLoader", None)
    assert fast == read()


def load(tmp_path: Path, text: str) -> object:
    f = tmp_path / "r.yaml"
    f.write_text(text, encoding="utf-8")
    return load_yaml(f).value


def error(tmp_path: Path, text: str) -> FactcheckError:
    f = tmp_path / "r.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(FactcheckError) as info:
        load_yaml(f)
    assert info.value.location.path == str(f)
    return info.value


def where(e: FactcheckError) -> tuple[int | None, int | None]:
    return e.location.line, e.location.column


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: !!python/object:os.system {}\n", 1, 4),
        ("a:\n  b: !!python/name:os.system ''\n", 2, 6),
        ("a: !!python/object/apply:os.system ['echo hi']\n", 1, 4),
        ("- !!binary aGVsbG8=\n", 1, 3),
        ("a: !custom 5\n", 1, 4),
        ("a: !!set {x, y}\n", 1, 4),
    ],
)
def test_tags_that_would_build_objects_are_located_errors(
    tmp_path: Path, text: str, line: int, column: int
) -> None:
    e = error(tmp_path, text)
    assert "is not allowed" in e.message
    assert where(e) == (line, column)


def test_nothing_is_ever_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(FactcheckError):
        load(tmp_path, text)
    assert not marker.exists()


def test_duplicate_key_in_nested_mapping(tmp_path: Path) -> None:
    e = error(tmp_path, "metrics:\n  - id: a\n    subject:\n      name: x\n      name: y\n")
    assert where(e) == (5, 7)
    assert "duplicate key 'name' (first at line 4)" in e.message


def test_duplicate_key_in_flow_mapping(tmp_path: Path) -> None:
    e = error(tmp_path, "a: {x: 1, y: {z: 1, z: 2}}\n")
    assert where(e) == (1, 21)


def test_merge_keys_fill_in_and_written_keys_win(tmp_path: Path) -> None:
    text = (
        "base: &b {unit: USD, period: required}\n"
        "more: &m {flow: true, unit: EUR}\n"
        "m:\n"
        "  <<: [*b, *m]\n"
        "  period: none\n"
    )
    value = load(tmp_path, text)
    assert value == {
        "base": {"unit": "USD", "period": "required"},
        "more": {"flow": True, "unit": "EUR"},
        # written keys win, then the first merge source, then the next
        "m": {"period": "none", "unit": "USD", "flow": True},
    }


def test_merge_of_a_non_mapping_is_an_error(tmp_path: Path) -> None:
    e = error(tmp_path, "a: &a [1]\nb:\n  <<: *a\n")
    assert "merges mappings only" in e.message


def test_duplicate_key_beside_a_merge_is_still_an_error(tmp_path: Path) -> None:
    e = error(tmp_path, "b: &b {x: 1}\nm:\n  <<: *b\n  y: 1\n  y: 2\n")
    assert where(e) == (5, 3)


def test_marks_point_at_values_and_keys(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text("metrics:\n  - id: a\n    cues: [one, two]\n", encoding="utf-8")
    doc = load_yaml(f)
    loc = doc.location(("metrics", 0, "cues", 1))
    assert (loc.line, loc.column) == (3, 17)
    key = doc.location(("metrics", 0, "cues"), key=True)
    assert (key.line, key.column) == (3, 5)
    # a path that is not in the file falls back to its nearest parent
    missing = doc.location(("metrics", 0, "unit"))
    assert (missing.line, missing.column) == (2, 5)


def test_plain_scalars(tmp_path: Path) -> None:
    value = load(tmp_path, "a: 1992-10-22\nb: '1992-10-22'\nc: 22.2e9\nd: no\ne: ~\n")
    assert value == {
        "a": dt.date(1992, 10, 22),
        "b": "1992-10-22",
        "c": "22.2e9",  # YAML 1.1 floats need a dot: a quantity string stays a string
        "d": False,
        "e": None,
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: 2023-02-30\n", "cannot read '2023-02-30'"),
        ("a: !!int abc\n", "cannot read 'abc'"),
        ("a: !!timestamp ''\n", "cannot read ''"),
    ],
)
def test_unreadable_scalars_are_located(tmp_path: Path, text: str, fragment: str) -> None:
    e = error(tmp_path, text)
    assert fragment in e.message
    assert where(e) == (1, 4)


def test_alias_bomb_is_stopped_where_it_explodes(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    e = error(tmp_path, "\n".join(lines) + "\n")
    assert "through aliases" in e.message
    assert where(e) == (6, 4)  # f: 9**6 values, the first past the limit


def test_recursive_alias(tmp_path: Path) -> None:
    e = error(tmp_path, "a: &a [1, *a]\n")
    assert "contains it" in e.message
    assert where(e) == (1, 11)


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    e = error(tmp_path, "a: " + "[" * (MAX_DEPTH + 50) + "]" * (MAX_DEPTH + 50) + "\n")
    assert "nested" in e.message


def test_syntax_error_has_its_mark(tmp_path: Path) -> None:
    e = error(tmp_path, "metrics:\n  - id: a\n   cues: [x\n")
    assert e.message.startswith("YAML syntax error")
    assert e.location.line == 3


def test_two_documents(tmp_path: Path) -> None:
    e = error(tmp_path, "a: 1\n---\nb: 2\n")
    assert "single document" in e.message
    assert where(e) == (2, 1)


def test_empty_file_is_none(tmp_path: Path) -> None:
    assert load(tmp_path, "") is None
    assert load(tmp_path, "# only a comment\n") is None

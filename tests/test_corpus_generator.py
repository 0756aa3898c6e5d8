"""The benchmark corpus: deterministic, and its planted conflicts are exactly what is found."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

from factcheck.engine import analyse_paths, build_report
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


def corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_corpus", mod)
    spec.loader.exec_module(mod)
    return mod


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    gen = corpus_module()
    gen.generate(tmp_path / "a", 30, seed=3)
    gen.generate(tmp_path / "b", 30, seed=3)
    gen.generate(tmp_path / "c", 30, seed=4)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")


def test_planted_conflicts_are_exactly_the_conflicts_found(tmp_path: Path) -> None:
    gen = corpus_module()
    manifest = gen.generate(tmp_path, 120, seed=11, plant_rate=0.25)
    assert {p.kind for p in manifest.plants} == {
        "turnover",
        "mission",
        "agreement",
        "eu",
        "weekday",
    }
    rules = load_rules([ROOT / "rules"])
    report = build_report(analyse_paths([tmp_path], rules), rules)
    assert len(report.sources) == 120
    planted = manifest.planted()
    conflicts = [f for f in report.findings if f.status == "conflict"]
    claims = {c.id: c for c in report.claims}
    # Every conflict names a planted source: none is false.  One that names an honest source
    # is the plant's own conflict, exactly one per plant and rule; one between two planted
    # sources is a pair of wrong figures that also contradict each other (two planted years of
    # a mission), which a picture of all values reports too.
    own: Counter[tuple[str, str]] = Counter()
    for f in conflicts:
        sources = {claims[i].source for i in f.claims}
        guilty = {s for s in sources if (s, f.rule) in planted}
        assert guilty, f.message
        if guilty != sources or len(sources) == 1:
            own.update((s, f.rule) for s in guilty)
    assert own == planted

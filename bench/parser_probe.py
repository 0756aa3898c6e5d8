"""How fast a dependency parser would read the sentences binding works on, for the choice
recorded in factcheck/bind/attribution.py.

    pip install spacy <an English model package>; python bench/parser_probe.py MODEL [FOLDER ...]

Parses every article of the folders (default: seeds/ and the Cyclone Mira story) with spaCy's
tagger and parser (NER off), then only the sentences holding a digit, which is all a binder
would need parsed, and prints KB/s and milliseconds per sentence beside the import and load
times.  spaCy is not a dependency of factcheck: without it the probe says so and exits 0.
On the machine this was decided on (2 shared cores), the PyPI re-upload of en_core_web_sm 3.8
gave: import 0.5 s, load 0.3 s, 57 KB/s over whole articles, 80 KB/s (2 ms a sentence) over
sentences with a digit, against about 2 MB/s for factcheck's whole cold run.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", help="an installed spaCy model package, e.g. en_core_web_sm")
    p.add_argument("folders", nargs="*", type=Path)
    a = p.parse_args(argv)
    if importlib.util.find_spec("spacy") is None:
        print("spaCy is not installed; nothing to measure")
        return 0
    t0 = time.perf_counter()
    import spacy

    t1 = time.perf_counter()
    nlp = spacy.load(a.model, disable=["ner", "lemmatizer", "attribute_ruler"])
    t2 = time.perf_counter()
    folders = a.folders or [ROOT / "seeds", ROOT / "tests" / "stories" / "cyclone_mira"]
    texts = [
        f.read_text(encoding="utf-8", errors="replace")
        for folder in folders
        for f in sorted(folder.rglob("*.txt"))
    ]
    size = sum(len(t.encode()) for t in texts)
    t3 = time.perf_counter()
    list(nlp.pipe(texts))
    t4 = time.perf_counter()
    sents = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if re.search(r"\d", s)]
    sent_size = sum(len(s.encode()) for s in sents)
    t5 = time.perf_counter()
    list(nlp.pipe(sents))
    t6 = time.perf_counter()
    print(f"import {t1 - t0:.2f} s, load {t2 - t1:.2f} s, pipes {nlp.pipe_names}")
    print(f"whole articles: {size} bytes, {size / 1024 / (t4 - t3):.1f} KB/s")
    print(
        f"sentences with a digit: {len(sents)}, {sent_size / 1024 / (t6 - t5):.1f} KB/s, "
        f"{1000 * (t6 - t5) / max(1, len(sents)):.2f} ms a sentence"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

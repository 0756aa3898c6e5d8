"""The project config: `[tool.factcheck]` in pyproject.toml, or a factcheck.toml.

In a desk's repository `factcheck check` then needs no flags: the config names the sources,
the rules, the baseline, the report's folder and formats, and a dump's field names.  It is
found in the current folder or the nearest one above it; its paths are relative to the folder
it lies in; a flag on the command line wins over it.

    # factcheck.toml (or the same keys under [tool.factcheck] in pyproject.toml)
    sources = ["articles"]
    rules = ["rules"]
    baseline = "factcheck-baseline.yaml"
    out = "reports"
    formats = ["md", "html", "json"]
    [fields]                     # [tool.factcheck.fields] in pyproject.toml
    text = ["story_text"]
    published = "pub_date"

`factcheck init` writes a starter config and a commented rules file.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from factcheck.errors import FactcheckError, Location

CONFIG_FILE = "factcheck.toml"
PYPROJECT = "pyproject.toml"
FIELD_NAMES = ("id", "text", "url", "published", "outlet", "title")


class ProjectConfig(BaseModel):
    """What `[tool.factcheck]` may say; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[str] | None = None
    rules: list[str] | None = None
    baseline: str | None = None
    out: str | None = None
    formats: list[str] | None = None
    fields: dict[str, list[str]] | None = None

    @field_validator("sources", "rules", "formats", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @field_validator("fields", mode="before")
    @classmethod
    def _field_lists(cls, v: object) -> object:
        if not isinstance(v, dict):
            return v
        unknown = sorted(set(map(str, v)) - set(FIELD_NAMES))
        if unknown:
            raise ValueError(f"unknown field name {unknown[0]!r}; one of {', '.join(FIELD_NAMES)}")
        return {k: [x] if isinstance(x, str) else x for k, x in v.items()}


class Config:
    """A loaded config: its values, with paths resolved against the folder it lies in."""

    def __init__(self, path: Path | None, values: ProjectConfig) -> None:
        self.path = path
        self.values = values
        self.root = path.parent if path is not None else Path()

    def _paths(self, items: list[str] | None) -> list[Path] | None:
        return [self._path(p) for p in items] if items else None

    def _path(self, item: str) -> Path:
        p = Path(item)
        return p if p.is_absolute() or self.path is None else _relative(self.root / p)

    @property
    def sources(self) -> list[Path] | None:
        return self._paths(self.values.sources)

    @property
    def rules(self) -> list[Path] | None:
        return self._paths(self.values.rules)

    @property
    def baseline(self) -> Path | None:
        return self._path(self.values.baseline) if self.values.baseline else None

    @property
    def out(self) -> Path | None:
        return self._path(self.values.out) if self.values.out else None

    @property
    def formats(self) -> list[str] | None:
        return self.values.formats

    def field_options(self) -> list[str]:
        """The dump field names as `--field` would give them: NAME=FIELD,FIELD."""
        fields = self.values.fields or {}
        return [f"{name}={','.join(cols)}" for name, cols in sorted(fields.items())]


def _relative(p: Path) -> Path:
    """`p` relative to the current folder when it lies inside it, as a user would type it."""
    try:
        return p.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return p


def find(start: Path | None = None) -> Path | None:
    """The config file in `start` (the current folder) or the nearest folder above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
    return None


def _has_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"(?m)^\s*\[tool\.factcheck(?:\.[a-z]+)?\]", text) is not None


def load(path: Path | None = None) -> Config:
    """The project config (found from the current folder unless `path`); empty if none."""
    path = path or find()
    if path is None:
        return Config(None, ProjectConfig())
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except OSError as exc:
        raise FactcheckError(f"cannot read: {exc.strerror or exc}", Location(name)) from None
    except UnicodeDecodeError:
        raise FactcheckError("is not UTF-8", Location(name), "save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if m:
            where = Location(name, int(m[1]), int(m[2]))
        else:  # "(at end of document)"
            where = Location(name, text.count("\n") + (not text.endswith("\n")) or 1)
        raise FactcheckError(
            f"not valid TOML: {str(exc).split(' (at ')[0]}", where, "see https://toml.io"
        ) from None
    section = doc
    if path.name == PYPROJECT:
        section = doc.get("tool", {}).get("factcheck", {})
    try:
        return Config(path, ProjectConfig.model_validate(section))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        line = _key_line(text, key)
        raise FactcheckError(
            f"{'.'.join(map(str, err['loc'])) or 'config'}: {err['msg']}",
            Location(name, line, 1 if line else None),
            "keys: sources, rules, baseline, out, formats, fields (see README, Sources)",
        ) from None


def _key_line(text: str, key: str) -> int | None:
    """The line a key is written on (tomllib keeps no positions), for a located error."""
    if not key:
        return None
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(
            rf"\s*(?:\[(?:tool\.factcheck\.)?{re.escape(key)}\]|{re.escape(key)}\s*=)", line
        ):
            return n
    return None


STARTER_CONFIG = """\
# factcheck's project config: `factcheck check`, `report`, `baseline` and `extract` read it,
# so they need no flags here.  Paths are relative to this file; a flag wins over a key.
# (The same keys may stand under [tool.factcheck] in pyproject.toml instead.)

# The articles: folders or files of .txt/.md, saved web pages (.html/.htm), JSON Lines
# (.jsonl/.ndjson) and CSV dumps.  A sources.yaml beside them gives outlets and dates.
sources = ["articles"]

# Rule files (metrics, checks, facts, entities); `factcheck rules check` validates them.
rules = ["rules"]

# Conflicts the desk has accepted, written by `factcheck baseline`.
baseline = "factcheck-baseline.yaml"

# Where `factcheck report` writes, and which formats (md, html, json).
out = "reports"
formats = ["md", "html", "json"]

# A dump's field names, when they are not the usual ones (id, text/body/content, url,
# published/date, outlet/source, title).
# [fields]
# text = ["story_text"]
# published = "pub_date"
"""

STARTER_RULES = """\
# A starter rule file: uncomment and adapt.  `factcheck schema rules` prints every key, and
# `factcheck rules check` validates this folder.  See README, "Writing rules for a new story".
#
# metrics:
#   - id: oil_exports                  # what a figure is about
#     description: Kazakhstan's crude oil exports over a period, in US dollars
#     unit: USD                        # USD, EUR, percent, count, ...
#     cues: [oil exports, crude exports, exports of oil]   # words beside the figure
#     subject: {parties: [Kazakhstan]} # an entity named beside the figure replaces it
#     period: required                 # "in 2022", "January-November 2022", "last year"
#     flow: true                       # a part of a period cannot exceed the whole
#
# checks:
#   - id: oil_exports.agree
#     kind: agreement                  # same metric, subject, period: values must overlap
#     metric: oil_exports
#     tolerance: "1 percent"
#   - id: oil_exports.part_le_whole
#     kind: subperiod_bound
#     metric: oil_exports
#
# facts:
#   - id: oil_exports_2022
#     metric: oil_exports
#     value: "39.4e9 USD"              # quantities are quoted strings
#     period: [2022-01-01, 2022-12-31]
#     source: Bureau of National Statistics, foreign trade 2022
#
# entities:
#   - id: Kazakhstan
#     aliases: [Astana, Kazakh, Kazakhstan's]
"""

GITIGNORE = """\
# Created by factcheck: its claim store and last report, rebuilt by any run.
*
"""


def ignore_folder(folder: Path) -> None:
    """Give factcheck's working folder (.factcheck/) its own .gitignore, as tool caches do."""
    # Only a folder of factcheck's own: "*" in a --store folder the user chose (the repository
    # root, say) would hide their files from git.
    if folder.name != ".factcheck":
        return
    target = folder / ".gitignore"
    if folder.is_dir() and not target.exists():
        # A read-only checkout: the run's own outputs matter more than this file.
        with contextlib.suppress(OSError):
            target.write_text(GITIGNORE, encoding="utf-8")

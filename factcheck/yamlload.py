"""Safe YAML loading that keeps every value's line and column and rejects duplicate keys.

PyYAML's SafeLoader builds no objects beyond plain data, but silently keeps the last of two
equal keys and forgets where values came from.  Here the file is composed into nodes, walked
once, and each value's position is recorded under its path, so a rule mistake can be reported
as `path:line:column`.  Alias expansion is bounded (no "billion laughs"), and so is file size.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from factcheck.errors import FactcheckError, Location

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000

PathKey = tuple[Hashable, ...]


@dataclass
class YamlDoc:
    path: str
    value: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def location(self, path: PathKey, key: bool = False) -> Location:
        """The position of the value at `path` (or of its key), falling back to the parents."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        while True:
            if p in table:
                line, col = table[p]
                return Location(self.path, line, col)
            if p in self.marks:
                line, col = self.marks[p]
                return Location(self.path, line, col)
            if not p:
                return Location(self.path, 1, 1)
            p = p[:-1]


def load_yaml(path: Path | str, text: str | None = None) -> YamlDoc:
    spath = str(path)
    if text is None:
        try:
            size = Path(path).stat().st_size
        except OSError as exc:
            raise FactcheckError(
                f"cannot read: {exc.strerror}", Location(spath), "check the path"
            ) from None
        if size > MAX_BYTES:
            raise FactcheckError(
                f"file is {size / 1e6:.1f} MB; rule and metadata files are limited to "
                f"{MAX_BYTES // (1024 * 1024)} MB",
                Location(spath, 1, 1),
                "split it into several files in the same folder",
            )
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FactcheckError(
                f"not UTF-8 text (byte {exc.start})", Location(spath), "save the file as UTF-8"
            ) from None
        except OSError as exc:
            raise FactcheckError(
                f"cannot read: {exc.strerror}", Location(spath), "check the path"
            ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise FactcheckError(
            f"YAML syntax error: {exc.problem or exc.context}",
            Location(spath, line, col),
            "check indentation, colons and quotes around this place",
        ) from None
    except yaml.YAMLError as exc:
        raise FactcheckError(
            f"YAML error: {exc}", Location(spath, 1, 1), "check the file"
        ) from None
    doc = YamlDoc(spath, None)
    if node is None:
        return doc
    walker = _Walker(doc)
    doc.value = walker.convert(node, ())
    return doc


class _Walker:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise FactcheckError(
                f"the document expands to more than {MAX_NODES} values (too many aliases?)",
                Location(self.doc.path, node.start_mark.line + 1, node.start_mark.column + 1),
                "write the values out instead of nesting anchors and aliases",
            )
        self.doc.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.convert_scalar_key(key_node)
                if key in out:
                    first = self.doc.key_marks.get((*path, key))
                    where = f" (first at line {first[0]})" if first else ""
                    raise FactcheckError(
                        f"duplicate key {key!r}{where}",
                        Location(
                            self.doc.path,
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                        ),
                        "YAML keeps only the last of two equal keys; remove or rename one",
                    )
                self.doc.key_marks[(*path, key)] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                out[key] = self.convert(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)

    def convert_scalar_key(self, node: yaml.Node) -> Hashable:
        if not isinstance(node, yaml.ScalarNode):
            raise FactcheckError(
                "a key must be a plain value, not a list or mapping",
                Location(self.doc.path, node.start_mark.line + 1, node.start_mark.column + 1),
                "write keys as plain words",
            )
        key = self.constructor.construct_object(node)
        return key if isinstance(key, Hashable) else str(key)

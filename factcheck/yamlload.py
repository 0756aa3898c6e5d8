"""Safe YAML loading that keeps every value's line and column and rejects duplicate keys.

PyYAML's SafeLoader builds no objects beyond plain data, but silently keeps the last of two
equal keys and forgets where values came from.  Here the file is composed into nodes, walked
once, and each value's position is recorded under its path, so a rule mistake can be reported
as `path:line:column`.  Alias expansion is bounded (no "billion laughs"), and so is file size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from factcheck.errors import FactcheckError, Location
from factcheck.fsutil import read_limited

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 100

PathKey = tuple[Hashable, ...]


@dataclass
class YamlDoc:
    path: str
    value: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # The text, when the value was read by `_plain` and the positions are still to be found:
    # they are wanted only to point at a mistake, so they are found when first asked for.
    unmarked: str | None = None

    def location(self, path: PathKey, key: bool = False) -> Location:
        """The position of the value at `path` (or of its key), falling back to the parents."""
        if self.unmarked is not None:
            marked = _load_marked(self.path, self.unmarked)
            self.marks, self.key_marks, self.unmarked = marked.marks, marked.key_marks, None
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
        text = decode_yaml_bytes(read_yaml_bytes(spath), spath)
    plain = _plain(text)
    if plain is not None:
        return YamlDoc(spath, plain[0], unmarked=text)
    return _load_marked(spath, text)


def _load_marked(spath: str, text: str) -> YamlDoc:
    """The document through the guarded composer, every value's position recorded: what
    `load_yaml` does for a document `_plain` leaves to it, and to find positions."""
    try:
        node = _compose(text, spath)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise FactcheckError(
            f"YAML syntax error: {_problem(exc)}",
            Location(spath, line, col),
            "check indentation, colons and quotes around this place",
        ) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (a control character): located at it, not at 1:1.
        at = max(0, min(exc.position, len(text)))
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise FactcheckError(
            f"YAML error: character {exc.character!r} is not allowed in a YAML file",
            Location(spath, line, column),
            "remove it (control characters cannot stand in YAML, even quoted)",
        ) from None
    except yaml.YAMLError as exc:
        raise FactcheckError(
            f"YAML error: {exc}", Location(spath, 1, 1), "check the file"
        ) from None
    except RecursionError:
        # The depth guard in _Loader should make this unreachable; a traceback would be worse.
        raise FactcheckError(
            "the document is nested too deeply", Location(spath, 1, 1), "flatten the structure"
        ) from None
    doc = YamlDoc(spath, None)
    if node is None:
        return doc
    walker = _Walker(doc)
    doc.value = walker.convert(node, ())
    return doc


def read_yaml_bytes(path: str) -> bytes:
    """A rule or metadata file's bytes, refused by its size before it is read whole."""
    try:
        data, size = read_limited(path, MAX_BYTES)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise FactcheckError(f"cannot read: {why}", Location(path), "check the path") from None
    if size > MAX_BYTES:
        raise FactcheckError(
            f"file is {size / 1e6:.1f} MB; rule and metadata files are limited to "
            f"{MAX_BYTES // (1024 * 1024)} MB",
            Location(path, 1, 1),
            "split it into several files in the same folder",
        )
    return data


def decode_yaml_bytes(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactcheckError(
            f"not UTF-8 text (byte {exc.start})", Location(path), "save the file as UTF-8"
        ) from None


def _problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "unreadable"
    # "but found another document" reads only after its context
    if exc.context and problem.startswith("but "):
        return f"{exc.context}, {problem}"
    return problem


def _mark(path: str, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


def _compose(text: str, path: str) -> yaml.Node | None:
    if _CLoader is not None:
        try:
            return _compose_with(_CLoader(text, path))
        except yaml.YAMLError:
            pass  # reworded below by the pure-Python parser, whose messages users are shown
    return _compose_with(_Loader(text, path))


def _compose_with(loader: _Guards) -> yaml.Node | None:
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


if TYPE_CHECKING:
    _Composing = yaml.SafeLoader  # what the mixin is always combined with
else:
    _Composing = object


class _Guards(_Composing):
    """A composer that measures each node's expanded size as it is built.

    Aliases share nodes, so composing a "billion laughs" file is cheap; expanding it is not.
    Sizes are summed bottom-up while composing, and the first value that would expand past
    MAX_NODES is reported at its own position, before anything is expanded.
    """

    fc_path: str
    fc_sizes: dict[int, int]
    fc_depth: int

    def _guards(self, path: str) -> None:
        self.fc_path = path
        self.fc_sizes = {}
        self.fc_depth = 0

    def _next_event(self) -> Any:
        return self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self._next_event()
            node = super().compose_node(parent, index)
            if node is None or id(node) not in self.fc_sizes:
                raise FactcheckError(
                    f"the alias *{event.anchor} refers to a value that contains it",
                    _mark(self.fc_path, event.start_mark),
                    "a value cannot include itself; write it out",
                )
            return node
        self.fc_depth += 1
        if self.fc_depth > MAX_DEPTH:
            raise FactcheckError(
                f"values are nested more than {MAX_DEPTH} levels deep",
                _mark(self.fc_path, self._next_event().start_mark),
                "flatten the structure",
            )
        node = super().compose_node(parent, index)
        self.fc_depth -= 1
        if node is None:  # only at the end of a stream, which compose_node is never asked for
            raise yaml.YAMLError("no node")
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self.fc_sizes[id(n)] for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self.fc_sizes[id(k)] + self.fc_sizes[id(v)] for k, v in node.value)
        if size > MAX_NODES:
            raise FactcheckError(
                f"this value expands to {size} values through aliases (the limit is {MAX_NODES})",
                _mark(self.fc_path, node.start_mark),
                "write the values out instead of nesting anchors and aliases",
            )
        self.fc_sizes[id(node)] = size
        return node


class _Loader(_Guards, yaml.SafeLoader):
    """The guarded composer over PyYAML's pure-Python scanner and parser."""

    def __init__(self, text: str, path: str) -> None:
        yaml.SafeLoader.__init__(self, text)
        self._guards(path)


_CLoader: Callable[[str, str], _Guards] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoaderImpl(_Guards, yaml.composer.Composer, yaml.CSafeLoader):
        """The same composer fed by libyaml's scanner and parser, which are written in C and
        read a newsroom's sources files many times faster; on any error the file is read again
        by `_Loader`, so messages stay the same."""

        def __init__(self, text: str, path: str) -> None:
            yaml.CSafeLoader.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            self._guards(path)

    _CLoader = _CLoaderImpl


# ---------------------------------------------------------------------- plain documents, fast

# A document `_plain` builds: an anchor, an alias, a tag, a merge key, a duplicate key, a
# collection as a key, nesting past MAX_DEPTH, more than MAX_NODES values, a second document,
# or anything libyaml refuses, and the document goes the guarded way instead, which reads it
# the same or says where it is wrong.


class _NotPlain(Exception):
    pass


def _plain(text: str) -> tuple[Any] | None:
    """The value of a document of plain data, read from libyaml's parser events with an
    explicit stack (no recursion, no nodes, no positions): a sources.yaml of 10,000 entries
    in about a fifth of the guarded composer's time.  None for anything else."""
    if _CParserLoader is None:
        return None
    loader = _CParserLoader(text)
    try:
        return (_build(loader),)
    except (_NotPlain, yaml.YAMLError, ValueError, TypeError, OverflowError):
        return None  # the guarded way reads it again, and words any mistake with its place
    finally:
        loader.dispose()


def _build(loader: Any) -> Any:
    get = loader.get_event
    # Open collections: [container, the pending key of a mapping, is_mapping]; the root is a
    # one-item list.
    root: list[Any] = []
    stack: list[list[Any]] = [[root, _NO_KEY, False]]
    nodes = 0
    documents = 0
    while True:
        ev = get()
        kind = type(ev)
        if (
            kind is yaml.ScalarEvent
            or kind is yaml.MappingStartEvent
            or kind is yaml.SequenceStartEvent
        ):
            nodes += 1
            if ev.anchor is not None or nodes > MAX_NODES:
                raise _NotPlain
            if kind is yaml.ScalarEvent:
                if ev.tag is not None and ev.tag != "!":
                    raise _NotPlain  # an explicit tag: the guarded way says if it is allowed
                value = _scalar(loader, ev)
                _put(stack, value, scalar=True)
                continue
            if ev.tag is not None or len(stack) > MAX_DEPTH:
                raise _NotPlain
            container: Any = {} if kind is yaml.MappingStartEvent else []
            _put(stack, container, scalar=False)
            stack.append([container, _NO_KEY, kind is yaml.MappingStartEvent])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _NotPlain
        elif kind is yaml.StreamEndEvent:
            return root[0] if root else None
        elif kind is yaml.AliasEvent:
            raise _NotPlain
        # StreamStart, DocumentEnd: nothing to build


_NO_KEY = object()


def _put(stack: list[list[Any]], value: Any, scalar: bool) -> None:
    top = stack[-1]
    container = top[0]
    if not top[2]:  # a sequence, or the root
        container.append(value)
        return
    if top[1] is _NO_KEY:  # a key
        if not scalar or value in container or not isinstance(value, Hashable):
            raise _NotPlain  # a collection as a key, or a duplicate: the guarded way says so
        top[1] = value
        return
    container[top[1]] = value
    top[1] = _NO_KEY


_PLAIN_CONSTRUCTOR = yaml.SafeLoader("")


def _scalar(loader: Any, ev: Any) -> Any:
    tag = loader.resolve(yaml.ScalarNode, ev.value, ev.implicit)
    if tag not in SCALAR_TAGS:
        raise _NotPlain  # a merge key ("<<"), or a tag of no plain value
    if tag == _STR:
        return ev.value
    construct = _PLAIN_CONSTRUCTOR.yaml_constructors[tag]
    try:  # the scalar's constructor itself: construct_object would keep every node it made
        return construct(_PLAIN_CONSTRUCTOR, yaml.ScalarNode(tag, ev.value, style=ev.style))
    except Exception:  # PyYAML's constructors raise anything on odd text (2023-02-30)
        raise _NotPlain from None


_CParserLoader: Callable[[str], Any] | None = None
if getattr(yaml, "__with_libyaml__", False):
    _CParserLoader = yaml.CSafeLoader


_YAML = "tag:yaml.org,2002:"
# Plain data only: any other tag (!!python/object, !!binary, !custom) is refused, so a rule
# file can never ask the loader to build an object.
SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR = _YAML + "str"
MERGE_TAG = _YAML + "merge"


class _Walker:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def error(self, message: str, node: yaml.Node, hint: str) -> FactcheckError:
        return FactcheckError(message, _mark(self.doc.path, node.start_mark), hint)

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.error(
                f"the document expands to more than {MAX_NODES} values (too many aliases?)",
                node,
                "write the values out instead of nesting anchors and aliases",
            )
        self.doc.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            self.check_tag(node, _YAML + "map")
            return self.convert_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _YAML + "seq")
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.construct_scalar(node)

    def construct_scalar(self, node: yaml.Node) -> Any:
        if node.tag == MERGE_TAG:
            raise self.error(
                "'<<' (a merge key) stands only as a key", node, "write `<<: *anchor` in a mapping"
            )
        if node.tag not in SCALAR_TAGS:
            self.check_tag(node, "")
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # PyYAML's scalar constructors raise
            # anything on odd text (2023-02-30, `!!int abc`, an empty `!!timestamp`), and all
            # of it is a mistake in the file, to be located rather than shown as a traceback.
            raise self.error(
                f"cannot read {node.value!r} as !!{node.tag.removeprefix(_YAML)}: {exc}",
                node,
                "fix the value, or quote it to keep it as text",
            ) from None

    def check_tag(self, node: yaml.Node, allowed: str) -> None:
        if node.tag != allowed:
            tag = node.tag.replace(_YAML, "!!")
            raise self.error(
                f"the tag {tag!r} is not allowed: rule files hold plain data, never objects",
                node,
                "remove the tag",
            )

    def convert_mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges: list[yaml.MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merges.extend(self.merge_sources(value_node))
                continue
            key = self.convert_scalar_key(key_node)
            if key in out:
                first = self.doc.key_marks.get((*path, key))
                where = f" (first at line {first[0]})" if first else ""
                raise self.error(
                    f"duplicate key {key!r}{where}",
                    key_node,
                    "YAML keeps only the last of two equal keys; remove or rename one",
                )
            self.doc.key_marks[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.convert(value_node, (*path, key))
        # YAML merge: keys written in the mapping win over merged ones, and earlier merge
        # sources win over later ones; neither is a duplicate.
        for source in merges:
            for key, value in self.convert_mapping(source, path).items():
                out.setdefault(key, value)
        return out

    def merge_sources(self, node: yaml.Node) -> list[yaml.MappingNode]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.MappingNode):
                raise self.error(
                    "'<<' merges mappings only",
                    item,
                    "write `<<: *anchor` or `<<: [*a, *b]`, each anchor naming a mapping",
                )
        return list(items)

    def convert_scalar_key(self, node: yaml.Node) -> Hashable:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(
                "a key must be a plain value, not a list or mapping",
                node,
                "write keys as plain words",
            )
        key = self.construct_scalar(node)
        return key if isinstance(key, Hashable) else str(key)

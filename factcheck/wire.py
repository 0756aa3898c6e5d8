"""Records as they cross process boundaries: plain tuples, not pickled pydantic models.

A worker process (or a cluster's) sends back every claim, source record, unbound figure and
finding it made.  Pickled as models, each costs a `__reduce__` and, on arrival, a
`__setstate__` in Python, and the arrival side is the one process of a parallel run: at 1,000
articles that was most of its own CPU time.  As tuples of their fields' values, in the model's
field order, they pickle and unpickle in C, and are rebuilt here without validation: they were
validated where they were made, by the same code.

`pack` and `unpack` handle models whose fields hold plain values, tuples of plain values, or
one nested model (a claim's or a finding's `Period`); a model of another shape is refused when
first met, not packed wrongly.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

Packed = tuple[Any, ...]

_set = object.__setattr__


@functools.cache
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, ...], tuple[type[BaseModel] | None, ...]]:
    """The model's field names and, for each, the nested model class it may hold (or None)."""
    names = tuple(cls.model_fields)
    nested: list[type[BaseModel] | None] = []
    for name in names:
        ann = cls.model_fields[name].annotation
        args = typing.get_args(ann) if _is_union(ann) else (ann,)
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        inner = [a for a in args if typing.get_origin(a) in (tuple, list)]
        if any(
            isinstance(x, type) and issubclass(x, BaseModel)
            for a in inner
            for x in typing.get_args(a)
        ):
            raise TypeError(f"{cls.__name__}.{name} holds a sequence of models: not packable")
        if len(models) > 1:
            raise TypeError(f"{cls.__name__}.{name} holds several kinds of model: not packable")
        nested.append(models[0] if models else None)
    return names, tuple(nested)


def _is_union(ann: object) -> bool:
    return typing.get_origin(ann) in (typing.Union, types.UnionType)


def field_index(cls: type[BaseModel], name: str) -> int:
    """Where a field's value stands in a packed `cls`."""
    return _plan(cls)[0].index(name)


def pack(m: BaseModel) -> Packed:
    """`m`'s field values in field order, a nested model packed in its place."""
    names, nested = _plan(type(m))
    d = m.__dict__
    if not any(nested):
        return tuple([d[n] for n in names])
    return tuple(
        [
            pack(d[n]) if sub is not None and d[n] is not None else d[n]
            for n, sub in zip(names, nested, strict=True)
        ]
    )


def unpack(cls: type[M], values: Packed) -> M:
    """The model `pack` was given, rebuilt without validation (as pickle rebuilds one)."""
    names, nested = _plan(cls)
    if any(nested):
        values = tuple(
            [
                unpack(sub, v) if sub is not None and v is not None else v
                for v, sub in zip(values, nested, strict=True)
            ]
        )
    m = cls.__new__(cls)
    _set(m, "__dict__", dict(zip(names, values, strict=True)))
    _set(m, "__pydantic_fields_set__", set(names))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


def pack_all(models: Iterable[BaseModel]) -> tuple[Packed, ...]:
    return tuple([pack(m) for m in models])


def unpack_all(cls: type[M], values: Iterable[Packed]) -> tuple[M, ...]:
    return tuple([unpack(cls, v) for v in values])

"""Models to plain data and back, cheaply: for the cache and for worker processes.

`plain()` keeps only the fields that were set (defaults are filled in again on the way back), so
an entry is small; `build()` rebuilds a model from plain data that was validated before,
without validating it again (the data is trusted: it came out of a validated model). Pickling
pydantic models costs about fifteen times more than pickling the same data as plain dicts.
"""

from __future__ import annotations

import copy
import functools
import sys
import types
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_Convert = Callable[[Any], Any]
_PLANS: dict[type[BaseModel], list[tuple[str, _Convert | None, Any]]] = {}
_MISSING = object()


def plain(model: BaseModel) -> dict[str, Any]:
    """The fields that were set, as nested dicts and lists (Decimals and dates stay)."""
    return model.model_dump(exclude_unset=True)


def _converter(annotation: Any) -> _Convert | None:
    """How to rebuild a value of this annotation from plain data (None: as it is)."""
    if annotation is str:
        return _intern
    if annotation in (Decimal, date):
        return share
    if annotation in (int, bool):
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        model = annotation
        return lambda v: build(model, v) if v is not None else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _converter(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else share
    if origin is list and args:
        item = _converter(args[0])
        return None if item is None else (lambda v: [item(x) for x in v])
    if origin is dict and len(args) == 2:
        key = _converter(args[0]) or (lambda k: k)
        value = _converter(args[1]) or (lambda x: x)
        return lambda v: {key(k): value(x) for k, x in v.items()}
    if origin is typing.Literal:
        return _intern  # a word of a few (a status, a kind): one copy, not one per unit
    return share


def _intern(v: Any) -> Any:
    return sys.intern(v) if type(v) is str else v


# Ten thousand units repeat the same words, codes, dates and numbers: one object each.
_SHARED: dict[tuple[type, Any], Any] = {}


def share(v: Any) -> Any:
    """The one shared copy of an immutable value (a Decimal is keyed by its text, so 1.0 and 1
    stay apart); lists and dicts are rebuilt with shared items."""
    t = type(v)
    if t is str:
        return sys.intern(v)
    if t is Decimal or t is date:
        key = (t, str(v))
        found = _SHARED.get(key)
        if found is None:
            found = _SHARED[key] = v
        return found
    if t is list:
        return [share(x) for x in v]
    if t is dict:
        return {share(k): share(x) for k, x in v.items()}
    return v


def _plan(cls: type[BaseModel]) -> list[tuple[str, _Convert | None, Any]]:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = []
        for name, info in cls.model_fields.items():
            default: Any = _MISSING
            if info.default_factory is not None:
                default = _Fresh(functools.partial(info.get_default, call_default_factory=True))
            elif not info.is_required():
                default = info.default
                if isinstance(default, list | dict | set) and not default:
                    default = _Fresh(type(default))  # the usual [] and {}: cheaper than a copy
                elif isinstance(default, list | dict | set | BaseModel):
                    default = _Fresh(functools.partial(copy.deepcopy, default))
            plan.append((name, _converter(info.annotation), default))
        _PLANS[cls] = plan
        if all(c is _intern for _, c, _ in plan) and cls.model_config.get("frozen"):
            _LEAVES.add(cls)
    return plan


class _Fresh:
    """A default made anew for each model (a factory, or a copy of a mutable default, as
    pydantic does)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


_set = object.__setattr__
# One set of set field names per shape, shared by every model of that shape: a set costs
# 200 bytes and a unit holds some forty models. Frozen models never change it.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def _fields_set(names: Any) -> set[str]:
    key = frozenset(names)
    shared = _FIELDS_SETS.get(key)
    if shared is None:
        shared = _FIELDS_SETS[key] = set(key)
    return shared


# Models made of words only (evidence, visits, a head of unit) are shared when equal: a
# unit cites the same report for each of its values. They are frozen, so nobody can tell.
_LEAVES: set[type[BaseModel]] = set()
_SHARED_MODELS: dict[tuple[Any, ...], BaseModel] = {}


def build(cls: type[M], data: dict[str, Any]) -> M:
    """The model `cls` from `plain()` data, equal to the model it was taken from. What
    `model_construct` does, without its per-call overhead (a third of the time here)."""
    if cls in _LEAVES:
        key = (cls, *data.items())
        found = _SHARED_MODELS.get(key)
        if found is None:
            found = _SHARED_MODELS[key] = _build(cls, data)
        return cast(M, found)
    return _build(cls, data)


def _build(cls: type[M], data: dict[str, Any]) -> M:
    # Each field is set on the new object, always in the same order, rather than handing it a
    # ready dict: then every model of a class shares one table of field names (CPython's
    # key-sharing dicts) and keeps only its values, 150 bytes less per model (a unit holds
    # some twenty models).
    model = cls.__new__(cls)
    for name, convert, default in _plan(cls):
        v = data.get(name, _MISSING)
        if v is not _MISSING:
            _set(model, name, convert(v) if convert is not None else v)
        elif type(default) is _Fresh:
            _set(model, name, default.make())
        elif default is not _MISSING:
            _set(model, name, default)
        else:
            raise KeyError(f"{cls.__name__}.{name}")  # plain() of a valid model has them all
    _set(model, "__pydantic_fields_set__", _fields_set(data))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model

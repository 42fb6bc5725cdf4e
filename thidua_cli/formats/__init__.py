"""One module per printed thing, each with a FORMATS mapping from a format name to a writer.

A writer takes the value to print and a text stream. The CLI picks one by the name given in
`--format`; a new format is a new entry in the module's FORMATS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any, TypeVar

T = TypeVar("T")


def writer(render: Callable[[T], str]) -> Callable[[T, IO[str]], None]:
    """A writer from a function that renders the whole output as one string."""

    def write(value: T, stream: IO[str]) -> None:
        stream.write(render(value))

    return write


def json_number(v: object) -> object:
    """Numbers as JSON numbers (an int when whole), true/false as booleans; a number that is
    not finite has no JSON spelling: null."""
    from thidua_cli.present.text import plain

    if isinstance(v, Decimal):
        return plain(v) if v.is_finite() else None
    if isinstance(v, list | tuple):
        return [json_number(x) for x in v]
    if v is None or isinstance(v, bool | int | float | str):
        return v
    return str(v)


class Lazy(list[Any]):
    """A list the JSON encoder walks without it being built: each item is made when reached
    and dropped after (10.000 unit dicts at once cost hundreds of MiB)."""

    def __init__(self, items: list[Any], make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.items, self.make = items, make

    def __iter__(self) -> Iterator[Any]:
        return (self.make(x) for x in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


# Leaves are encoded by the C encoder, which the standard library only uses without `indent`:
# an indented dump of 10.000 units in pure Python took longer than scoring them.
_LEAF = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_EXPANDED = 2  # the document and its top-level lists and objects; each of their items on a line


def _key(key: object) -> str:
    """A key as json.dumps writes it: numbers, true/false and null become their text."""
    if isinstance(key, str):
        return key
    return str(_LEAF.encode(key))


def _chunks(v: Any, level: int) -> Iterator[str]:
    if level < _EXPANDED and isinstance(v, dict | list) and v:
        pad = "\n" + "  " * (level + 1)
        sep = ""
        if isinstance(v, dict):
            yield "{"
            for key in sorted(v):
                yield sep + pad + _LEAF.encode(_key(key)) + ": "
                yield from _chunks(v[key], level + 1)
                sep = ","
            yield "\n" + "  " * level + "}"
        else:
            yield "["
            for item in v:
                yield sep + pad
                yield from _chunks(item, level + 1)
                sep = ","
            yield "\n" + "  " * level + "]"
    else:
        yield _LEAF.encode(v)


def json_text(doc: Any) -> str:
    """Every JSON output: keys sorted, the document's fields and the items of its top-level
    lists one per line (one unit, one problem per line: readable, and a diff shows what
    changed), each item compact."""
    return "".join(_chunks(doc, 0)) + "\n"


BATCH = 1 << 18  # characters per write: few writes, and never the whole document at once


def write_json(doc: Any, stream: IO[str]) -> None:
    """The same bytes as `json_text`, written in batches as they are made (batches of a count
    of units held 20 MiB at 10.000 units: a unit's line is 2.000 characters)."""
    batch: list[str] = []
    size = 0
    for chunk in _chunks(doc, 0):
        batch.append(chunk)
        size += len(chunk)
        if size >= BATCH:
            stream.write("".join(batch))
            batch.clear()
            size = 0
    batch.append("\n")
    stream.write("".join(batch))

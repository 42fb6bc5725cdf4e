"""One module per printed thing, each with a FORMATS mapping from a format name to a writer.

A writer takes the value to print and a text stream. The CLI picks one by the name given in
`--format`; a new format is a new entry in the module's FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import IO, TypeVar

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

"""The terminal medium: one rich Console per stream, and the one escape for text from data."""

from __future__ import annotations

import os
from typing import IO, Any


def console(stream: IO[str]) -> Any:
    """A rich Console writing to `stream`. Piped into a file, tables would be cut at 80
    columns: give them room instead. rich honours NO_COLOR by itself."""
    from rich.console import Console

    wide = None if stream.isatty() or "COLUMNS" in os.environ else 160
    return Console(file=stream, highlight=False, emoji=False, width=wide)

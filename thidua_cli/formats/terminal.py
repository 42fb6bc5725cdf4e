"""The terminal medium: one rich Console per stream, and the one escape for text from data.

Text from a data file or a commit is untrusted: `clean()` removes what a terminal would act on
(escape sequences, control characters, bidi overrides), `esc()` also escapes rich markup so
that `[/]` or `[link=…]` in a unit name is printed, never interpreted. Every data string that
goes into a markup string in formats/ passes through `esc()`; plain rich `Text` objects take
`clean()`.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

# CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other two-byte ESC sequences, then single
# characters a terminal acts on: C0 controls but newline and tab, DEL, C1 controls, bidi
# embeddings/overrides/isolates and line/paragraph separators.
_TERMINAL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c)?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def clean(value: object) -> str:
    """The text without anything a terminal would interpret (escape sequences, controls)."""
    return _TERMINAL.sub("", str(value))


def esc(value: object) -> str:
    """Data text for a rich markup string: cleaned, and markup such as `[/]` escaped."""
    from rich.markup import escape

    return escape(clean(value))


def console(stream: IO[str]) -> Any:
    """A rich Console writing to `stream`. Piped into a file, tables would be cut at 80
    columns: give them room instead. rich honours NO_COLOR by itself."""
    from rich.console import Console

    wide = None if stream.isatty() or "COLUMNS" in os.environ else 160
    return Console(file=stream, highlight=False, emoji=False, width=wide)

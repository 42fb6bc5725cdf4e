"""The Markdown medium: the one escape for text from data, used by every Markdown output.

Reports (`*.md.j2` templates) get it automatically: the environment's `finalize` escapes every
`{{ … }}` value that is not already escaped, so a template author cannot forget it (the `md`
filter stays for readability and is idempotent through `Escaped`). `thidua diff --format md`
calls `md()` for every data string it writes.
"""

from __future__ import annotations

import re

# Marks that open or close Markdown, HTML or math anywhere in a line in GitHub's renderer
# (links and images need "[", HTML needs "<", entities "&", math "$"). Kept short so that the
# Markdown source stays readable in a pull request: "10.900" is not touched.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~&$])")
# Marks that only matter at the start of a line: a list item, a setext underline, "1." lists.
_LEADING = re.compile(r"^(\s*)([-+]|=+|\d{1,9}[.)])(?=\s|$)")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


class Escaped(str):
    """Text already escaped for Markdown: not escaped a second time."""

    __slots__ = ()


def md(value: object) -> Escaped:
    """Data text safe anywhere in a Markdown line, a table cell included: every special
    character escaped, line breaks turned into spaces (a name can never start a new block)."""
    if isinstance(value, Escaped):
        return value
    text = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(value)))
    return Escaped(_LEADING.sub(_leading, text))


def _leading(m: re.Match[str]) -> str:
    mark = m.group(2)
    return m.group(1) + mark[:-1] + "\\" + mark[-1]


def finalize(value: object) -> object:
    """jinja2 `finalize`: escape every string a template prints; numbers and None pass."""
    if isinstance(value, str):
        return md(value)
    return value

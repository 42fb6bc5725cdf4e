"""Problems as values: what is wrong, where, and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

YamlPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. `line` and `column` are 1-based; 0 means "the whole file"."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)
    yaml_path: YamlPath = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def yaml_path_text(self) -> str:
        """Render the YAML path the way a person reads it: results[0].values.CT03."""
        out = ""
        for part in self.yaml_path:
            if isinstance(part, int):
                out += f"[{part}]"
            else:
                out += ("." if out else "") + str(part)
        return out


def error(
    path: str,
    pos: tuple[int, int],
    code: str,
    message: str,
    hint: str = "",
    yaml_path: YamlPath = (),
) -> Problem:
    return Problem(path, pos[0], pos[1], code, Severity.ERROR, message, hint, yaml_path)


def warning(
    path: str,
    pos: tuple[int, int],
    code: str,
    message: str,
    hint: str = "",
    yaml_path: YamlPath = (),
) -> Problem:
    return Problem(path, pos[0], pos[1], code, Severity.WARNING, message, hint, yaml_path)


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings

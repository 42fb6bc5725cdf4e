"""Formatters for problems: text (rich), json (versioned, sorted keys), github (annotations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import IO, Any

from thidua_cli.formats import Lazy, json_text
from thidua_cli.formats import write_json as stream_json
from thidua_cli.formats.terminal import clean, esc
from thidua_cli.problems import Problem, count, warning

JSON_VERSION = 1
Files = tuple[int, int]  # (unit files, other files: the catalogue, the approvals)


PER_CODE = 50  # problems of one code shown per file in text and github; json keeps them all


def capped(problems: Sequence[Problem], limit: int = PER_CODE) -> list[Problem]:
    """At most `limit` problems of one code per file, then one line that counts the rest: a
    file with 100.000 unknown keys is one mistake repeated, not 100.000 things to read."""
    seen: Counter[tuple[str, str]] = Counter()
    out: list[Problem] = []
    for p in problems:
        seen[(p.path, p.code)] += 1
        if seen[(p.path, p.code)] <= limit:
            out.append(p)
    for (path, code), n in sorted(seen.items()):
        if n > limit:
            out.append(
                warning(
                    path,
                    (0, 0),
                    "too-many-problems",
                    f"Còn {n - limit} vấn đề [{code}] nữa trong tệp này (tổng {n}; chỉ in "
                    f"{limit}).",
                    "Sửa các vấn đề trên rồi chạy lại; --format json liệt kê đủ.",
                )
            )
    return out


def problem_dict(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "severity": p.severity.value,
        "path": p.path,
        "line": p.line,
        "column": p.column,
        "yaml_path": p.yaml_path_text(),
        "message": p.message,
        "hint": p.hint,
    }


def _document(problems: Sequence[Problem], files: Files, lazy: bool = False) -> dict[str, Any]:
    errors, warnings = count(problems)
    listed: list[Any] = (
        Lazy(list(problems), problem_dict) if lazy else [problem_dict(p) for p in problems]
    )
    return {
        "version": JSON_VERSION,
        "files": sum(files),
        "unit_files": files[0],
        "errors": errors,
        "warnings": warnings,
        "problems": listed,
    }


def as_json(problems: Sequence[Problem], files: Files) -> str:
    return json_text(_document(problems, files))


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands, escaped per the runner's rules."""
    lines = []
    for p in capped(problems):
        props = f"file={_escape_property(clean(p.path))}"
        if p.line:
            props += f",line={p.line},col={p.column}"
        props += f",title={_escape_property(p.code)}"
        text = p.message + (f"\nGợi ý: {p.hint}" if p.hint else "")
        lines.append(f"::{p.severity.value} {props}::{_escape_data(clean(text))}")
    return "".join(line + "\n" for line in lines)


ERRORS_ONLY = "--errors-only"
REFUSED = "ở đây chỉ in lỗi; xem đủ: thidua validate"


def summary(
    problems: Sequence[Problem], files: Files, hidden: int = 0, why: str = ERRORS_ONLY
) -> str:
    """The totals line; `hidden` warnings were left out of the list (`why`: --errors-only,
    or a command that refuses to compute and shows only what stops it) but are still
    counted, so the line never says "0 cảnh báo" when there are some."""
    errors, warnings = count(problems)
    units, others = files
    checked = f"{units} tệp đơn vị" + (
        f" và {others} tệp khác (danh mục, phê duyệt)" if others else ""
    )
    shown = f" (không in cảnh báo: {why})" if hidden else ""
    return f"Đã kiểm tra {checked}: {errors} lỗi, {warnings + hidden} cảnh báo{shown}."


def write_json(problems: Sequence[Problem], files: Files, stream: IO[str]) -> None:
    """The same bytes as `as_json`, written as they are made (10.000 files can have as many
    problems: not all held as dicts and text at once)."""
    stream_json(_document(problems, files, lazy=True), stream)


def write_github(problems: Sequence[Problem], files: Files, stream: IO[str]) -> None:
    stream.write(as_github(problems))


def write_text(
    problems: Sequence[Problem],
    files: Files,
    stream: IO[str],
    hidden: int = 0,
    why: str = ERRORS_ONLY,
) -> None:
    from thidua_cli.formats.terminal import console

    print_text(problems, files, console(stream), hidden, why)


def problem_markup(p: Problem, where: str = "", indent: str = "") -> list[str]:
    """One problem as one line of rich markup (its place, if any, first) and its hint below,
    every data string through the terminal escape."""
    label, style = ("lỗi", "bold red") if p.is_error else ("cảnh báo", "bold yellow")
    place = f"[bold]{esc(where)}[/]: " if where else ""
    lines = [f"{indent}{place}[{style}]{label}[/] [dim]\\[{p.code}][/] {esc(p.message)}"]
    if p.hint:
        lines.append(f"{indent}    [cyan]→ {esc(p.hint)}[/]")
    return lines


def print_problem(p: Problem, console: Any, where: str = "", indent: str = "") -> None:
    """`validate`, `set` and `import` all print a problem this way."""
    for line in problem_markup(p, where, indent):
        console.print(line, highlight=False, soft_wrap=True)


MANY_WARNINGS = 50  # beyond this many warnings, errors are hard to find among them
BATCH = 200  # problems per print: each rich print costs 0,1 ms before it writes anything


def print_text(
    problems: Sequence[Problem], files: Files, console: Any, hidden: int = 0, why: str = ERRORS_ONLY
) -> None:
    """Human output through an injected rich Console; `path:line:col` so editors can jump.
    Printed a batch of lines at a time (10.000 files can have 15.000 warnings: printed one by
    one they took longer than checking the files)."""
    shown = capped(problems)
    for start in range(0, len(shown), BATCH):
        lines = [
            line
            for p in shown[start : start + BATCH]
            for line in problem_markup(p, f"{p.path}:{p.line}:{p.column}" if p.line else p.path)
        ]
        console.print("\n".join(lines), highlight=False, soft_wrap=True)
    errors, _ = count(problems)
    style = "bold red" if errors else "bold green"
    console.print(f"[{style}]{esc(summary(problems, files, hidden, why))}[/]", highlight=False)
    if len(problems) > 5:  # at a deadline, the totals by kind say where to start
        kinds = Counter((p.severity.value, p.code) for p in problems)
        parts = [
            f"{code} × {n}"
            for (severity, code), n in sorted(
                kinds.items(), key=lambda kv: (kv[0][0] != "error", -kv[1], kv[0][1])
            )
        ]
        console.print("[dim]Theo loại: " + esc(", ".join(parts)) + "[/]", highlight=False)
    _, warnings = count(problems)
    if errors and warnings > MANY_WARNINGS:  # the errors are lost among the warnings
        console.print(
            "[dim]Chỉ in lỗi (phải sửa trước): thidua validate --errors-only.[/]", highlight=False
        )


FORMATS: dict[str, Callable[[Sequence[Problem], Files, IO[str]], None]] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
}

"""The typer app and what its commands share: options, one UserError, loading the data.

Heavy modules (pydantic, rich, jinja2, docxtpl) are imported inside functions so that
`thidua --help` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast

import typer

from thidua_cli.cli.errors import UserError as UserError

if TYPE_CHECKING:
    from thidua_cli.compute.outcome import Outcome
    from thidua_cli.workspace import Workspace

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="thidua",
    help="Quản lý phong trào thi đua từ tệp YAML trong git: kiểm tra số liệu, chấm điểm, "
    "xếp hạng và lập báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [THAM SỐ]...",
)


def console(stderr: bool = False) -> Any:
    from thidua_cli.formats.terminal import console as make

    return make(sys.stderr if stderr else sys.stdout)


def say(text: str, *, style: str = "", stderr: bool = False) -> None:
    """Print one line of the tool's own words (never data-controlled markup)."""
    from rich.text import Text

    from thidua_cli.formats.terminal import clean

    console(stderr).print(Text(clean(text), style=style), soft_wrap=True)


def _find_data(value: Path) -> Path:
    """The data folder: as given, or, for the default, found from where the command runs
    (the repository root, any folder inside it, or the data folder itself)."""
    if (value / "indicators.yaml").is_file() or value != Path("data"):
        return value
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "data" / "indicators.yaml").is_file():
            return Path(os.path.relpath(folder / "data"))
        if folder.name == "data" and (folder / "indicators.yaml").is_file():
            return Path(os.path.relpath(folder))
    return value


DataOpt = Annotated[
    Path,
    typer.Option(
        "--data", help="Thư mục dữ liệu (chứa indicators.yaml và units/).", callback=_find_data
    ),
]
PhaseOpt = Annotated[
    int, typer.Option("--phase", "-p", help="Đợt thi đua (1: sơ kết, 2: tổng kết).")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Tính theo số liệu đến ngày này (dd/mm/yyyy hoặc yyyy-mm-dd)."),
]
JobsOpt = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=0, help="Số tiến trình đọc tệp song song (0: theo số lõi CPU)."
    ),
]
# `--format` takes the names of a formats module's FORMATS, written out as a Literal in each
# command (typer shows and checks them); tests/test_cli.py keeps the two lists equal.
TableFormat = Literal["table", "json"]


def format_option(help_text: str = "Cách in: table (bảng) hoặc json.") -> Any:
    return typer.Option("--format", "-f", help=help_text)


def replayable(
    skip: Callable[[dict[str, Any]], bool] | None = None,
    extra: Callable[[dict[str, Any]], str] | None = None,
) -> Callable[[F], F]:
    """A reading command whose result is kept and replayed while none of its inputs change
    (see replay.py); `skip(options)` says when not to (it writes inputs, or raw bytes);
    `extra(options)` is what else the command reads, for the key."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def run(**options: Any) -> Any:
            if skip is not None and skip(options):
                return fn(**options)
            from thidua_cli.cli import replay

            more = (lambda: extra(options)) if extra is not None else None
            return replay.run(fn.__name__, options, lambda: fn(**options), write_files, more)

        return cast(F, run)

    return wrap


def command(fn: F) -> F:
    """Register a command; a UserError it raises becomes one red line and its exit code."""
    return named(None)(fn)


def named(name: str | None) -> Callable[[F], F]:
    """`command` under another name than the function's (`set`, `import`: Python words)."""

    def register(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except UserError as exc:
                report_error(exc)
                raise typer.Exit(exc.code) from None

        app.command(name, options_metavar="[TÙY CHỌN]")(guarded)
        return fn

    return register


def report_error(exc: UserError) -> None:
    """The one place a user error is printed."""
    from rich.text import Text

    from thidua_cli.formats.terminal import clean

    line = Text(clean(exc.message), style="bold red")
    if exc.detail:
        line.append(" " + clean(exc.detail))
    console(stderr=True).print(line, soft_wrap=True)


def emit(formats: Mapping[str, Callable[[T, IO[str]], None]], name: str, value: T) -> None:
    formats[name](value, sys.stdout)


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    from thidua_cli.read.types import parse_day

    parsed = parse_day(text)
    if parsed is None:
        raise UserError(
            f"Ngày «{text}» không hợp lệ.",
            detail="Viết ngày/tháng/năm (dd/mm/yyyy) hoặc yyyy-mm-dd.",
        )
    return parsed


def print_problems(
    ws: Workspace, fmt: str, *, only_errors: bool = False, errors: bool = False
) -> None:
    """The problems in the chosen format; `errors` leaves the warnings out (`--errors-only`),
    `only_errors` does that too and writes to stderr (before a command refuses to compute)."""
    from thidua_cli.formats.problems import FORMATS

    keep = only_errors or errors
    problems = [p for p in ws.problems if p.is_error] if keep else ws.problems
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    files = (ws.unit_files, ws.files - ws.unit_files)
    stream = sys.stderr if only_errors else sys.stdout
    if fmt == "text":
        from thidua_cli.formats.problems import ERRORS_ONLY, REFUSED, write_text

        hidden = len(ws.problems) - len(problems)
        write_text(problems, files, stream, hidden, REFUSED if only_errors else ERRORS_ONLY)
    else:
        FORMATS[fmt](problems, files, stream)


def load(
    data: Path,
    paths: list[Path] | None = None,
    *,
    jobs: int = 0,
    keep_units: bool = True,
    max_kb: int | None = None,
    git_dates: bool = False,
    locks: bool = True,
) -> Workspace:
    from thidua_cli.read.yamlload import MAX_BYTES
    from thidua_cli.workspace import load as load_workspace

    if not (data / "indicators.yaml").is_file():
        raise UserError(
            f"Không tìm thấy {data / 'indicators.yaml'}.",
            detail="Chạy lệnh trong thư mục gốc của kho dữ liệu, hoặc chỉ đường bằng --data.",
        )
    for p in paths or []:
        if not p.exists():
            raise UserError(f"Không có tệp hoặc thư mục «{p}».")
    limit = max_kb * 1024 if max_kb else MAX_BYTES
    jobs = jobs or min(os.cpu_count() or 1, 8)  # 0: every core (few files stay in one process)
    ws = load_workspace(
        data,
        paths or [],
        jobs=jobs,
        keep_units=keep_units,
        max_bytes=limit,
        today=date.today(),  # the command's date bounds approval and correction dates
        git_dates=git_dates,
        locks=locks,
    )
    from thidua_cli.cli import replay

    replay.note_evidence(ws.evidence, ws.root)
    return ws


def load_tolerant(data: Path, jobs: int = 0) -> Workspace:
    """For lists that help fix the data (status, exemplars): go on despite errors in unit
    files, and say which files were left out. A broken catalogue still stops."""
    ws = load(data, jobs=jobs)
    catalogue = ws.catalogue_rel
    if ws.catalogue is None or any(p.is_error and p.path == catalogue for p in ws.problems):
        # the plan itself is wrong (its phases, deadlines, units' kinds): nothing to list from
        print_problems(ws, "text", only_errors=True)
        raise UserError(
            "Danh mục chỉ tiêu còn lỗi.", code=1, detail="Sửa các lỗi trên (xem: thidua validate)."
        )
    broken = sorted({p.path for p in ws.problems if p.is_error})
    if broken:
        say(
            f"Có {len(broken)} tệp còn lỗi, không được tính ở đây: "
            + ", ".join(broken)
            + " (xem: thidua validate).",
            style="bold yellow",
            stderr=True,
        )
    return ws


def load_clean(data: Path, *, locks: bool = True, jobs: int = 0) -> Workspace:
    """For commands that compute: refuse data with errors, showing them."""
    ws = load(data, locks=locks, jobs=jobs)
    if ws.has_errors or ws.catalogue is None:
        print_problems(ws, "text", only_errors=True)
        raise UserError(
            "Dữ liệu còn lỗi nên chưa thể tính toán.",
            code=1,
            detail="Sửa các lỗi trên rồi chạy lại (xem: thidua validate).",
        )
    return ws


def outcome(data: Path, phase: int, as_of: str | None, jobs: int = 0) -> tuple[Workspace, Outcome]:
    from thidua_cli.compute.outcome import UnknownPhase, compute

    ws = load_clean(data, jobs=jobs)
    assert ws.catalogue is not None
    try:
        return ws, compute(ws.catalogue, ws.units, phase, parse_date(as_of))
    except UnknownPhase:
        raise unknown_phase(ws, phase) from None


def unknown_phase(ws: Workspace, phase: int) -> UserError:
    numbers = ", ".join(str(p.number) for p in ws.catalogue.phases) if ws.catalogue else ""
    return UserError(f"Không có đợt {phase}.", detail=f"Các đợt: {numbers}." if numbers else "")


def not_found(what: str, wrong: str, choices: list[str]) -> UserError:
    """«Không có đơn vị «x».» with the closest names as a suggestion."""
    import difflib

    close = difflib.get_close_matches(wrong, choices, n=3)
    return UserError(
        f"Không có {what} «{wrong}».", detail=f"Có phải: {', '.join(close)}?" if close else ""
    )


def code_not_found(code: str, codes: list[str]) -> UserError:
    """«Không có chỉ tiêu «CT3».» with the code as the catalogue writes it (CT03, never CT23)."""
    from thidua_cli.checks.context import suggest_code

    return UserError(
        f"Không có chỉ tiêu «{code}».",
        detail=suggest_code(code, codes) or "Xem: thidua indicators.",
    )


def os_reason(exc: OSError) -> str:
    """An operating-system error in Vietnamese, for the usual cases."""
    import errno

    reasons = {
        errno.EACCES: "không có quyền ghi",
        errno.EPERM: "không có quyền ghi",
        errno.EROFS: "ổ đĩa chỉ cho đọc",
        errno.ENOSPC: "hết chỗ trên đĩa",
        errno.ENOENT: "không có thư mục này",
        errno.EEXIST: "đã có một tệp trùng tên",
        errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
        errno.EISDIR: "đây là thư mục",
    }
    return reasons.get(exc.errno or 0, exc.strerror or "lỗi hệ thống")


def write_files(outputs: list[tuple[Path, bytes | str]]) -> list[Path]:
    """Write a set of files together (see files.write_set); on failure, say which were and
    were not replaced."""
    from thidua_cli.files import write_set

    result = write_set(outputs)
    from thidua_cli.cli import replay

    replay.note_written(outputs, failed=result.error is not None)
    if result.error is not None:
        kept = ", ".join(str(p) for p in result.kept)
        written = ", ".join(str(p) for p in result.written)
        raise UserError(
            f"Không ghi được {result.failed}: {os_reason(result.error)}.",
            code=1,
            detail=(f"Đã thay: {written}. " if written else "")
            + (f"Giữ nguyên như cũ: {kept}." if kept else ""),
        )
    return result.written

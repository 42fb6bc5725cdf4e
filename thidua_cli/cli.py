"""The `thidua` command: parse options, call the core, pick a formatter, return an exit code.

Heavy modules (pydantic, rich, jinja2, docxtpl) are imported inside the commands so that
`thidua --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .workspace import Workspace

app = typer.Typer(
    name="thidua",
    help="Quản lý phong trào thi đua cấp xã từ tệp YAML trong git: kiểm tra số liệu, chấm điểm, "
    "xếp hạng và lập báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

DataOpt = Annotated[
    Path, typer.Option("--data", help="Thư mục dữ liệu (chứa indicators.yaml và units/).")
]


class CheckFormat(str, Enum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


class TableFormat(str, Enum):
    table = "table"
    json = "json"


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _print_problems(ws: Workspace, fmt: CheckFormat, *, only_errors: bool = False) -> None:
    from . import output

    problems = [p for p in ws.problems if p.is_error] if only_errors else ws.problems
    if fmt is CheckFormat.auto:
        fmt = CheckFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.text
    if fmt is CheckFormat.json:
        sys.stdout.write(output.as_json(problems, ws.files))
    elif fmt is CheckFormat.github:
        sys.stdout.write(output.as_github(problems))
    else:
        output.print_text(problems, ws.files, _console(stderr=only_errors))


def _load(data: Path, paths: list[Path] | None = None) -> Workspace:
    from .workspace import load

    if not (data / "indicators.yaml").is_file():
        _console(stderr=True).print(
            f"[bold red]Không tìm thấy {data / 'indicators.yaml'}.[/] Chạy lệnh trong thư mục gốc "
            "của kho dữ liệu, hoặc chỉ đường bằng --data.")
        raise typer.Exit(2)
    for p in paths or []:
        if not p.exists():
            _console(stderr=True).print(f"[bold red]Không có tệp hoặc thư mục «{p}».[/]")
            raise typer.Exit(2)
    return load(data, paths or [])


def _load_clean(data: Path) -> Workspace:
    """For commands that compute: refuse data with errors, showing them."""
    ws = _load(data)
    if ws.has_errors or ws.catalogue is None:
        _print_problems(ws, CheckFormat.text, only_errors=True)
        _console(stderr=True).print(
            "[bold red]Dữ liệu còn lỗi nên chưa thể tính toán.[/] Sửa các lỗi trên rồi chạy lại "
            "(xem: thidua validate).")
        raise typer.Exit(1)
    return ws


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Tệp hoặc thư mục đơn vị cần kiểm tra (mặc định: data/units/).")] = None,
    fmt: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="Cách in: text, json, github (chú thích trên pull request); "
        "auto chọn github khi chạy trong GitHub Actions.")] = CheckFormat.auto,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Coi cảnh báo như lỗi (mã thoát 1).")] = False,
    data: DataOpt = Path("data"),
) -> None:
    """Kiểm tra danh mục chỉ tiêu và các tệp đơn vị; báo mọi lỗi kèm tệp, dòng, cột."""
    ws = _load(data, paths)
    _print_problems(ws, fmt)
    if ws.has_errors or (strict and ws.problems):
        raise typer.Exit(1)


@app.command()
def indicators(
    fmt: Annotated[TableFormat, typer.Option("--format", "-f", help="table hoặc json.")]
    = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Liệt kê danh mục chỉ tiêu: mã, tên, đơn vị tính, kế hoạch, cách tổng hợp."""
    from . import catalogue_view

    ws = _load(data, [data / "indicators.yaml"])
    if ws.catalogue is None:
        _print_problems(ws, CheckFormat.text, only_errors=True)
        raise typer.Exit(1)
    if fmt is TableFormat.json:
        sys.stdout.write(catalogue_view.as_json(ws.catalogue))
    else:
        catalogue_view.print_table(ws.catalogue, _console())


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""Commands that check and describe the data: `validate`, `indicators`, `schema`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from thidua_cli.cli.app import (
    DataOpt,
    JobsOpt,
    TableFormat,
    UserError,
    command,
    emit,
    format_option,
    load,
    print_problems,
    replayable,
    say,
    write_files,
)

CheckFormat = Literal["auto", "text", "json", "github"]


@command
@replayable(lambda o: bool(o["paths"]))
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Tệp hoặc thư mục đơn vị cần kiểm tra (mặc định: data/units/)."),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        format_option(
            "Cách in: text, json, github (chú thích trên pull request); "
            "auto chọn github khi chạy trong GitHub Actions."
        ),
    ] = "auto",
    strict: Annotated[
        bool, typer.Option("--strict", help="Coi cảnh báo như lỗi (mã thoát 1).")
    ] = False,
    errors_only: Annotated[
        bool, typer.Option("--errors-only", "-e", help="Chỉ in lỗi, không in cảnh báo.")
    ] = False,
    jobs: JobsOpt = 0,
    max_kb: Annotated[
        int | None,
        typer.Option("--max-size", min=1, help="Giới hạn cỡ mỗi tệp, KB (mặc định 2048)."),
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Kiểm tra danh mục chỉ tiêu và các tệp đơn vị; báo mọi lỗi kèm tệp, dòng, cột."""
    ws = load(data, paths, jobs=jobs, keep_units=False, max_kb=max_kb, git_dates=True)
    print_problems(ws, fmt, errors=errors_only)
    if ws.has_errors or (strict and ws.problems):
        raise typer.Exit(1)


@command
def indicators(
    fmt: Annotated[TableFormat, format_option()] = "table",
    data: DataOpt = Path("data"),
) -> None:
    """Liệt kê danh mục chỉ tiêu: mã, tên, đơn vị tính, kế hoạch, cách tổng hợp."""
    from thidua_cli.formats.indicators import FORMATS

    ws = load(data, [data / "indicators.yaml"])
    if ws.catalogue is None:
        print_problems(ws, "text", only_errors=True)
        raise UserError("Danh mục chỉ tiêu còn lỗi.", code=1, detail="Xem: thidua validate.")
    emit(FORMATS, fmt, ws.catalogue)


@command
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Thư mục ghi các tệp JSON Schema.")
    ] = Path("schemas"),
) -> None:
    """Ghi JSON Schema của danh mục và tệp đơn vị, để trình soạn thảo gợi ý và báo lỗi khi gõ."""
    from thidua_cli.read import schema as sc

    written = write_files(
        [
            (out / sc.CATALOGUE_SCHEMA, sc.dumps(sc.catalogue_schema())),
            (out / sc.UNIT_SCHEMA, sc.dumps(sc.unit_schema())),
        ]
    )
    for path in written:
        say(f"Đã ghi {path}")

"""The `thidua` command: parse options, call the core, pick a formatter, return an exit code.

Heavy modules (pydantic, rich, jinja2, docxtpl) are imported inside the commands so that
`thidua --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .outcome import Outcome
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


class CheckFormat(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


class TableFormat(StrEnum):
    table = "table"
    json = "json"


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)


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


def _load(
    data: Path,
    paths: list[Path] | None = None,
    *,
    jobs: int = 1,
    keep_units: bool = True,
    max_kb: int | None = None,
) -> Workspace:
    from .workspace import load
    from .yamlload import MAX_BYTES

    if not (data / "indicators.yaml").is_file():
        _console(stderr=True).print(
            f"[bold red]Không tìm thấy {data / 'indicators.yaml'}.[/] Chạy lệnh trong thư mục gốc "
            "của kho dữ liệu, hoặc chỉ đường bằng --data."
        )
        raise typer.Exit(2)
    for p in paths or []:
        if not p.exists():
            _console(stderr=True).print(f"[bold red]Không có tệp hoặc thư mục «{p}».[/]")
            raise typer.Exit(2)
    limit = max_kb * 1024 if max_kb else MAX_BYTES
    return load(data, paths or [], jobs=jobs, keep_units=keep_units, max_bytes=limit)


def _load_clean(data: Path) -> Workspace:
    """For commands that compute: refuse data with errors, showing them."""
    ws = _load(data)
    if ws.has_errors or ws.catalogue is None:
        _print_problems(ws, CheckFormat.text, only_errors=True)
        _console(stderr=True).print(
            "[bold red]Dữ liệu còn lỗi nên chưa thể tính toán.[/] Sửa các lỗi trên rồi chạy lại "
            "(xem: thidua validate)."
        )
        raise typer.Exit(1)
    return ws


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Tệp hoặc thư mục đơn vị cần kiểm tra (mặc định: data/units/)."),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="Cách in: text, json, github (chú thích trên pull request); "
            "auto chọn github khi chạy trong GitHub Actions.",
        ),
    ] = CheckFormat.auto,
    strict: Annotated[
        bool, typer.Option("--strict", help="Coi cảnh báo như lỗi (mã thoát 1).")
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=0, help="Số tiến trình đọc tệp song song (0: theo số lõi CPU)."
        ),
    ] = 0,
    max_kb: Annotated[
        int | None,
        typer.Option("--max-size", min=1, help="Giới hạn cỡ mỗi tệp, KB (mặc định 2048)."),
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Kiểm tra danh mục chỉ tiêu và các tệp đơn vị; báo mọi lỗi kèm tệp, dòng, cột."""
    ws = _load(
        data, paths, jobs=jobs or min(os.cpu_count() or 1, 8), keep_units=False, max_kb=max_kb
    )
    _print_problems(ws, fmt)
    if ws.has_errors or (strict and ws.problems):
        raise typer.Exit(1)


@app.command()
def indicators(
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table hoặc json.")
    ] = TableFormat.table,
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


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    from .types import parse_day

    parsed = parse_day(text)
    if parsed is None:
        _console(stderr=True).print(
            f"[bold red]Ngày «{text}» không hợp lệ.[/] Viết 2026-06-30 hoặc 30/06/2026."
        )
        raise typer.Exit(2)
    return parsed


def _outcome(data: Path, phase: int, as_of: str | None) -> tuple[Workspace, Outcome]:
    from .outcome import UnknownPhase, compute

    ws = _load_clean(data)
    assert ws.catalogue is not None
    try:
        return ws, compute(ws.catalogue, ws.units, phase, _parse_date(as_of))
    except UnknownPhase:
        numbers = ", ".join(str(p.number) for p in ws.catalogue.phases)
        _console(stderr=True).print(f"[bold red]Không có đợt {phase}.[/] Các đợt: {numbers}.")
        raise typer.Exit(2) from None


PhaseOpt = Annotated[
    int, typer.Option("--phase", "-p", help="Đợt thi đua (1: sơ kết, 2: tổng kết).")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Tính theo số liệu đến ngày này (2026-06-30 hoặc 30/06/2026)."),
]


@app.command()
def score(
    phase: PhaseOpt = 1,
    bloc: Annotated[
        str | None, typer.Option("--bloc", "-b", help="Chỉ in một khối thi đua.")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Mã một đơn vị.")] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Giải thích từng điểm của đơn vị (dùng với --unit).")
    ] = False,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="table, json hoặc csv.")
    ] = ScoreFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Tính kết quả chỉ tiêu toàn xã, điểm, xếp loại và xếp hạng từng khối."""
    from . import score_view

    _ws, o = _outcome(data, phase, as_of)
    if bloc is not None and bloc not in {b.id for b in o.catalogue.blocs}:
        _console(stderr=True).print(
            f"[bold red]Không có khối «{bloc}».[/] Các khối: "
            + ", ".join(b.id for b in o.catalogue.blocs)
        )
        raise typer.Exit(2)
    if explain and unit is None:
        _console(stderr=True).print("[bold red]--explain cần --unit MÃ_ĐƠN_VỊ.[/]")
        raise typer.Exit(2)
    if unit is not None:
        us = o.unit(unit)
        if us is None:
            import difflib

            close = difflib.get_close_matches(unit, [s.unit.id for s in o.units], n=3)
            _console(stderr=True).print(
                f"[bold red]Không có đơn vị «{unit}».[/]"
                + (f" Có phải: {', '.join(close)}?" if close else "")
            )
            raise typer.Exit(2)
        if fmt is ScoreFormat.json:
            sys.stdout.write(score_view.unit_json(o, us))
        else:
            score_view.print_explain(o, us, _console())
        return
    if fmt is ScoreFormat.json:
        sys.stdout.write(score_view.as_json(o))
    elif fmt is ScoreFormat.csv:
        sys.stdout.write(score_view.as_csv(o))
    else:
        score_view.print_outcome(o, _console(), bloc)


@app.command()
def status(
    phase: Annotated[
        int | None,
        typer.Option("--phase", "-p", help="Đợt thi đua (mặc định: đợt có hạn báo cáo gần nhất)."),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table hoặc json.")
    ] = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Còn bao nhiêu ngày đến hạn; đơn vị nào đã đăng ký, ký giao ước, nộp đúng hạn, muộn, chưa nộp."""
    from . import status as st
    from .outcome import UnknownPhase

    ws = _load_clean(data)
    assert ws.catalogue is not None
    day = _parse_date(as_of) or date.today()  # the one place the clock is read
    number = phase if phase is not None else st.next_phase(ws.catalogue, day)
    try:
        result = st.status(ws.catalogue, ws.units, number, day)
    except UnknownPhase:
        _console(stderr=True).print(f"[bold red]Không có đợt {number}.[/]")
        raise typer.Exit(2) from None
    if fmt is TableFormat.json:
        sys.stdout.write(st.as_json(result))
    else:
        st.print_status(result, _console())


@app.command()
def exemplars(
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table hoặc json.")
    ] = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Sổ điển hình tiên tiến theo lĩnh vực: trạng thái, người phụ trách, lần kiểm tra gần nhất."""
    from . import exemplars as ex

    ws = _load_clean(data)
    assert ws.catalogue is not None
    reg = ex.register(ws.catalogue, ws.units)
    if fmt is TableFormat.json:
        sys.stdout.write(ex.as_json(reg))
    else:
        ex.print_register(reg, _console())


class ReportFormat(StrEnum):
    md = "md"
    docx = "docx"
    all = "all"


# What a report's numbers depend on: the data (not the reports themselves), the templates, the
# tool. A report names the last commit that changed any of them, so re-rendering at a later
# commit that only added reports gives the same bytes.
_SOURCES = ("data", ":(exclude)data/reports", "templates", "thidua_cli")


def _revision(root: Path) -> str:
    """The revision a report is made from, marked when the working tree differs from it."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("log", "-1", "--format=%h", "--abbrev=12", "--", *_SOURCES)
    if not commit:
        return "không rõ (chưa có commit git)"
    dirty = git("status", "--porcelain", "--", *_SOURCES)
    return commit + (" (có thay đổi chưa commit)" if dirty else "")


@app.command()
def report(
    phase: PhaseOpt = 1,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="md (xem trên pull request), docx (văn bản chính thức) hoặc all."
        ),
    ] = ReportFormat.all,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Thư mục ghi báo cáo (mặc định: data/reports/<năm>/dot-<đợt>/)."
        ),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Lập phiếu chấm điểm của một đơn vị.")
    ] = None,
    as_of: AsOfOpt = None,
    signed: Annotated[
        str | None, typer.Option("--date", help="Ngày ký văn bản (mặc định: ngày tính số liệu).")
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Lập báo cáo sơ kết/tổng kết (Markdown và DOCX theo Nghị định 30/2020) hoặc phiếu chấm điểm."""
    from . import exemplars as ex
    from . import render
    from . import report as rp
    from . import status as st

    ws, o = _outcome(data, phase, as_of)
    day = _parse_date(signed) or o.as_of
    revision = _revision(ws.root)
    folder = out or data / "reports" / str(o.catalogue.campaign.year) / f"dot-{phase}"
    if unit is not None:
        us = o.unit(unit)
        if us is None:
            _console(stderr=True).print(f"[bold red]Không có đơn vị «{unit}».[/]")
            raise typer.Exit(2)
        context = rp.scorecard_context(o, us, revision, day)
        stem, template = f"phieu-cham-diem-{unit}", "phieu-cham-diem"
    else:
        status_now = st.status(o.catalogue, ws.units, phase, o.as_of)
        context = rp.report_context(
            o, status_now, ex.register(o.catalogue, ws.units), revision, day
        )
        stem, template = f"bao-cao-dot-{phase}", "bao-cao"
    outputs: list[tuple[Path, bytes | str]] = []
    try:  # render everything first: a template error must not leave half the files new
        if fmt in (ReportFormat.md, ReportFormat.all):
            outputs.append(
                (folder / f"{stem}.md", render.render_markdown(f"{template}.md.j2", context))
            )
        if fmt in (ReportFormat.docx, ReportFormat.all):
            outputs.append(
                (folder / f"{stem}.docx", render.render_docx(f"{template}.docx", context, day))
            )
    except render.TemplateProblem as exc:
        _console(stderr=True).print(f"[bold red]Mẫu báo cáo có lỗi:[/] {exc}")
        raise typer.Exit(1) from None
    written = []
    for path, content in outputs:
        try:
            render.write_atomic(path, content)
        except OSError as exc:
            _console(stderr=True).print(f"[bold red]Không ghi được {path}:[/] {exc.strerror}")
            raise typer.Exit(1) from None
        written.append(path)
    console = _console()
    for path in written:
        console.print(f"Đã ghi {path}")


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Thư mục ghi các tệp JSON Schema.")
    ] = Path("schemas"),
) -> None:
    """Ghi JSON Schema của danh mục và tệp đơn vị, để trình soạn thảo gợi ý và báo lỗi khi gõ."""
    from . import render
    from . import schema as sc

    for name, body in (
        (sc.CATALOGUE_SCHEMA, sc.catalogue_schema()),
        (sc.UNIT_SCHEMA, sc.unit_schema()),
    ):
        try:
            render.write_atomic(out / name, sc.dumps(body))
        except OSError as exc:
            _console(stderr=True).print(f"[bold red]Không ghi được {out / name}:[/] {exc.strerror}")
            raise typer.Exit(1) from None
        _console().print(f"Đã ghi {out / name}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

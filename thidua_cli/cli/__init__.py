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
    from thidua_cli.compute.outcome import Outcome
    from thidua_cli.workspace import Workspace

app = typer.Typer(
    name="thidua",
    help="Quản lý phong trào thi đua cấp xã từ tệp YAML trong git: kiểm tra số liệu, chấm điểm, "
    "xếp hạng và lập báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


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


class CheckFormat(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


class TableFormat(StrEnum):
    table = "table"
    json = "json"


TableFormatOpt = Annotated[TableFormat, typer.Option("--format", "-f", help="table hoặc json.")]


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # piped into a file, tables would be cut at 80 columns: give them room instead
    wide = None if stream.isatty() or "COLUMNS" in os.environ else 160
    return Console(stderr=stderr, highlight=False, emoji=False, width=wide)


def _print_problems(ws: Workspace, fmt: CheckFormat, *, only_errors: bool = False) -> None:
    from thidua_cli.formats import problems as output

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
    from thidua_cli.read.yamlload import MAX_BYTES
    from thidua_cli.workspace import load

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
    ws = load(data, paths or [], jobs=jobs, keep_units=keep_units, max_bytes=limit)
    if ws.approvals and ws.catalogue is not None:
        from thidua_cli.cli.git import check_approvals

        check_approvals(ws, whole=not paths)
    return ws


def _load_tolerant(data: Path) -> Workspace:
    """For lists that help fix the data (status, exemplars): go on despite errors in unit
    files, and say which files were left out. A broken catalogue still stops."""
    ws = _load(data)
    if ws.catalogue is None:
        return _load_clean(data)
    broken = sorted({p.path for p in ws.problems if p.is_error})
    if broken:
        _console(stderr=True).print(
            f"[bold yellow]Có {len(broken)} tệp còn lỗi, không được tính ở đây:[/] "
            + ", ".join(broken)
            + " (xem: thidua validate)."
        )
    return ws


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
    fmt: TableFormatOpt = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Liệt kê danh mục chỉ tiêu: mã, tên, đơn vị tính, kế hoạch, cách tổng hợp."""
    from thidua_cli.formats import indicators as catalogue_view

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
    from thidua_cli.read.types import parse_day

    parsed = parse_day(text)
    if parsed is None:
        _console(stderr=True).print(
            f"[bold red]Ngày «{text}» không hợp lệ.[/] Viết 2026-06-30 hoặc 30/06/2026."
        )
        raise typer.Exit(2)
    return parsed


def _outcome(data: Path, phase: int, as_of: str | None) -> tuple[Workspace, Outcome]:
    from thidua_cli.compute.outcome import UnknownPhase, compute

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
    from thidua_cli.formats import score as score_view

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
        sys.stdout.write(score_view.as_json(o, bloc))
    elif fmt is ScoreFormat.csv:
        sys.stdout.write(score_view.as_csv(o, bloc))
    else:
        score_view.print_outcome(o, _console(), bloc)


@app.command()
def status(
    phase: Annotated[
        int | None,
        typer.Option("--phase", "-p", help="Đợt thi đua (mặc định: đợt có hạn báo cáo gần nhất)."),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: TableFormatOpt = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Còn bao nhiêu ngày đến hạn; đơn vị nào đã đăng ký, ký giao ước, nộp đúng hạn, muộn, chưa nộp."""
    from thidua_cli.compute import status as st
    from thidua_cli.compute.outcome import UnknownPhase
    from thidua_cli.formats import status as status_format

    ws = _load_tolerant(data)
    assert ws.catalogue is not None
    day = _parse_date(as_of) or date.today()  # the one place the clock is read
    number = phase if phase is not None else st.next_phase(ws.catalogue, day)
    try:
        result = st.status(ws.catalogue, ws.units, number, day)
    except UnknownPhase:
        _console(stderr=True).print(f"[bold red]Không có đợt {number}.[/]")
        raise typer.Exit(2) from None
    if fmt is TableFormat.json:
        sys.stdout.write(status_format.as_json(result))
    else:
        status_format.print_status(result, _console())


@app.command()
def exemplars(
    fmt: TableFormatOpt = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Sổ điển hình tiên tiến theo lĩnh vực: trạng thái, người phụ trách, lần kiểm tra gần nhất."""
    from thidua_cli.compute import exemplars as ex
    from thidua_cli.formats import exemplars as exemplars_format

    ws = _load_tolerant(data)
    assert ws.catalogue is not None
    reg = ex.register(ws.catalogue, ws.units)
    if fmt is TableFormat.json:
        sys.stdout.write(exemplars_format.as_json(reg))
    else:
        exemplars_format.print_register(reg, _console())


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
    from thidua_cli.compute import exemplars as ex
    from thidua_cli.compute import status as st
    from thidua_cli.present import render
    from thidua_cli.present import report as rp

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
            _console(stderr=True).print(f"[bold red]Không ghi được {path}:[/] {_os_reason(exc)}")
            raise typer.Exit(1) from None
        written.append(path)
    console = _console()
    if not any(s.report for s in o.units):
        _console(stderr=True).print(
            f"[bold yellow]Chú ý: chưa có đơn vị nào báo cáo đợt {phase}[/]; báo cáo ghi rõ điều "
            "này trên trang đầu."
        )
    for path in written:
        console.print(f"Đã ghi {path}")


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Thư mục ghi các tệp JSON Schema.")
    ] = Path("schemas"),
) -> None:
    """Ghi JSON Schema của danh mục và tệp đơn vị, để trình soạn thảo gợi ý và báo lỗi khi gõ."""
    from thidua_cli.present import render
    from thidua_cli.read import schema as sc

    for name, body in (
        (sc.CATALOGUE_SCHEMA, sc.catalogue_schema()),
        (sc.UNIT_SCHEMA, sc.unit_schema()),
    ):
        try:
            render.write_atomic(out / name, sc.dumps(body))
        except OSError as exc:
            _console(stderr=True).print(
                f"[bold red]Không ghi được {out / name}:[/] {_os_reason(exc)}"
            )
            raise typer.Exit(1) from None
        _console().print(f"Đã ghi {out / name}")


def _os_reason(exc: OSError) -> str:
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


def _vietnamese_help() -> None:
    """Help headings in Vietnamese (typer's texts are English); only when help is shown."""
    from typer import rich_utils

    rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
    rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
    rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
    rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
    rich_utils.DEFAULT_STRING = "[mặc định: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
    try:  # the --help line itself comes from typer's bundled click; best effort
        from typer._click import decorators

        original = decorators.help_option

        def help_option(names: list[str]) -> Any:
            add = original(names)

            def apply(command: Any) -> Any:
                command = add(command)
                command.params[-1].help = "Hiện hướng dẫn này rồi thoát."
                return command

            return apply

        decorators.help_option = help_option  # type: ignore[assignment]
    except (ImportError, AttributeError):  # pragma: no cover
        pass


def _usage_message(exc: Exception) -> str:
    """Typer's usage errors, said in Vietnamese."""
    import difflib

    from typer._click import exceptions as ce

    if isinstance(exc, ce.NoSuchOption):
        close = [p for p in (exc.possibilities or []) if p != "--help"]
        return f"Không có tùy chọn «{exc.option_name}»." + (
            f" Có phải ý bạn là «{close[0]}»?" if close else ""
        )
    if isinstance(exc, ce.MissingParameter):
        name = exc.param.name if exc.param is not None else ""
        return f"Thiếu tham số bắt buộc «{name}»."
    if isinstance(exc, ce.BadParameter):
        param = exc.param
        name = (
            param.opts[0]
            if param is not None and param.opts
            else param.name
            if param is not None
            else ""
        )
        text = exc.message
        if " is not one of " in text:
            wrong, _, choices = text.partition(" is not one of ")
            wrong = wrong.replace("Value error, ", "")
            return (
                f"Giá trị {wrong} của {name} không hợp lệ; chọn một trong: {choices.rstrip('.')}."
            )
        if "integer" in text:
            return f"Giá trị của {name} phải là một số nguyên."
        if "range" in text or ">=" in text:
            return f"Giá trị của {name} nằm ngoài khoảng cho phép."
        return f"Giá trị của {name} không hợp lệ."
    text = getattr(exc, "message", str(exc))
    if text.startswith("No such command"):
        wrong = text.split("'")[1] if "'" in text else text
        close = difflib.get_close_matches(wrong, list(_command_names()), n=1)
        return (
            f"Không có lệnh «{wrong}»."
            + (f" Có phải ý bạn là «{close[0]}»?" if close else "")
            + " Xem: thidua --help."
        )
    return f"Cách gọi lệnh chưa đúng: {text}"


def _command_names() -> list[str]:
    return [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]


def main() -> None:
    """Run the app; usage errors get a Vietnamese message and exit code 2, never a traceback."""
    from typer._click import exceptions as ce

    args = sys.argv[1:]
    if not args or "-h" in args or "--help" in args:
        _vietnamese_help()
    try:
        code = app(args=args, prog_name="thidua", standalone_mode=False)
    except ce.NoArgsIsHelpError:
        code = 0
    except ce.UsageError as exc:
        _console(stderr=True).print(f"[bold red]{_usage_message(exc)}[/]", highlight=False)
        code = 2
    except KeyboardInterrupt:
        _console(stderr=True).print("Đã dừng.")
        code = 130
    sys.exit(code if isinstance(code, int) else 0)


from thidua_cli.cli import git as _git  # noqa: E402,F401  (registers diff, history and approve)

if __name__ == "__main__":
    main()

"""The front of `thidua`: Vietnamese help and usage errors, `--version`, `main()`."""

from __future__ import annotations

import os
import re
import sys
from typing import Annotated, Any

import typer

from thidua_cli.cli.app import UserError, app, report_error, say


def _show_version(value: bool) -> None:
    if value:
        from thidua_cli import __version__

        say(f"thidua {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="In phiên bản của thidua rồi thoát.",
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Không dùng bộ nhớ đệm: đọc, kiểm tra và tính lại mọi thứ (không dùng tệp đã "
            "kiểm tra hay kết quả của lần chạy trước).",
        ),
    ] = False,
) -> None:
    """Quản lý phong trào thi đua từ tệp YAML trong git: kiểm tra số liệu, chấm điểm, xếp hạng
    và lập báo cáo."""
    if no_cache:  # read by read/cache.py, here and in the worker processes
        os.environ["THIDUA_NO_CACHE"] = "1"


def _light_rich_utils() -> Any:
    """typer's help renderer without the two rich modules it imports for other work (Markdown
    help, which we do not use, and tracebacks, which we switch off): a third of `--help`'s
    import time. Stand-ins load the real class if anything ever asks for one."""
    import importlib
    import types

    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    placed = []
    for module, name in (("rich.markdown", "Markdown"), ("rich.traceback", "Traceback")):
        if module in sys.modules:
            continue

        def real(*args: Any, _m: str = module, _n: str = name, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(_m), _n)(*args, **kwargs)

        stand_in = types.ModuleType(module)
        setattr(
            stand_in,
            name,
            type(name, (), {"__new__": staticmethod(lambda cls, *a, _r=real, **k: _r(*a, **k))}),
        )
        sys.modules[module] = stand_in
        placed.append(module)
    try:
        from typer import rich_utils
    finally:
        for module in placed:  # later imports get the real modules
            del sys.modules[module]
    return rich_utils


# what typer shows after an option (<int>, <path>…), in the clerk's words
_TYPE_WORDS = {
    "<int>": "<số>",
    "<int range>": "<số>",
    "<float>": "<số>",
    "<str>": "<chữ>",
    "<path>": "<đường dẫn>",
    "<list[Path]>": "<đường dẫn>…",
    "<list[str]>": "<chữ>…",
    "<list[int]>": "<số>…",
}


def _range_words(text: str) -> str:
    """click's "x>=0" as "≥ 0", "0<=x<=100" as "từ 0 đến 100"; anything else as it is."""
    one = re.fullmatch(r"x(>=|<=|>|<)(.+)", text)
    if one:
        return f"{_SIGNS[one.group(1)]} {one.group(2)}"
    both = re.fullmatch(r"(.+?)<=x<=(.+)", text)
    if both:
        return f"từ {both.group(1)} đến {both.group(2)}"
    return text


_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def _vietnamese_types() -> None:
    """Option types in Vietnamese, and none after a flag (`--explain <bool>` reads as if it
    wanted a value). Typer's own internals: best effort, other versions keep English."""
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # pragma: no cover
        return
    for cls in (TyperOption, TyperArgument):
        shown = getattr(cls, "display_type_rich", None)
        if shown is None:  # pragma: no cover
            continue

        def display(self: Any, ctx: Any, _shown: Any = shown) -> str | None:
            if getattr(self, "is_flag", False):
                return None
            text = _shown(self, ctx)
            return _TYPE_WORDS.get(text, text) if isinstance(text, str) else text

        cls.display_type_rich = display  # type: ignore[method-assign]
        ranged = getattr(cls, "_get_number_range_help_str", None)
        if ranged is not None:

            def range_text(self: Any, _ranged: Any = ranged) -> str | None:
                text = _ranged(self)
                if not isinstance(text, str):
                    return None
                return _range_words(text)

            cls._get_number_range_help_str = range_text  # type: ignore[method-assign]


def _vietnamese_help() -> None:
    """Help headings in Vietnamese (typer's texts are English); only when help is shown."""
    rich_utils = _light_rich_utils()

    rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
    rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
    rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
    rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
    rich_utils.DEFAULT_STRING = "[mặc định: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
    _vietnamese_types()
    try:  # the usage line's "Usage:" is fixed in typer's bundled click; best effort
        from typer._click import formatting

        write_usage = formatting.HelpFormatter.write_usage

        def usage_in_vietnamese(
            self: Any, prog: str, args: str = "", prefix: str | None = None
        ) -> None:
            write_usage(self, prog, args, "Cách gọi: " if prefix is None else prefix)

        formatting.HelpFormatter.write_usage = usage_in_vietnamese  # type: ignore[method-assign]
    except (ImportError, AttributeError):  # pragma: no cover
        pass
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


_FRONT_OPTIONS = ("--no-cache", "--version")  # options of `thidua` itself, not of a command


def _usage_message(exc: Exception) -> str:
    """Typer's usage errors, said in Vietnamese."""
    import difflib

    from typer._click import exceptions as ce

    if isinstance(exc, ce.NoSuchOption):
        if exc.option_name in _FRONT_OPTIONS:  # `thidua validate --no-cache`
            return (
                f"Tùy chọn «{exc.option_name}» đặt ngay sau thidua, trước tên lệnh: "
                f"thidua {exc.option_name} <lệnh> …"
            )
        close = [p for p in (exc.possibilities or []) if p != "--help"]
        return f"Không có tùy chọn «{exc.option_name}»." + (
            f" Có phải ý bạn là «{close[0]}»?" if close else ""
        )
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        if param is None:
            return "Thiếu tham số bắt buộc."
        name = param.opts[0] if param.opts and param.opts[0].startswith("-") else param.name
        what = getattr(param, "help", None) or ""
        return f"Thiếu tham số bắt buộc «{name}»." + (f" ({what.rstrip('.')}.)" if what else "")
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
            wrong = wrong.replace("Value error, ", "").strip().strip("'\"")
            names = ", ".join(c.strip().strip("'\"") for c in choices.rstrip(".").split(","))
            return f"Giá trị «{wrong}» của {name} không hợp lệ; chọn một trong: {names}."
        if "integer" in text:
            return f"Giá trị của {name} phải là một số nguyên."
        if "range" in text or ">=" in text:
            return f"Giá trị của {name} nằm ngoài khoảng cho phép."
        return f"Giá trị của {name} không hợp lệ."
    text = getattr(exc, "message", str(exc))
    needs = re.match(r"Option '([^']+)' requires (an argument|\d+ arguments)", text)
    if needs:
        return f"Tùy chọn «{needs.group(1)}» cần một giá trị đi kèm."
    extra = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", text)
    if extra:
        return f"Thừa tham số: «{extra.group(1)}». Xem cách gọi: thidua <lệnh> --help."
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

    # Windows writes a redirected stdout (`thidua score --format csv > kq.csv`) in the ANSI
    # code page, which has no room for Vietnamese: always write UTF-8.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8")
    args = sys.argv[1:]
    if not args or "-h" in args or "--help" in args:
        _vietnamese_help()
    try:
        code = app(args=args, prog_name="thidua", standalone_mode=False)
    except ce.NoArgsIsHelpError:
        code = 0
    except ce.UsageError as exc:
        report_error(UserError(_usage_message(exc)))
        code = 2
    except UserError as exc:
        report_error(exc)
        code = exc.code
    except KeyboardInterrupt:
        say("Đã dừng.", stderr=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)

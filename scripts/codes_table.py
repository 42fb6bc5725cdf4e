"""Rewrite the README's table of problem codes from thidua_cli/codes.py (between the
`<!-- codes:start -->` and `<!-- codes:end -->` markers). tests/test_codes.py checks they agree."""

from __future__ import annotations

from pathlib import Path

from thidua_cli.codes import CODES

README = Path(__file__).resolve().parent.parent / "README.md"


def table() -> str:
    lines = ["<!-- codes:start -->", "", "| nhóm | mã | mức | ý nghĩa |", "|---|---|---|---|"]
    shown: set[str] = set()
    for code, spec in sorted(CODES.items(), key=lambda kv: list(CODES).index(kv[0])):
        group = spec.group if spec.group not in shown else ""
        shown.add(spec.group)
        level = "lỗi" if spec.severity == "error" else "cảnh báo"
        lines.append(f"| {group} | `{code}` | {level} | {spec.title} |")
    return "\n".join([*lines, "", "<!-- codes:end -->"])


def main() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- codes:start -->")
    end = text.index("<!-- codes:end -->") + len("<!-- codes:end -->")
    README.write_text(text[:start] + table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()

"""Text from a data file or a commit is untrusted: it never breaks a command, forges output
(terminal, Markdown, CSV, DOCX) or reaches outside the repository (issue 11)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from thidua_cli import files
from thidua_cli.compute import exemplars, status
from thidua_cli.compute.outcome import compute
from thidua_cli.formats.problems import as_github, capped
from thidua_cli.formats.terminal import clean, esc
from thidua_cli.present import markdown, render, report
from thidua_cli.problems import error
from thidua_cli.read import textpolicy
from thidua_cli.workspace import load

from .conftest import DATA, HOA_BINH
from .test_audit import git

Run = Callable[..., tuple[int, str]]
KTU = "data/units/lang-kon-ktu.yaml"
MARKUP = "[/] [reverse]đảo[/reverse] [link=https://lừa.example]bấm[/link]"


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def inject(repo: Path, path: str, start: str, extra: str) -> None:
    """Append `extra` to the plain value of the line that starts (after indent) with `start`."""
    file = repo / path
    lines = file.read_text(encoding="utf-8").split("\n")
    i = next(n for n, line in enumerate(lines) if line.strip().startswith(start))
    key, value = lines[i].split(": ", 1)
    lines[i] = f'{key}: "{value} {extra}"'
    file.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Path]:
    """The shipped data with rich markup in a unit name, an exemplar mentor and an indicator
    name, committed; then a commit whose message and author carry markup and terminal escapes."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    inject(tmp_path, KTU, "name: Làng Kon Ktu", MARKUP)
    inject(tmp_path, "data/units/thon-tan-huong.yaml", "name: Thôn Tân Hương", MARKUP)  # late
    inject(
        tmp_path, "data/units/ban-chi-huy-quan-su.yaml", "mentor: Phạm Văn Lực", "[/] [bold red]"
    )
    inject(tmp_path, "data/indicators.yaml", "name: Tổng sản lượng", "[/]")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Số liệu [/] ban đầu")
    edit(tmp_path, KTU, "CT03: {value: 113.9", "CT03: {value: 150")
    git(
        tmp_path,
        "commit",
        "-q",
        "-am",
        "Sửa [/][link=https://x.example]số[/link] \x1b[2J\x1b]0;tieu-de\x07 xong",
        author="Kẻ [/]lạ \x1b[31m",
    )
    yield tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("score", "--phase", "1"),
        ("score", "--phase", "1", "--unit", "lang-kon-ktu", "--explain"),
        ("status", "--phase", "1", "--as-of", "2026-06-20"),
        ("exemplars",),
        ("indicators",),
        ("history", "lang-kon-ktu"),
        ("diff", "HEAD~1", "HEAD"),
        ("diff", "HEAD~1", "HEAD", "--format", "md"),
    ],
    ids=lambda a: " ".join(a),
)
def test_markup_and_escapes_in_data_never_break_or_style_a_command(
    hostile: Path, cli: Run, args: tuple[str, ...]
) -> None:
    code, out = cli(*args, cwd=hostile)
    assert code == 0, out
    assert "\x1b" not in out and "\x07" not in out
    if args[0] in ("score", "status", "history") or args[-1] == "HEAD":
        assert "[/]" in out  # printed as typed, not interpreted
    if args == ("score", "--phase", "1"):
        assert f"Làng Kon Ktu {MARKUP}" in out.replace("\n", "")  # the whole name, as typed


def test_terminal_escape_in_a_broken_file_is_not_printed(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    """status goes on with broken files: a name with escapes is refused, never echoed raw."""
    data = scratch(units=True)
    edit(tmp_path, KTU, "name: Làng Kon Ktu", 'name: "Làng \\e[2J\\e]0;tieu-de\\a Kon Ktu"')
    code, out = cli("validate", cwd=tmp_path)
    assert code == 1 and "control-character" in out and "\x1b" not in out
    code, out = cli("status", "--phase", "1", cwd=tmp_path)
    assert "\x1b" not in out and "\x07" not in out
    assert data.exists()


def test_terminal_helpers() -> None:
    assert clean("a\x1b[2Jb\x1b]0;title\x07c\x9b31md\u202ee\x00f\n\tg") == "abcdef\n\tg"
    assert esc("[/] [bold]x") == "\\[/] \\[bold]x"


def test_csv_neutralises_formula_prefixes(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch(units=True)
    hyperlink = '=HYPERLINK("https://lừa.example","Bấm")'
    edit(tmp_path, KTU, "name: Làng Kon Ktu", f"name: '{hyperlink}'")
    edit(tmp_path, "data/units/lang-dak-tang.yaml", "name: Làng Đăk Tăng", "name: '@SUM(1+1) Làng'")
    edit(tmp_path, "data/units/lang-plei-weh.yaml", "name: Làng Plei Weh", "name: '-2+3 Làng'")
    code, out = cli("score", "--phase", "1", "--format", "csv", cwd=tmp_path)
    assert code == 0 and data.exists()
    # the CSV names units by name (for Excel), column 3 after bloc and rank
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    names = {r[2]: r for r in rows[1:]}
    assert "'" + hyperlink in names
    assert any(n.startswith("'@SUM") for n in names) and any(n.startswith("'-2+3") for n in names)
    assert all(not c.startswith(("=", "+", "@")) for r in rows for c in r)
    assert names["'" + hyperlink][3][0].isdigit()  # numbers stay numbers


HOSTILE_MD = "<img src=x onerror=alert(1)>\n# Chèn ![a](https://x.example/a.png) [l](javascript:x) |ô| *đậm* `mã` $m$ &lt;"


def _poison(value: Any) -> Any:
    """Every string of a report context replaced by hostile Markdown (keeping its text)."""
    if isinstance(value, str):
        return value + " " + HOSTILE_MD
    if isinstance(value, dict):
        return {k: _poison(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_poison(v) for v in value]
    return value


def _assert_inert(text: str) -> None:
    """No hostile mark is left unescaped (a backslash before it makes it plain text)."""
    for raw in ("<img", "\n# Chèn", "![a]", "](javascript", "`mã`", "*đậm*", "$m$", "&lt;", "|ô|"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw


@pytest.mark.parametrize("template", ["bao-cao", "phieu-cham-diem"])
def test_every_markdown_template_escapes_every_value(template: str) -> None:
    ws = load(HOA_BINH)
    assert ws.catalogue is not None
    o = compute(ws.catalogue, ws.units, 1)
    if template == "bao-cao":
        st = status.status(ws.catalogue, ws.units, 1, o.as_of)
        reg = exemplars.register(ws.catalogue, ws.units)
        context = report.report_context(o, st, reg, "TEST", o.as_of)
    else:
        context = report.scorecard_context(o, o.units[0], "TEST", o.as_of)
    text = render.render_markdown(f"{template}.md.j2", _poison(context))
    _assert_inert(text)
    assert "\\<img" in text


def test_markdown_escape() -> None:
    assert markdown.md("a|b*c_d <e> [f]\nx") == r"a\|b\*c\_d \<e\> \[f\] x"
    assert markdown.md("10.900 tấn") == "10.900 tấn"  # the source stays readable
    assert markdown.md("- a") == "\\- a" and markdown.md("1. a") == "1\\. a"
    assert markdown.md(markdown.md("*")) == "\\*"  # escaped once


def test_over_quota_sentence_escapes_unit_names(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    """The quota sentence is built from unit names outside any table: escaped all the same
    (with a 20% ceiling on «xuất sắc», the shipped data puts this unit over it)."""
    data = scratch(units=True)
    catalogue = data / "indicators.yaml"
    text = catalogue.read_text(encoding="utf-8")
    assert "  quotas: []" in text
    ceiling = "  quotas:\n    - {level: xuat-sac, max_percent: 20, of_levels: [xuat-sac, tot]}"
    catalogue.write_text(text.replace("  quotas: []", ceiling), encoding="utf-8")
    hostile = "<img src=x onerror=alert(1)> ![a](https://x.example/a.png) # Chèn"
    edit(
        tmp_path,
        "data/units/trung-tam-cung-ung-dich-vu-cong.yaml",
        "name: Trung tâm Cung ứng dịch vụ công",
        f'name: "{hostile}"',
    )
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "bao-cao", cwd=tmp_path)
    assert code == 0, out
    text = (tmp_path / "bao-cao" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    quota = next(line for line in text.splitlines() if "chưa đề nghị khen thưởng" in line)
    assert "onerror" in quota
    _assert_inert(text)


def test_diff_markdown_escapes_file_and_unit_names(cli: Run, tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    bad = tmp_path / "data" / "units" / "<img src=x onerror=1>[a](b).yaml"
    shutil.move(tmp_path / KTU, bad)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "x")
    bad.write_text("id: [\n", encoding="utf-8")  # broken in the working tree: named as broken
    evidence = tmp_path / "data" / "evidence" / "<b>x<b>.md"
    evidence.write_text("x", encoding="utf-8")
    code, out = cli("diff", "HEAD", "--format", "md", cwd=tmp_path)
    assert code == 0
    assert "onerror" in out and "x<b>" in out.replace("\\", "")
    _assert_inert(out)
    assert not re.search(r"(?<!\\)<b>", out) and "[a](b)" not in out


def test_docx_keeps_what_was_typed() -> None:
    """Characters Word would turn into breaks or drop never get past reading; what is allowed
    reaches the document unchanged."""
    typed = "Thôn <Mới> & «Bản» — 1/2"
    ws = load(HOA_BINH)
    assert ws.catalogue is not None
    o = compute(ws.catalogue, ws.units, 1)
    st = status.status(ws.catalogue, ws.units, 1, o.as_of)
    reg = exemplars.register(ws.catalogue, ws.units)
    context = report.report_context(o, st, reg, "TEST", o.as_of)
    context["issuer_lines"] = [typed]
    docx = render.render_docx("bao-cao.docx", context, o.as_of)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Thôn &lt;Mới&gt; &amp; «Bản» — 1/2" in xml
    for bad in ("\x07", "\x0c", "\x00", "\x01", "\ufffe"):
        assert textpolicy.check_text(f"Thôn{bad}A", "name") is not None


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Thôn M\u1eabu", "Tho\u0302n Mẫu"),  # NFC and NFD: one after reading
        ("Làng Kon Ktu", "Làng K\u043en Ktu"),  # Cyrillic о
        ("Thôn Mẫu", "THÔN  MẪU"),
    ],
)
def test_lookalike_names_are_warned(
    scratch: Callable[..., Path], name: str, other: str, tmp_path: Path
) -> None:
    data = scratch(units=True)
    edit(tmp_path, KTU, "name: Làng Kon Ktu", f'name: "{name}"')
    edit(tmp_path, "data/units/lang-dak-tang.yaml", "name: Làng Đăk Tăng", f'name: "{other}"')
    ws = load(data)
    found = [p for p in ws.problems if p.code == "lookalike-names"]
    if name == unicodedata_nfc(other):
        assert not found  # the same name after NFC is the same name, not a look-alike
    else:
        assert len(found) == 1
        assert {KTU, "data/units/lang-dak-tang.yaml"} == {
            found[0].path,
            "data/units/lang-dak-tang.yaml" if found[0].path == KTU else KTU,
        }
        assert ("lang-dak-tang.yaml" if found[0].path == KTU else "lang-kon-ktu") in found[
            0
        ].message


def unicodedata_nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def test_fold() -> None:
    assert textpolicy.fold("K\u043en Ktu") == textpolicy.fold("kon  KTU")
    assert textpolicy.fold("Thôn\u200bMẫu") == textpolicy.fold("ThônMẫu")


def test_text_limits_are_set_in_the_catalogue(scratch: Callable[..., Path], tmp_path: Path) -> None:
    data = scratch(units=True)
    edit(tmp_path, KTU, "name: Làng Kon Ktu", "name: Làng Kon Ktu có tên dài hơn ba mươi ký tự")
    assert not [p for p in load(data).problems if p.code == "text-too-long"]
    with (data / "indicators.yaml").open("a", encoding="utf-8") as f:
        f.write("limits:\n  name: 30\n")
    found = [(p.path, p.yaml_path) for p in load(data).problems if p.code == "text-too-long"]
    assert (KTU, ("name",)) in found and ("data/units/lang-dak-tang.yaml", ("name",)) not in found


def test_symlinked_units_folder_outside_the_repository_is_refused(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch()
    outside = tmp_path.parent / f"{tmp_path.name}-ngoai"
    outside.mkdir()
    (outside / "bi-mat.yaml").write_text("api_token: 1\ndb_password: 2\n", encoding="utf-8")
    (data / "units").rmdir()
    os.symlink(outside, data / "units")
    code, out = cli("validate", "--format", "github", cwd=tmp_path)
    assert code == 1
    assert "symlink-outside-repo" in out
    assert "api_token" not in out and "db_password" not in out


def test_symlinked_catalogue_outside_the_repository_is_refused(
    scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch()
    outside = tmp_path.parent / f"{tmp_path.name}-cat.yaml"
    shutil.move(data / "indicators.yaml", outside)
    os.symlink(outside, data / "indicators.yaml")
    ws = load(data)
    assert [p.code for p in ws.problems] == ["symlink-outside-repo"]


def test_diff_never_reads_evidence_outside_the_repository(cli: Run, tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("bí mật", encoding="utf-8")
    os.symlink(secret, tmp_path / "data" / "evidence" / "lien-ket.md")
    code, out = cli("diff", "--format", "json", cwd=tmp_path)
    assert code == 0
    assert "lien-ket.md" not in out  # not read, so not compared


def test_diff_reads_at_most_the_size_limit_of_evidence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from thidua_cli.audit import diff

    monkeypatch.setattr(diff, "EVIDENCE_BYTES", 10)
    big = tmp_path / "big.bin"
    big.write_bytes(b"a" * 1000)
    read: list[int] = []
    real_open = open

    def spy(path: Any, mode: str = "r", *a: Any, **k: Any) -> Any:
        f = real_open(path, mode, *a, **k)
        original = f.read

        def counted(n: int = -1) -> Any:
            read.append(n)
            return original(n)

        f.read = counted
        return f

    monkeypatch.setattr("builtins.open", spy)
    assert diff._digest(big, str(tmp_path.resolve())) is not None
    assert read == [10]
    assert diff._digest(big, "/elsewhere") is None


def test_problems_are_capped_per_code_and_file_except_in_json(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch(units=True)
    with (data / "units" / "lang-kon-ktu.yaml").open("a", encoding="utf-8") as f:
        f.writelines(f"khoa{i}: 1\n" for i in range(120))
    code, out = cli("validate", cwd=tmp_path)
    assert code == 1
    assert out.count("[unknown-key]") == 51  # 50 lines, then the summary line
    assert "Còn 70 vấn đề [unknown-key]" in out and "120 lỗi" in out
    code, out = cli("validate", "--format", "github", cwd=tmp_path)
    assert out.count("title=unknown-key") == 50 and "too-many-problems" in out
    code, out = cli("validate", "--format", "json", cwd=tmp_path)
    doc = json.loads(out)
    assert doc["errors"] == 120
    assert sum(p["code"] == "unknown-key" for p in doc["problems"]) == 120


def test_capped_keeps_the_order_and_counts() -> None:
    ps = [error("a.yaml", (i, 1), "unknown-key", "x.") for i in range(1, 5)]
    shown = capped(ps, limit=2)
    assert [p.line for p in shown] == [1, 2, 0] and "Còn 2" in shown[-1].message
    assert "\x1b" not in as_github([error("a.yaml", (1, 1), "x", "\x1b[2Jy.")])


@pytest.mark.parametrize("fail_at", ["temporary", "rename"])
def test_report_set_is_written_together_or_says_what_was_replaced(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    out = tmp_path / "bao-cao"
    code, _ = cli(
        "report", "--phase", "1", "--format", "all", "--out", str(out), "--data", str(DATA)
    )
    assert code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"bao-cao-dot-1.md", "bao-cao-dot-1.docx"}
    for p in out.iterdir():
        p.write_bytes(b"old")
    calls = {"n": 0}
    if fail_at == "temporary":
        real = files._temporary

        def full(path: Path, data: bytes) -> Path:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(28, "No space left on device")
            return real(path, data)

        monkeypatch.setattr(files, "_temporary", full)
    else:
        real_replace = os.replace

        def replace(src: Any, dst: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(13, "Permission denied")
            real_replace(src, dst)

        monkeypatch.setattr(files.os, "replace", replace)
    code, text = cli(
        "report", "--phase", "1", "--format", "all", "--out", str(out), "--data", str(DATA)
    )
    assert code == 1
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bao-cao-dot-1.docx", "bao-cao-dot-1.md"]  # no .tmp left behind
    text = " ".join(text.split())
    if fail_at == "temporary":
        assert "hết chỗ trên đĩa" in text and "Giữ nguyên như cũ" in text
        assert all(p.read_bytes() == b"old" for p in out.iterdir())
    else:
        assert "Đã thay" in text and "Giữ nguyên như cũ" in text
        assert sorted(p.read_bytes() == b"old" for p in out.iterdir()) == [False, True]


def test_duplicate_id_blames_the_file_added_later_in_git(cli: Run, tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    git(tmp_path, "init", "-q", "-b", "main")

    def commit(message: str, when: str) -> None:
        git(tmp_path, "add", "-A")
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=tmp_path, check=True, env=env)

    commit("init", "2026-01-01T00:00:00")
    copy = tmp_path / "data" / "units" / "a-ban-sao.yaml"
    shutil.copy(tmp_path / KTU, copy)
    commit("copy", "2026-02-01T00:00:00")
    os.utime(copy, (1_000_000, 1_000_000))  # older on disk, but newer in git: git decides
    code, out = cli("validate", "--format", "json", cwd=tmp_path)
    assert code == 1
    dup = [p for p in json.loads(out)["problems"] if p["code"] == "duplicate-unit-id"]
    assert [p["path"] for p in dup] == ["data/units/a-ban-sao.yaml"]
    assert KTU in dup[0]["message"]


def test_set_and_import_output_drops_terminal_sequences() -> None:
    """`set` and `import` print problems and file names through the same terminal escape as
    `validate` (they once escaped rich markup only, so an OSC link or a colour reached the
    terminal)."""
    from thidua_cli.audit.edit import Prepared
    from thidua_cli.formats.edit import print_form_problems, print_prepared
    from thidua_cli.formats.terminal import console

    hostile = "\x1b]8;;https://lừa.example\x07bấm\x1b]8;;\x07 \x1b[31mđỏ\u202e " + MARKUP
    q = error("data/units/x.yaml", (3, 5), "unknown-unit", hostile, hint=hostile)
    p = Prepared(Path("x.yaml"), "x.yaml" + hostile, "a", "a", problems=[q])
    buf = io.StringIO()
    out = console(buf)
    print_prepared(p, out, source="phieu\x1b[2J.xlsx")
    print_form_problems([q], out)
    text = buf.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert text.count("[reverse]đảo[/reverse]") == 4  # markup printed as typed
    assert "phieu.xlsx: lỗi [unknown-unit] bấm đỏ" in text


def test_problems_printed_in_batches_read_as_printed_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.console import Console

    from thidua_cli.formats import problems as fp
    from thidua_cli.problems import warning

    hostile = "Thôn [/] [bold]Đông[/bold] \x1b[31m«đỏ»\x1b[0m"
    found = [
        (error if n % 3 else warning)(
            f"data/units/thon-{n:03d}.yaml",
            (n + 1, 3),
            "missing-evidence" if n % 2 else "bad-value",
            f"{hostile} số {n}",
            f"Sửa {hostile}" if n % 5 else "",
        )
        for n in range(450)
    ]

    def printed(batch: int) -> str:
        monkeypatch.setattr(fp, "BATCH", batch)
        out = io.StringIO()
        fp.print_text(found, (450, 1), Console(file=out, force_terminal=True, width=100))
        return out.getvalue()

    one_by_one = printed(1)
    assert printed(200) == one_by_one
    assert "\x1b[31m" not in one_by_one and "[/]" in one_by_one  # escaped, not acted on
    assert one_by_one.count("\n") > 450 * 2 * 0.8  # problem lines and most hints


def test_errors_lost_among_many_warnings_get_a_way_to_see_them_alone() -> None:
    from rich.console import Console

    from thidua_cli.formats import problems as fp
    from thidua_cli.problems import warning

    def printed(warnings: int, errors: int) -> str:
        found = [
            warning(f"data/units/t-{n}.yaml", (1, 1), "missing-evidence", "Thiếu minh chứng.")
            for n in range(warnings)
        ] + [error("data/units/x.yaml", (2, 1), "bad-value", "Sai.", "Sửa.")] * errors
        out = io.StringIO()
        fp.print_text(found, (warnings + errors, 1), Console(file=out, width=200))
        return out.getvalue()

    hint = "thidua validate --errors-only"
    assert hint in printed(fp.MANY_WARNINGS + 1, 1)
    assert hint not in printed(fp.MANY_WARNINGS + 1, 0)  # nothing to find: no errors
    assert hint not in printed(fp.MANY_WARNINGS, 1)  # few enough to read

"""The secretary's text for a phase report: data/narrative/<year>/dot-<phase>.md.

A small Markdown subset, so that what is written is what is printed in both the Markdown and
the Word report: `## ` starts a standard section (matched by its title), `### ` a sub-heading
(Thuận lợi, Khó khăn), blank lines separate paragraphs, `- ` or `* ` starts a bullet, `1. ` a
numbered item, `**bold**` and `*italic*` mark words, a backslash keeps the next character as
it is (`\\*`), `<!-- … -->` is a comment that is never printed. Everything else is plain text:
the file is untrusted data, escaped by each output medium, never interpreted as markup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

# (id, title): the sections of a báo cáo sơ kết/tổng kết, in the order the report prints them
SECTIONS: tuple[tuple[str, str], ...] = (
    ("dac-diem", "Đặc điểm tình hình"),
    ("chi-dao", "Công tác chỉ đạo, phát động, đăng ký và ký giao ước thi đua"),
    ("ket-qua-noi-bat", "Kết quả nổi bật"),
    ("uu-diem", "Ưu điểm"),
    ("han-che", "Hạn chế, tồn tại"),
    ("nguyen-nhan", "Nguyên nhân"),
    ("bai-hoc", "Bài học kinh nghiệm"),
    ("phuong-huong", "Phương hướng, nhiệm vụ"),
    ("kien-nghi", "Đề xuất, kiến nghị"),
)
MAX_BYTES = 512 * 1024

BlockKind = Literal["para", "bullet", "number", "heading"]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    runs: tuple[Run, ...]
    number: str = ""  # "1." for a numbered item


@dataclass
class Narrative:
    path: Path
    sections: dict[str, list[Block]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # "## " headings that match no section
    removed: int = 0  # control or bidi characters dropped from the text
    # the mark of the figures the skeleton was drawn from (`report --init-narrative` writes
    # it), as written ("" when the line is there without one): when today's figures give
    # another mark, the text may quote figures now wrong
    figures: str | None = None
    skeleton: bool = False  # made by `report --init-narrative` (its first comment is there)
    # each section's lines as typed (stripped, comments and headings left out): to compare
    # with the sentences the data suggests today
    lines: dict[str, list[str]] = field(default_factory=dict)


# «<!-- thidua: số liệu 0123456789ab … -->»: written by the skeleton, read back here (a mark
# mistyped is read as it is, and so differs from every real one)
FIGURES_MARK = re.compile(r"<!--\s*thidua\s*:\s*số liệu\s*([^\s—<>-]*)", re.IGNORECASE)
SKELETON_MARK = "«thidua report --init-narrative» tạo"


def path_for(data_dir: Path, year: int | str, phase: int) -> Path:
    """data/narrative/2026/dot-1.md; a term plan's folder is its period, 2021-2025."""
    return data_dir / "narrative" / str(year) / f"dot-{phase}.md"


def _key(title: str) -> str:
    text = unicodedata.normalize("NFC", title).casefold()
    text = re.sub(r"^[ivx]+\.\s*|^\d+\.\s*", "", text)  # "III. Ưu điểm", "1. Ưu điểm"
    return re.sub(r"[^\w]+", " ", text).strip()


_BY_KEY = {_key(title): sid for sid, title in SECTIONS}


def section_of(heading: str) -> str | None:
    """The section a `## ` heading names: its title, or the start of it ("Hạn chế")."""
    key = _key(heading)
    if key in _BY_KEY:
        return _BY_KEY[key]
    for k, sid in _BY_KEY.items():
        if key and (k.startswith(key) or key.startswith(k)):
            return sid
    return None


def _clean(text: str) -> tuple[str, int]:
    """NFC text without control characters (except newline and tab) or bidi overrides."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept = [
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    ]
    return "".join(kept).replace("\t", " "), len(text) - len(kept)


_TOKEN = re.compile(r"\\(.)|(\*\*)|(\*)", re.S)


def inline(text: str) -> tuple[Run, ...]:
    """`**bold**`, `*italic*` and backslash escapes; a marker with no partner stays text."""
    parts: list[tuple[str, str]] = []  # ("text", s) or ("mark", "**"/"*")
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos : m.start()]))
        if m.group(1) is not None:
            parts.append(("text", m.group(1)))
        else:
            parts.append(("mark", m.group(2) or m.group(3)))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:]))
    for mark in ("**", "*"):  # an odd marker out: the last one is plain text
        where = [i for i, (k, v) in enumerate(parts) if k == "mark" and v == mark]
        if len(where) % 2:
            parts[where[-1]] = ("text", mark)
    runs: list[Run] = []
    bold = italic = False
    for kind, value in parts:
        if kind == "mark":
            if value == "**":
                bold = not bold
            else:
                italic = not italic
            continue
        if runs and (runs[-1].bold, runs[-1].italic) == (bold, italic):
            runs[-1] = Run(runs[-1].text + value, bold, italic)
        else:
            runs.append(Run(value, bold, italic))
    return tuple(r for r in runs if r.text)


_ITEM = re.compile(r"^\s{0,3}(?:([-*+])|(\d{1,3})[.)])\s+(.*)$")


def parse(text: str, path: Path) -> Narrative:
    text, removed = _clean(text)
    mark = FIGURES_MARK.search(text)
    out = Narrative(
        path,
        removed=removed,
        figures=mark.group(1).lower() if mark else None,
        skeleton=SKELETON_MARK in text,
    )
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    current: list[Block] | None = None
    typed: list[str] = []  # the current section's lines as typed
    buffer: list[str] = []
    item: tuple[BlockKind, str] | None = None

    def flush() -> None:
        nonlocal item
        if buffer and current is not None:
            joined = " ".join(s.strip() for s in buffer)
            kind, number = item or ("para", "")
            current.append(Block(kind, inline(joined), number))
        buffer.clear()
        item = None

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("## ") or stripped == "##":
            flush()
            title = stripped[2:].strip()
            sid = section_of(title)
            if sid is None:
                out.unknown.append(title)
                current, typed = None, []
            else:
                current = out.sections.setdefault(sid, [])
                typed = out.lines.setdefault(sid, [])
            continue
        if stripped.startswith("#"):  # "### Thuận lợi" (a "# title" line is dropped)
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            if level >= 3 and current is not None:
                current.append(Block("heading", inline(stripped[level:].strip())))
            continue
        if not stripped:
            flush()
            continue
        typed.append(stripped)
        m = _ITEM.match(line)
        if m:
            flush()
            item = ("bullet", "") if m.group(1) else ("number", f"{m.group(2)}.")
            buffer.append(m.group(3))
            continue
        buffer.append(stripped)
    flush()
    # a section with only sub-headings ("### Thuận lợi") is not written yet
    out.sections = {k: v for k, v in out.sections.items() if any(b.kind != "heading" for b in v)}
    return out


class NarrativeProblem(Exception):
    """The narrative file cannot be read (too big, not UTF-8, not a file)."""


def load(path: Path) -> Narrative | None:
    """The narrative at `path`, or None when there is none yet."""
    if not path.exists():
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NarrativeProblem(f"không đọc được {path}: {exc.strerror}.") from None
    if len(raw) > MAX_BYTES:
        raise NarrativeProblem(f"{path} lớn hơn {MAX_BYTES // 1024} KB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NarrativeProblem(
            f"{path} không phải văn bản UTF-8 (byte thứ {exc.start + 1}); lưu lại tệp với mã UTF-8."
        ) from None
    return parse(text, path)

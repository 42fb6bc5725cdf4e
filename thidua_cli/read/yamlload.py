"""Read one YAML file into plain values, keeping the line and column of every key and value.

The reading path is libyaml's composer (fast, keeps marks) plus our own constructor, so that
numbers become exact Decimals from their original text, duplicate keys are caught, and the
text a person typed ("10.900") is still known when we check for the Vietnamese thousands trap.
Nothing here raises on bad input: every defect becomes a Problem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from thidua_cli.problems import Problem, YamlPath, error, warning

try:  # libyaml is bundled in PyYAML wheels; fall back to the pure-Python parser if absent.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class _Loader(_Parser, yaml.resolver.BaseResolver):
    """libyaml's parser and composer with no implicit typing: every plain scalar keeps the
    tag "?" and its text, and `_Builder.scalar` decides what it is."""

    yaml_implicit_resolvers: dict[str, Any] = {}  # noqa: RUF012 (PyYAML's class attribute)

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.resolver.BaseResolver.__init__(self)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return "?"
        return str(
            self.DEFAULT_SCALAR_TAG
            if kind is yaml.ScalarNode
            else self.DEFAULT_SEQUENCE_TAG
            if kind is yaml.SequenceNode
            else self.DEFAULT_MAPPING_TAG
        )


MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_EXPONENT = 15  # numbers beyond 10^15 (or below 10^-15) are typing slips, not data

Pos = tuple[int, int]
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(\s|$)")
# "name: Làng #1": a plain value, then " #" glued to text, which YAML drops as a comment
_GLUED_COMMENT = re.compile(r"^\s*[^#\s\"'][^:#]*:\s+[^\s\"'#{\[|>][^#]*?\s(#\S.*)$")
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$", re.ASCII)


@dataclass
class Loaded:
    """A parsed file: its values and where each one stands (1-based line, column)."""

    path: str
    data: Any = None
    values: dict[YamlPath, Pos] = field(default_factory=dict)
    keys: dict[YamlPath, Pos] = field(default_factory=dict)
    thousands: dict[YamlPath, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # values already reported as wrong and replaced by a placeholder to check the rest
    broken: set[YamlPath] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.is_error for p in self.problems)

    def pos(self, ypath: YamlPath, *, key: bool = False) -> Pos:
        """Position of the deepest known node on `ypath` (the key itself when `key`)."""
        if key and ypath in self.keys:
            return self.keys[ypath]
        for n in range(len(ypath), -1, -1):
            found = self.values.get(ypath[:n])
            if found is not None:
                return found
        return (1, 1)


def _mark(m: yaml.Mark) -> Pos:
    return (m.line + 1, m.column + 1)  # libyaml marks are 0-based: the one place we add 1


def _guess_encoding(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:400]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if even.count(0) > len(even) * 0.4 or odd.count(0) > len(odd) * 0.4:
            return "UTF-16 (không có BOM)"
        return "nhị phân (không phải văn bản)"
    try:
        text = raw.decode("cp1258")
    except UnicodeDecodeError:
        return "không xác định"
    # TCVN3 (ABC) puts Vietnamese letters on bytes that cp1258 reads as ¸¹µ«¬ etc.
    if sum(text.count(c) for c in "¸¹µ¶·«¬®¦§¨") > sum(text.count(c) for c in "ÂÊÔâêôăđ"):
        return "TCVN3 (ABC)"
    return "Windows-1258"


def read_text_bytes(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """Bytes to NFC text (a UTF-8 BOM is accepted), or the reason why not."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        enc = _guess_encoding(raw)
        return None, [
            error(
                rel,
                (line, col),
                "not-utf8",
                f"Tệp không phải UTF-8; có vẻ là mã {enc}.",
                "Mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8 (Unicode).",
            )
        ]
    return unicodedata.normalize("NFC", text), []


def read_text(path: Path, rel: str, max_bytes: int = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """Bytes to NFC text, or the reason why not."""
    try:
        if path.is_dir():
            return None, [
                error(rel, (0, 0), "not-a-file", "Đây là một thư mục, không phải tệp YAML.")
            ]
        size = path.stat().st_size
        if size > max_bytes:
            return None, [
                error(
                    rel,
                    (0, 0),
                    "file-too-large",
                    f"Tệp quá lớn ({_thousands(size)} byte; giới hạn {_thousands(max_bytes)} "
                    "byte).",
                    "Một tệp đơn vị thường chỉ vài chục KB; hãy kiểm tra nội dung tệp.",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(rel, (0, 0), "file-unreadable", f"Không đọc được tệp: {exc.strerror}.")]
    return read_text_bytes(raw, rel)


# TCVN3 (ABC) text opened as Windows-1252 and saved as UTF-8 turns "Thôn" into "Th«n":
# characters that such mojibake is made of, and that real Vietnamese text never uses.
_TCVN3_MOJIBAKE = frozenset("¸¹µ¶·¨©ª«¬®ÌÍÎÏÐÑÒÓÔÕÖ×ØÜÝÞßãåæçèéêëìíîïóôõö÷øùúûüýþ")


_TCVN3_RE = re.compile("[" + re.escape("".join(sorted(_TCVN3_MOJIBAKE))) + "]")
_VIETNAMESE_RE = re.compile("[\u1ea0-\u1ef9]")  # letters with tone marks: real Vietnamese


def _looks_like_tcvn3(text: str) -> tuple[int, int] | None:
    """Position of the first mojibake character when the text reads as TCVN3 gone wrong."""
    hits = _TCVN3_RE.findall(text, 0, 100_000)
    if len(hits) < 3 or _VIETNAMESE_RE.search(text):
        return None
    first = text.index(hits[0])
    line = text.count("\n", 0, first) + 1
    return line, first - (text.rfind("\n", 0, first) + 1) + 1


def _prescan(text: str, rel: str) -> list[Problem]:
    """Conflict markers and tab indentation: clearer told directly than through a parser error."""
    problems: list[Problem] = []
    mojibake = _looks_like_tcvn3(text)
    if mojibake is not None:
        problems.append(
            error(
                rel,
                mojibake,
                "tcvn3-mojibake",
                "Chữ tiếng Việt bị lỗi mã: có vẻ là văn bản TCVN3 (ABC) bị lưu sai thành Unicode "
                "(ví dụ «Th«n» thay cho «Thôn»).",
                "Chuyển mã từ TCVN3 sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi "
                "lưu lại với bảng mã UTF-8.",
            )
        )
        return problems
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        if _CONFLICT.match(line):
            problems.append(
                error(
                    rel,
                    (n, 1),
                    "merge-conflict",
                    "Tệp còn dấu xung đột khi gộp (merge conflict) của git.",
                    "Giữ lại phiên bản đúng, xóa các dòng <<<<<<<, ======= và >>>>>>>.",
                )
            )
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                error(
                    rel,
                    (n, indent.index("\t") + 1),
                    "tab-indent",
                    "Dùng phím Tab để thụt đầu dòng; YAML chỉ chấp nhận dấu cách.",
                    _indent_hint(lines, n) + " " + AGAIN,
                )
            )
        glued = _GLUED_COMMENT.match(line)
        if glued:
            problems.append(
                warning(
                    rel,
                    (n, glued.start(1) + 1),
                    "comment-in-value",
                    f"Phần «{glued.group(1)}» bị YAML coi là chú thích và bỏ đi, không thuộc giá trị.",
                    "Nếu «#» là một phần của giá trị, đặt cả giá trị trong dấu nháy kép.",
                )
            )
    return problems


# a file that cannot be parsed is not checked further: say so, or its other mistakes surprise
AGAIN = "Sửa xong, chạy lại để thấy các lỗi khác (nếu có) của tệp."


def _indent_hint(lines: list[str], n: int) -> str:
    """How far line `n` should be indented, from the line above it: as deep as a field of the
    same level (one level deeper after «name:», past the «- » of a list item)."""
    for above in reversed(lines[: n - 1]):
        body = above.lstrip(" ")
        if not body.strip() or body.startswith("#"):
            continue
        if body.startswith("\t"):
            break  # the line above has a Tab too: its width cannot be told
        want = len(above) - len(body) + (2 if body.startswith("- ") else 0)
        want += 2 if body.rstrip().endswith(":") else 0
        return f"Xóa Tab, thụt lề bằng {want} dấu cách (như một trường cùng cấp với dòng trên)."
    return "Xóa Tab, thụt lề bằng dấu cách cho thẳng với các trường cùng cấp."


_SYNTAX_VI = {
    "mapping values are not allowed": "Dấu hai chấm ở vị trí không hợp lệ: giá trị có «: » cần đặt trong dấu nháy kép, hoặc dòng thụt lề sai.",
    "found character that cannot start any token": "Giá trị bắt đầu bằng ký tự đặc biệt (@, `, %, |, >…); hãy đặt cả giá trị trong dấu nháy kép.",
    "did not find expected alphabetic or numeric character": "Giá trị bắt đầu bằng «*» hoặc «&» (YAML hiểu là alias); hãy đặt cả giá trị trong dấu nháy kép.",
    "unacceptable character": "Tệp chứa ký tự điều khiển không hợp lệ (ví dụ ký tự NUL); có thể tệp bị hỏng hoặc không phải văn bản.",
    "while scanning a quoted scalar": "Dấu nháy mở ở đây chưa được đóng.",
    "while scanning a simple key": "Thiếu dấu hai chấm «:» sau tên trường.",
    "did not find expected node content": "Thiếu giá trị: sau «-», «[» hoặc «,» chưa có gì, hoặc ngoặc chưa đóng.",
    "could not find expected ':'": "Thiếu dấu hai chấm «:» sau tên trường.",
    "found character '\\t' that cannot start any token": "Có ký tự Tab; YAML chỉ chấp nhận dấu cách.",
    "did not find expected key": "Thụt lề không đều: dòng này không khớp với các trường cùng cấp.",
    "did not find expected '-' indicator": "Thụt lề không đều trong danh sách (dấu «-»).",
    "found undefined alias": "Dùng alias (*tên) chưa được định nghĩa.",
    "found unexpected end of stream": "Tệp kết thúc đột ngột (thiếu dấu nháy hoặc ngoặc đóng?).",
    "expected ',' or ']'": "Thiếu dấu «,» hoặc «]» trong danh sách viết trên một dòng.",
    "expected ',' or '}'": "Thiếu dấu «,» hoặc «}» trong bảng viết trên một dòng.",
    "found unknown escape character": "Ký tự thoát «\\» không hợp lệ trong chuỗi đặt trong nháy kép.",
    "block sequence entries are not allowed in this context": "Dấu «-» của danh sách đặt sai chỗ.",
}


def _syntax_problem(exc: yaml.YAMLError, rel: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    context = str(getattr(exc, "context", "") or "")
    if "quoted scalar" in context and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # type: ignore[attr-defined]  # where the quote was opened
        raw = context
    else:
        raw = str(getattr(exc, "problem", "") or exc)
    if mark is not None:
        pos = _mark(mark)
    elif isinstance(exc, yaml.reader.ReaderError):  # has a character offset, not a mark
        pos = (
            text.count("\n", 0, exc.position) + 1,
            exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1,
        )
    else:
        pos = (1, 1)
    msg = next((vi for en, vi in _SYNTAX_VI.items() if en in raw), None)
    return error(
        rel,
        pos,
        "yaml-syntax",
        msg or f"Lỗi cú pháp YAML: {raw}.",
        "Kiểm tra dòng này và dòng ngay trên nó: thụt lề, dấu «:», dấu nháy. " + AGAIN,
    )


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {
    w: v
    for v, words in (
        # YAML 1.2: only true/false. "yes", "có", "đạt" are read as booleans by the models
        # where a boolean is expected (read/types.BOOL_WORDS), and stay text elsewhere.
        (True, "true True TRUE"),
        (False, "false False FALSE"),
    )
    for w in words.split()
}
_NUMBER = re.compile(r"[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?", re.ASCII)
_SPECIAL = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_BASED = re.compile(r"[-+]?0(?:x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)")
_DATE = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d", re.ASCII)


class _Builder:
    """Turns a libyaml node tree into values, recording positions and suspicious scalars.

    Plain scalars are resolved here (null, bool, number, date) rather than by PyYAML's Python
    resolver: numbers become Decimals straight from their text, and it is several times faster.
    """

    def __init__(self, out: Loaded) -> None:
        self.out = out
        self.nodes = 0

    def build(self, node: yaml.Node, ypath: YamlPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _TooComplex(node)
        mark = node.start_mark
        self.out.values[ypath] = (mark.line + 1, mark.column + 1)  # see _mark
        if type(node) is yaml.ScalarNode:
            return self.scalar(node, ypath)
        if type(node) is yaml.SequenceNode:
            return [self.build(item, (*ypath, i), depth + 1) for i, item in enumerate(node.value)]
        result: dict[Any, Any] = {}
        keys = self.out.keys
        previous: yaml.Node | None = None
        for key_node, value_node in node.value:
            key_pos = _mark(key_node.start_mark)
            if getattr(node, "flow_style", False) and _comma_decimal(
                previous, key_node, value_node
            ):
                assert previous is not None
                typed = f"{previous.value},{key_node.value}"
                self.out.problems.append(
                    error(
                        self.out.path,
                        _mark(previous.start_mark),
                        "decimal-comma",
                        f"«{typed}» dùng dấu phẩy thập phân; trong {{…}} dấu phẩy ngăn cách các "
                        f"trường, nên YAML đọc thành {previous.value} và một trường «{key_node.value}».",
                        f"Viết {previous.value}.{key_node.value} (dấu chấm thập phân).",
                        ypath,
                    )
                )
                continue
            previous = value_node
            key = self.scalar(key_node, ypath) if type(key_node) is yaml.ScalarNode else None
            if isinstance(key, Decimal) and key.is_finite() and key == key.to_integral_value():
                key = int(key)
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.out.problems.append(
                    error(self.out.path, key_pos, "bad-key", "Tên trường phải là chữ hoặc số.")
                )
                continue
            at = (*ypath, key)
            if key in result:
                self.out.problems.append(
                    error(
                        self.out.path,
                        key_pos,
                        "duplicate-key",
                        f"Trường «{key}» bị lặp lại (đã có ở dòng {keys[at][0]}).",
                        "Xóa một trong hai, hoặc gộp nội dung lại; YAML chỉ giữ một giá trị.",
                        at,
                    )
                )
                continue
            keys[at] = key_pos
            result[key] = self.build(value_node, at, depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, ypath: YamlPath) -> Any:
        text = node.value
        if node.style or node.tag != "?":  # quoted, block, or explicitly tagged: text as is
            return text
        if text in _NULLS:
            return None
        flag = _BOOLS.get(text)
        if flag is not None:
            return flag
        first = text[0]
        if not text.isascii() and _other_digits(text):
            return self.foreign_digits(text, ypath)
        if first.isdigit() or first in "+-.":
            if _NUMBER.fullmatch(text):
                return self.number(text, ypath)
            if _DATE.fullmatch(text):
                y, m, d = (int(g) for g in _DATE.fullmatch(text).groups())  # type: ignore[union-attr]
                try:
                    return date(y, m, d)
                except ValueError:
                    return text  # "2026-02-31": the model says it is not a date
            if _DATETIME.match(text):
                try:
                    return datetime.fromisoformat(text)
                except ValueError:
                    return text
            if _SPECIAL.fullmatch(text):
                return self.not_a_number(text, ypath)
            if _BASED.fullmatch(text):
                return self.not_a_number(text, ypath)
        return text

    def number(self, text: str, ypath: YamlPath) -> Any:
        if "_" in text:  # YAML allows 10_900; a person typing it meant something else
            return self.not_a_number(text, ypath)
        clean = text
        if _THOUSANDS.match(clean):
            self.out.thousands[ypath] = text
        try:
            value = Decimal(clean)
        except InvalidOperation:
            return text
        # Every number the tool computes with is finite and of a sane size, so arithmetic and
        # rounding downstream can never overflow the decimal context.
        if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
            return self.not_a_number(text, ypath)
        return value

    def foreign_digits(self, text: str, ypath: YamlPath) -> None:
        self.out.problems.append(foreign_digits(self.out.path, self.out.values[ypath], text, ypath))

    def not_a_number(self, text: str, ypath: YamlPath) -> None:
        shown = text if len(text) <= 24 else text[:20] + "…"
        self.out.problems.append(
            error(
                self.out.path,
                self.out.values[ypath],
                "number-out-of-bounds",
                f"Số «{shown}» không dùng được: quá lớn, quá nhỏ, không phải số hữu hạn, hoặc viết "
                "theo dạng lạ (hệ 16, có dấu gạch dưới).",
                f"Số hợp lệ có giá trị tuyệt đối từ 10^-{MAX_EXPONENT} đến dưới "
                f"10^{MAX_EXPONENT + 1}.",
                ypath,
            )
        )
        return None


def _other_digits(text: str) -> bool:
    """A number or date typed with digits of another script (Arabic-Indic, full-width…)."""
    if not any(c.isdigit() and not c.isascii() for c in text):
        return False
    ascii_text = "".join(str(unicodedata.digit(c, c)) if c.isdigit() else c for c in text)
    return bool(_NUMBER.fullmatch(ascii_text) or _DATE.fullmatch(ascii_text))


def _comma_decimal(previous: yaml.Node | None, key: yaml.Node, value: yaml.Node) -> bool:
    """`{value: 6,5}`: a number, then a bare run of digits read as a key with no value."""
    return (
        type(previous) is yaml.ScalarNode
        and not previous.style
        and bool(_NUMBER.fullmatch(previous.value))
        and type(key) is yaml.ScalarNode
        and not key.style
        and key.value.isdigit()
        and type(value) is yaml.ScalarNode
        and value.value == ""
        and not value.style
    )


def foreign_digits(rel: str, pos: Pos, text: str, ypath: YamlPath = ()) -> Problem:
    """A number written with digits that only look like 0–9 ("1٠0" reads as 100, not 1.0)."""
    odd = next(c for c in text if c.isdigit() and not c.isascii())
    name = unicodedata.name(odd, "").lower()
    return error(
        rel,
        pos,
        "non-ascii-digit",
        f"«{text[:24]}» có chữ số không phải 0–9 (ký tự U+{ord(odd):04X} {name}).",
        "Gõ lại con số bằng các phím số 0–9 (tắt bàn phím tiếng Ả Rập, chế độ toàn khổ…); "
        "dấu thập phân là dấu chấm.",
        ypath,
    )


class _TooComplex(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def parse(text: str, rel: str) -> Loaded:
    """Parse NFC text; every defect becomes a Problem on the result."""
    out = Loaded(rel)
    out.problems.extend(_prescan(text, rel))
    if any(p.is_error for p in out.problems):
        return out
    try:
        node = _Loader(text).get_single_node()
    except yaml.YAMLError as exc:
        out.problems.append(_syntax_problem(exc, rel, text))
        return out
    except RecursionError:
        out.problems.append(error(rel, (1, 1), "yaml-too-deep", "Cấu trúc lồng nhau quá sâu."))
        return out
    if node is None:
        out.problems.append(
            error(
                rel,
                (1, 1),
                "empty-file",
                "Tệp rỗng.",
                "Chép một tệp đơn vị mẫu (docs/unit-file-example.yaml) rồi sửa.",
            )
        )
        return out
    try:
        out.data = _Builder(out).build(node, (), 0)
    except _TooComplex as exc:
        out.problems.append(
            error(
                rel,
                _mark(exc.node.start_mark),
                "yaml-too-complex",
                "Tệp quá phức tạp (lồng quá sâu hoặc alias nhân bản quá nhiều nút).",
                f"Giới hạn: {MAX_DEPTH} cấp lồng; {_thousands(MAX_NODES)} nút.",
            )
        )
        out.data = None
    return out


def load(path: Path, rel: str, max_bytes: int = MAX_BYTES) -> Loaded:
    text, problems = read_text(path, rel, max_bytes)
    if text is None:
        return Loaded(rel, problems=problems)
    return parse(text, rel)


def load_bytes(raw: bytes, rel: str) -> Loaded:
    """Parse a file already read (to hash it for the cache, say)."""
    text, problems = read_text_bytes(raw, rel)
    if text is None:
        return Loaded(rel, problems=problems)
    return parse(text, rel)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")

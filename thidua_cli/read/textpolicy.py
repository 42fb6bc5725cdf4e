"""The one text policy for every string in a data file, checked at reading with line and column.

Data files come from outside the office, so their text is untrusted. What a person cannot see
or that changes what another program does with the text is refused here, once, so that no
output has to guess: control characters (a BEL becomes a paragraph break in Word, a NUL
disappears), bidi overrides (text that reads differently than it is stored), zero-width
characters in names (two names that look identical), text garbled by an old Vietnamese
encoding (TCVN3, VNI), and text too long for a report.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.models import Limits
from thidua_cli.read.yamlload import Loaded

# Free text may span lines: newline and tab are allowed there, nowhere else.
FREE_TEXT = frozenset({"note", "reason"})
# Names that identify something and are printed as such: no invisible characters, a short limit.
NAMES = frozenset(
    {"name", "title", "person", "mentor", "by", "authority", "full_name", "parent", "place"}
)


DEFAULT = Limits()  # the catalogue's `limits` may change them

# Characters a text must never hold: C0 and C1 controls, DEL, surrogates, non-characters and
# everything XML 1.0 (so Word) cannot hold. Newline and tab are handled by the field kind.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# Bidi embeddings, overrides, isolates and marks: the text would read differently than stored.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zero-width and invisible formatting characters: two names that look the same would differ.
_INVISIBLE = re.compile("[\u00ad\u034f\u115f\u1160\u180e\u200b-\u200d\u2060-\u2064\ufeff]")
# TCVN3 (ABC) read as Windows-1252: bytes of Vietnamese letters become these, which no
# Vietnamese text uses (see yamlload for the whole-file check).
_TCVN3 = frozenset("¸¹µ¶·¨ª¬®§¦¼½¾¿ÆÇËÐ×ØÞßæçëïñ÷øûüþ")
_TCVN3_QUOTES = frozenset("«»")  # "ô" and "ơ" in TCVN3; real quotes when not inside a word
# VNI read as Windows-1252: a base vowel then the tone byte ("Vieät", "Ñoaøn").
_VNI = re.compile(r"[aeiouyAEIOUY][øûïäåëö]|[Ññ][aeiouyAEIOUYoâ]")

_GARBLE_ANY = re.compile(
    "[" + re.escape("".join(sorted(_TCVN3 | _TCVN3_QUOTES))) + "]|" + _VNI.pattern
)

# One pass over the text finds whether any rule below could apply (most text: none).
_SUSPECT = re.compile(
    "|".join((_CONTROL.pattern, _BIDI.pattern, _INVISIBLE.pattern, "[\n\t]", _GARBLE_ANY.pattern))
)


def _char(c: str) -> str:
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f" {name}" if name else "")


def garbled(text: str) -> bool:
    """Does this one value read as TCVN3 or VNI text saved as Unicode by mistake?"""
    hits = 0
    for i, c in enumerate(text):
        before = text[i - 1].isalpha() if i > 0 else False
        after = text[i + 1].isalpha() if i + 1 < len(text) else False
        if (c in _TCVN3 and (before or after)) or (c in _TCVN3_QUOTES and before and after):
            hits += 1
    hits += len(_VNI.findall(text))
    return hits >= 2


def check_text(text: str, kind: str, limits: Limits = DEFAULT) -> tuple[str, str, str] | None:
    """The first rule `text` breaks, as (code, message, hint); None when it is fine.
    `kind` is "id", "name", "note" (free text) or "text".
    """
    limit = getattr(limits, kind)
    if not _SUSPECT.search(text):  # the usual case: nothing below can apply
        return _too_long(text, limit)
    allowed = kind == "note"
    found = _CONTROL.search(text)
    bad = found.group() if found else None
    if bad is None and not allowed:  # a block scalar (`>`) ends with one newline: not typed
        bad = next((c for c in text.removesuffix("\n") if c in "\n\t"), None)
    if bad is not None:
        return (
            "control-character",
            f"Chữ có ký tự điều khiển {_char(bad)}"
            + ("." if allowed else " (xuống dòng, Tab… chỉ được dùng trong ghi chú)."),
            "Xóa ký tự này (thường do chép từ phần mềm khác hoặc viết «\\…» trong dấu nháy "
            "kép); Word sẽ biến nó thành ngắt trang hoặc bỏ đi, báo cáo sẽ khác dữ liệu.",
        )
    hidden = _BIDI.search(text) or (_INVISIBLE.search(text) if kind != "note" else None)
    if hidden is not None:
        return (
            "invisible-character",
            f"Chữ có ký tự ẩn {_char(hidden.group())} ở vị trí {hidden.start() + 1}: "
            "nhìn không thấy nhưng làm chữ đọc khác đi hoặc làm hai tên giống hệt nhau mà khác.",
            "Gõ lại giá trị này bằng bàn phím, không chép từ trang web hay tin nhắn.",
        )
    if _GARBLE_ANY.search(text) and garbled(text):
        return (
            "garbled-text",
            f"Chữ «{text[:40]}» bị lỗi mã: có vẻ là chữ TCVN3 (ABC) hoặc VNI bị lưu sai "
            "thành Unicode.",
            "Chuyển mã sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi gõ lại "
            "giá trị này.",
        )
    return _too_long(text, limit)


def _too_long(text: str, limit: int) -> tuple[str, str, str] | None:
    if len(text) > limit:
        return (
            "text-too-long",
            f"Chữ dài {len(text)} ký tự; giới hạn cho trường này là {limit} ký tự.",
            "Viết ngắn lại; giới hạn đổi được trong data/indicators.yaml, mục «limits».",
        )
    return None


def _kind(name: object) -> str:
    """The kind of text a value under the key `name` holds (see check_text)."""
    if name in FREE_TEXT:
        return "note"
    if name == "id":
        return "id"
    return "name" if name in NAMES else "text"


def check(f: Loaded, limits: Limits = DEFAULT) -> list[Problem]:
    """Every string value and key of a parsed file against the policy, one problem per string."""
    out: list[Problem] = []

    def report(text: str, kind: str, ypath: YamlPath, key: bool) -> None:
        found = check_text(text, kind, limits)
        if found is not None:
            code, message, hint = found
            out.append(error(f.path, f.pos(ypath, key=key), code, message, hint, ypath))

    def walk(data: Any, ypath: YamlPath, kind: str) -> None:
        if isinstance(data, str):
            if not (kind != "note" and _FINE.fullmatch(data) and len(data) <= limits.id):
                report(data, kind, ypath, False)
        elif isinstance(data, dict):
            for k, v in data.items():
                at = (*ypath, k)
                if isinstance(k, str):
                    if not (_FINE.fullmatch(k) and len(k) <= limits.id):
                        report(k, "id", at, True)
                    walk(v, at, _kind(k))
                else:
                    walk(v, at, kind)
        elif isinstance(data, list):
            for i, v in enumerate(data):
                walk(v, (*ypath, i), kind)

    if f.data is not None:
        walk(f.data, (), "text")
    return out


# Text made only of printable ASCII is within every rule but the length: checked in one step.
_FINE = re.compile(r"[ -~]*")


# Letters from other scripts that look like Latin ones, and the Latin letter they pass for.
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁԛԝӏ", "aeopcyxijsdqwl", strict=True)),  # Cyrillic lower
        **dict(zip("АВЕКМНОРСТХІЈЅ", "abekmhopctxijs", strict=True)),  # Cyrillic upper
        **dict(zip("αορτυνικχ", "aoptuvikx", strict=True)),  # Greek lower
        **dict(zip("ΑΒΕΗΙΚΜΝΟΡΤΥΧΖ", "abehikmnoptyxz", strict=True)),  # Greek upper
    }
)


def fold(name: str) -> str:
    """A key under which names that look alike collide: NFKC, invisible characters removed,
    Cyrillic and Greek look-alikes mapped to Latin, case and spacing ignored."""
    text = unicodedata.normalize("NFKC", name)
    text = _INVISIBLE.sub("", _BIDI.sub("", text)).translate(_CONFUSABLES)
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.split())

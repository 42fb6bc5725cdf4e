"""Write the shipped sample unit files (data/units/) and their evidence files (data/evidence/).

Run from the repository root: `python scripts/make_sample_data.py`. Standard library only.

The output is byte-identical on every run: one seeded random.Random drawn in a fixed order,
fixed rosters, no clock. YAML is written by hand, in the style of docs/unit-file-example.yaml,
so that the files read like something an office clerk typed. Every file says it is sample data.

Before writing, the script deletes the files it generated earlier (recognised by the
GENERATED marker), so that a renamed unit leaves nothing stale behind; files written by hand
are left alone. At the end it prints the commune totals next to the catalogue's targets.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "data" / "indicators.yaml"
UNITS_DIR = ROOT / "data" / "units"
EVIDENCE_DIR = ROOT / "data" / "evidence"
SEED = 2026

MARK = "# DỮ LIỆU MẪU — số liệu minh họa, không phải số liệu thật của đơn vị."
GENERATED = "# Sinh bởi scripts/make_sample_data.py; chạy lại script sẽ ghi đè tệp này."
HEADER = [
    "# yaml-language-server: $schema=../../schemas/unit.schema.json",
    MARK,
    "# Tệp đơn vị thi đua. Số viết không có dấu ngăn cách hàng nghìn, dấu thập phân là dấu chấm.",
    GENERATED,
]
EVIDENCE_MARK = "<!-- Sinh bởi scripts/make_sample_data.py; chạy lại script sẽ ghi đè tệp này. -->"

PHASE1_DUE = date(2026, 6, 30)

# --- the catalogue, read just enough to stay in step with it ---------------------------------


@dataclass
class Ind:
    code: str
    name: str
    unit: str
    kind: str
    aggregation: str
    owner: str | None
    applies_to: list[str]
    cumulative: bool
    target: Decimal | None
    lower_is_better: bool


def read_catalogue(path: Path) -> dict[str, Ind]:
    """Indicators in catalogue order, from the regular layout of indicators.yaml (no YAML lib)."""
    raw: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("indicators:"):
            inside = True
            continue
        if not inside:
            continue
        if line and not line.startswith((" ", "#")):
            break
        m = re.match(r"^  - code: (\S+)\s*$", line)
        if m:
            current = raw.setdefault(m[1], {})
            continue
        m = re.match(r"^    (\w+): (.+?)\s*$", line)
        if m and current is not None:
            current[m[1]] = m[2]
    out: dict[str, Ind] = {}
    for code, f in raw.items():
        applies = f.get("applies_to", "[]").strip("[]")
        out[code] = Ind(
            code=code,
            name=f.get("name", code),
            unit=f.get("unit", "").strip('"'),
            kind=f["kind"],
            aggregation=f["aggregation"],
            owner=f.get("owner"),
            applies_to=[a.strip() for a in applies.split(",") if a.strip()],
            cumulative=f.get("cumulative") == "true",
            target=Decimal(f["target"]) if "target" in f else None,
            lower_is_better=f.get("comparator", "").strip('"') == "<=",
        )
    if len(out) < 10:
        sys.exit(f"{path}: không đọc được danh mục chỉ tiêu")
    return out


# --- numbers and text ------------------------------------------------------------------------


def dec(x: float, places: int) -> Decimal:
    """Round half up to `places` decimals, from the float's shortest repr (deterministic)."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def pct(num: Decimal | int, den: Decimal | int, places: int = 2) -> Decimal:
    return (Decimal(num) * 100 / Decimal(den)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def step(x: float, unit: float) -> Decimal:
    """Round to a multiple of `unit` (5 t, 0.5 ha, 50 head)."""
    return dec(round(x / unit) * unit, 1 if unit < 1 else 0)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to exactly `total` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    base = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def fmt_num(v: Decimal | int) -> str:
    if isinstance(v, int):
        return str(v)
    if v == v.to_integral_value():
        return str(int(v))
    return format(v.normalize(), "f")


def vn_num(v: Decimal | int) -> str:
    """Vietnamese display: 10.900 and 6,39 (for the evidence prose, never for YAML values)."""
    s = fmt_num(v)
    whole, _, frac = s.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def vn_date(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def slugify(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def abbreviation(name: str, drop: tuple[str, ...] = ()) -> str:
    """Initials for document numbers: «Làng Kon Ktu» → LKK, «Trường THCS Ngọc Liên» → THCSNL."""
    out = []
    for word in name.split():
        if word in drop:
            continue
        if len(word) > 1 and word.isupper():
            out.append(word)
            continue
        first = word[0].upper()
        if first != "Đ":
            first = "".join(
                c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c)
            )
        out.append(first)
    return "".join(out)


_RESERVED = {"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def q(s: str, flow: bool = False) -> str:
    """A string as a YAML scalar: plain when YAML reads it back as the same string, else quoted."""
    s = unicodedata.normalize("NFC", s)
    plain = (
        s == s.strip()
        and s[:1].isalpha()  # starts with a letter: no indicator, number, date or bool
        and s.lower() not in _RESERVED
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and "\n" not in s
        and not (flow and any(c in s for c in ",[]{}:"))
    )
    if plain:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yv(v: Any, flow: bool = False) -> str:
    """One value in YAML; dicts become flow mappings."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | Decimal):
        return fmt_num(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return q(v, flow)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {yv(x, True)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {v!r}")


# --- the units ------------------------------------------------------------------------------


@dataclass
class Exemplar:
    id: str
    title: str
    field: str
    registered: date
    mentor: str
    status: str
    collective: bool = True
    person: str | None = None
    visits: list[dict[str, Any]] = dc_field(default_factory=list)
    recognised: date | None = None
    decision: str | None = None


@dataclass
class Report:
    submitted: date
    estimate: bool
    document: str
    self_score: Decimal | None
    values: dict[str, dict[str, Any]]


@dataclass
class Unit:
    id: str
    name: str
    kind: str
    bloc: str
    abbr: str
    head_name: str
    head_title: str
    reg_date: date | None = None
    reg_document: str | None = None
    targets: dict[str, Any] = dc_field(default_factory=dict)
    phase_targets: dict[str, Any] = dc_field(default_factory=dict)
    pact: tuple[date, str | None] | None = None
    report: Report | None = None
    exemplars: list[Exemplar] = dc_field(default_factory=list)
    registered: bool = True


VILLAGES = [
    "Làng Kon Ktu", "Làng Đăk Rơ Wa", "Làng Kon Klor", "Làng Kon Rờ Bàng", "Làng Plei Đôn",
    "Làng Plei Rơ Wai", "Làng Kon Jơ Ri", "Làng Kon Hra Chót", "Làng Đăk Wơk",
    "Làng Kon Mơ Nay Kơ Tu", "Làng Plei Groi", "Làng Đăk Kơ Đem", "Làng Kon Stiêu",
    "Làng Kon Gu", "Làng Plei Kơ Bei", "Làng Đăk Hway", "Làng Kon Sơ Lăng", "Làng Kon Brăp Ju",
    "Làng Plei Tơ Nghia", "Làng Đăk Tăng", "Làng Kon Tum Kơ Nâm", "Làng Plei Weh",
    "Làng Kon Rơ Wang", "Làng Đăk Năng",
    "Thôn Tân Lập", "Thôn Tân Hòa", "Thôn Quyết Thắng", "Thôn Trung Thành", "Thôn Thống Nhất",
    "Thôn Hòa Bình", "Thôn Phú Yên", "Thôn Thanh Trung", "Thôn Tân An", "Thôn Thanh Xuân",
    "Thôn Nghĩa An", "Thôn Đoàn Kết", "Thôn Vinh Quang", "Thôn Tân Hương", "Thôn Kim Bình",
    "Thôn Thắng Lợi", "Thôn Ngọc Sơn",
]  # fmt: skip

AGENCIES = [  # id, name, head's title, document code
    ("van-phong-hdnd-ubnd", "Văn phòng HĐND và UBND xã", "Chánh Văn phòng", "VP"),
    ("phong-kinh-te", "Phòng Kinh tế", "Trưởng phòng", "PKT"),
    ("phong-van-hoa-xa-hoi", "Phòng Văn hóa - Xã hội", "Trưởng phòng", "VHXH"),
    ("trung-tam-phuc-vu-hanh-chinh-cong", "Trung tâm Phục vụ hành chính công", "Giám đốc",
     "TTPVHCC"),
    ("trung-tam-cung-ung-dich-vu-cong", "Trung tâm Cung ứng dịch vụ công", "Giám đốc", "TTDVC"),
    ("cong-an-xa", "Công an xã", "Trưởng Công an xã", "CAX"),
    ("ban-chi-huy-quan-su", "Ban Chỉ huy Quân sự xã", "Chỉ huy trưởng", "BCHQS"),
    ("tram-y-te", "Trạm Y tế xã", "Trạm trưởng", "TYT"),
]  # fmt: skip

# Agencies that own no indicator register the staff rate of the digital-skills indicators.
AGENCY_EXTRA = {
    "phong-van-hoa-xa-hoi": ["BS04", "BS16"],
    "trung-tam-cung-ung-dich-vu-cong": ["BS04", "BS12"],
    "ban-chi-huy-quan-su": ["BS04", "BS12"],
}

MASS_ORGS = [  # id, name, head's title, document code, members, indicators
    ("uy-ban-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam xã", "Chủ tịch", "MTTQ", 57,
     ["BS14", "BS16"]),
    ("hoi-nong-dan", "Hội Nông dân xã", "Chủ tịch", "HND", 2864, ["CT14", "CT19", "BS12"]),
    ("hoi-lien-hiep-phu-nu", "Hội Liên hiệp Phụ nữ xã", "Chủ tịch", "HLHPN", 3152,
     ["CT14", "CT19", "BS12", "BS14"]),
    ("doan-thanh-nien", "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã", "Bí thư Đoàn xã", "ĐTN",
     1238, ["CT14", "BS14", "BS16"]),
    ("hoi-cuu-chien-binh", "Hội Cựu chiến binh xã", "Chủ tịch", "CCB", 316,
     ["CT14", "CT19", "BS14"]),
]  # fmt: skip

SCHOOLS = [
    "Trường Mầm non Hoa Sen", "Trường Mầm non Họa Mi", "Trường Mầm non Sơn Ca",
    "Trường Mầm non Hoa Hồng", "Trường Mầm non Tuổi Thơ", "Trường Tiểu học Ngọc Liên",
    "Trường Tiểu học Nguyễn Văn Trỗi", "Trường Tiểu học Lê Văn Tám", "Trường Tiểu học Kim Đồng",
    "Trường Tiểu học Võ Thị Sáu", "Trường PTDTBT Tiểu học Kon Klor", "Trường THCS Ngọc Liên",
    "Trường THCS Lý Tự Trọng", "Trường THCS Nguyễn Du", "Trường PTDTBT THCS Đăk Rơ Wa",
]  # fmt: skip

VILLAGE_CODES = [
    "CT03", "CT04", "CT04.1", "CT06", "CT07", "CT10", "CT11", "CT12", "CT14", "CT16", "CT17",
    "CT18", "CT19", "CT22", "CT22.1", "CT23",
]  # fmt: skip

# Owner indicators: (low, high, decimals) of the phase-1 value; cumulative ones also carry a
# phase-1 checkpoint target. BS02 is the one boolean.
OWNER_SPECS: dict[str, tuple[float, float, int]] = {
    "CT01": (6.0, 6.9, 2), "CT02": (70, 74.5, 1), "CT05": (166, 180, 1), "CT08": (26, 34, 1),
    "CT09": (5, 8.5, 2), "CT13": (93, 97.5, 2), "CT20": (26.4, 26.95, 2), "CT21": (84, 89.5, 1),
    "BS01": (42, 60, 0), "BS03": (28, 45, 1), "BS05": (74, 86, 1), "BS06": (12, 18, 1),
    "BS07": (5, 10, 0), "BS08": (87, 97, 1), "BS09": (83, 93, 1), "BS10": (76, 86, 1),
    "BS11": (93.5, 99, 1), "BS12": (82, 91, 1), "BS13": (45, 56, 1), "BS14": (62, 76, 1),
    "BS15": (86, 94, 1), "BS16": (32, 41, 1),
}  # fmt: skip
COMMUNE_STAFF = 46
OWNER_PHASE1 = {"CT08": Decimal(30), "BS01": Decimal(50), "BS07": Decimal(7)}
OWNER_EVIDENCE = {
    "CT01": "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm 2026",
    "CT02": "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm 2026",
    "CT05": "Bảng tính giá trị sản xuất ngành trồng trọt và thủy sản 6 tháng",
    "CT08": "Báo cáo giải ngân vốn đầu tư công đến ngày 15/6/2026",
    "CT09": "Báo cáo thu chi ngân sách 6 tháng đầu năm 2026",
    "CT13": "Sổ tiêm chủng mở rộng tháng 6/2026",
    "CT20": "Số liệu theo dõi diễn biến rừng của Hạt Kiểm lâm",
    "CT21": "Báo cáo công tác thu gom rác thải sinh hoạt quý II/2026",
    "BS01": "Sổ theo dõi cấp giấy chứng nhận quyền sử dụng đất",
    "BS02": "Báo cáo công tác phòng chống ma túy 6 tháng đầu năm 2026",
    "BS03": "Số liệu phủ sóng của các nhà mạng tháng 5/2026",
    "BS04": "Danh sách cán bộ công chức đã được bồi dưỡng kỹ năng số",
    "BS05": "Báo cáo chuyển đổi số 6 tháng đầu năm 2026",
    "BS06": "Phiếu khảo sát doanh nghiệp tháng 5/2026",
    "BS07": "Danh sách đơn đăng ký sở hữu trí tuệ đã nộp",
    "BS08": "Báo cáo số hóa hồ sơ thủ tục hành chính tháng 6/2026",
    "BS09": "https://dichvucong.gov.vn",
    "BS10": "https://dichvucong.gov.vn",
    "BS11": "Kết quả khảo sát mức độ hài lòng quý II/2026",
    "BS12": "Số liệu tài khoản thanh toán do Ngân hàng Chính sách xã hội cung cấp",
    "BS13": "Phiếu khảo sát doanh nghiệp tháng 5/2026",
    "BS14": "Số liệu kích hoạt tài khoản VNeID tháng 6/2026",
    "BS15": "Số liệu hồ sơ sức khỏe điện tử tháng 6/2026",
    "BS16": "Danh sách người được cấp chữ ký số tháng 6/2026",
}

# code: (document text, evidence-file title, evidence-file slug)
VILLAGE_EVIDENCE = {
    "CT03": ("Báo cáo thống kê sản lượng vụ Đông Xuân số {n}/BC-{abbr}",
             "Biên bản thống kê sản lượng lương thực vụ Đông Xuân", "san-luong-luong-thuc"),
    "CT04": ("Biên bản xác nhận diện tích đất tích tụ ngày {d}",
             "Biên bản xác nhận diện tích đất tích tụ, tập trung", "tich-tu-dat"),
    "CT04.1": ("Danh sách hộ sản xuất ứng dụng công nghệ cao ngày {d}",
               "Danh sách diện tích sản xuất ứng dụng công nghệ cao", "cong-nghe-cao"),
    "CT06": ("Sổ theo dõi chăn nuôi tháng 6/2026",
             "Bảng tổng hợp đàn gia súc, gia cầm tháng 6/2026", "dan-gia-suc-gia-cam"),
    "CT07": ("Sổ theo dõi sản lượng thủy sản 6 tháng đầu năm 2026",
             "Bảng tổng hợp sản lượng nuôi trồng, khai thác thủy sản", "san-luong-thuy-san"),
    "CT10": ("Giấy chứng nhận đăng ký doanh nghiệp do Sở Tài chính cấp",
             "Danh sách doanh nghiệp thành lập mới trên địa bàn", "doanh-nghiep-moi"),
    "CT11": ("Biên bản kiểm tra hiện trạng đường giao thông ngày {d}",
             "Biên bản kiểm tra hiện trạng đường giao thông", "giao-thong"),
    "CT12": ("Báo cáo biến động dân số 6 tháng đầu năm 2026",
             "Bảng theo dõi biến động dân số 6 tháng đầu năm", "bien-dong-dan-so"),
    "CT14": ("Danh sách tham gia BHYT do BHXH cung cấp tháng 6/2026",
             "Danh sách người tham gia bảo hiểm y tế", "bao-hiem-y-te"),
    "CT16": ("Phiếu rà soát lao động việc làm tháng 5/2026",
             "Bảng tổng hợp lao động theo ngành nghề", "lao-dong"),
    "CT17": ("Biên bản rà soát nhà ở ngày {d}",
             "Biên bản rà soát nhà ở hộ gia đình", "nha-o"),
    "CT18": ("Danh sách hộ nghèo rà soát 6 tháng đầu năm 2026",
             "Danh sách hộ nghèo, hộ cận nghèo rà soát giữa năm", "ho-ngheo"),
    "CT19": ("Biên bản bình xét gia đình văn hóa ngày {d}",
             "Biên bản họp bình xét gia đình văn hóa", "gia-dinh-van-hoa"),
    "CT22": ("Phiếu điều tra nguồn nước sinh hoạt ngày {d}",
             "Bảng tổng hợp nguồn nước sinh hoạt hợp vệ sinh", "nuoc-hop-ve-sinh"),
    "CT22.1": ("Phiếu điều tra nguồn nước sinh hoạt ngày {d}",
               "Bảng tổng hợp hộ dùng nước sạch", "nuoc-sach"),
    "CT23": ("Biên bản đánh giá khu dân cư an toàn về an ninh trật tự của Công an xã",
             "Biên bản đánh giá khu dân cư an toàn về an ninh trật tự", "an-ninh-trat-tu"),
}  # fmt: skip

KINH_SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Võ",
    "Phan",
    "Huỳnh",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
    "Đinh",
    "Lý",
    "Trương",
]
KINH_MALE = [
    "Văn Hùng",
    "Văn Thắng",
    "Đức Dũng",
    "Minh Hải",
    "Quốc Tuấn",
    "Văn Long",
    "Hữu Sơn",
    "Văn Bình",
    "Xuân Quang",
    "Đức Phúc",
    "Văn Toàn",
    "Hữu Lực",
    "Minh Tâm",
    "Công Thành",
    "Văn Hòa",
    "Quang Huy",
]
KINH_FEMALE = [
    "Thị Lan",
    "Thị Hoa",
    "Thị Mai",
    "Thị Hương",
    "Thị Hạnh",
    "Thị Nga",
    "Thị Thủy",
    "Thị Yến",
    "Thị Thu Trang",
    "Thị Hà",
    "Thị Kim Oanh",
    "Ngọc Anh",
    "Thị Hồng Nhung",
    "Thị Phương",
    "Thị Bích Ngọc",
    "Thị Tuyết",
]
ETHNIC = [
    "A Thuk",
    "A Rưng",
    "A Huynh",
    "A Đôn",
    "A Kiên",
    "A Bền",
    "A Thái",
    "A Hyên",
    "A Sang",
    "Y Blan",
    "Y Bâu",
    "Y Ngọc",
    "Rơ Châm Thoan",
    "Ksor Phiên",
    "Siu Hyưh",
    "Rơ Mah Dôn",
    "Kpă Blin",
    "Đinh Văn Ngơn",
    "A Mưk",
    "A Pếp",
    "A Dũi",
    "A Tuyên",
    "Y Lan",
    "A Brôl",
    "A Điệp",
    "Y Khuyên",
]

VISIT_NOTES = [
    "Kiểm tra mô hình, đề nghị mở rộng quy mô",
    "Hướng dẫn hoàn thiện sổ sách theo dõi",
    "Mô hình hoạt động ổn định, có hiệu quả",
    "Làm việc với tập thể, ghi nhận cách làm hay",
    "Đề nghị bổ sung minh chứng kết quả",
    None,
]

EXEMPLARS: list[dict[str, Any]] = [
    {"unit": "lang-kon-ktu", "slug": "to-rau-an-toan", "field": "nong-nghiep",
     "title": "Tổ hợp tác trồng rau an toàn làng Kon Ktu",
     "mentor": "Trần Thị Bình, công chức Phòng Kinh tế", "status": "recognised"},
    {"unit": "lang-dak-wok", "slug": "ca-long-ho-thuy-loi", "field": "nong-nghiep",
     "title": "Mô hình nuôi cá lồng trên hồ thủy lợi Đăk Wơk",
     "mentor": "Trần Thị Bình, công chức Phòng Kinh tế", "status": "cultivated"},
    {"unit": "thon-tan-lap", "slug": "htx-dich-vu-nong-nghiep", "field": "kinh-te-dich-vu",
     "title": "Hợp tác xã dịch vụ nông nghiệp Tân Lập",
     "mentor": "Lê Quang Vinh, Phó Trưởng phòng Kinh tế", "status": "commended"},
    {"unit": "lang-dak-ro-wa", "slug": "doi-cong-chieng", "field": "van-hoa-xa-hoi",
     "title": "Đội cồng chiêng làng Đăk Rơ Wa giữ gìn bản sắc văn hóa",
     "mentor": "Lê Văn Hải, Phó Trưởng phòng Văn hóa - Xã hội", "status": "recognised"},
    {"unit": "lang-kon-klor", "slug": "nguoi-co-uy-tin", "field": "van-hoa-xa-hoi",
     "title": "Người có uy tín vận động hộ nghèo vươn lên thoát nghèo",
     "person": "Y Hiên", "mentor": "Nguyễn Thị Thu Trang, công chức Phòng Văn hóa - Xã hội",
     "status": "cultivated"},
    {"unit": "hoi-lien-hiep-phu-nu", "slug": "chi-hoi-5-khong-3-sach",
     "field": "xay-dung-he-thong-chinh-tri",
     "title": "Chi hội phụ nữ thôn Thống Nhất thực hiện cuộc vận động «5 không 3 sạch»",
     "mentor": "Đỗ Thị Hạnh, Phó Chủ tịch Hội Liên hiệp Phụ nữ xã", "status": "recognised"},
    {"unit": "truong-tieu-hoc-ngoc-lien", "slug": "thu-vien-than-thien", "field": "giao-duc",
     "title": "Thư viện thân thiện, đọc sách cùng học sinh dân tộc thiểu số",
     "mentor": "Phan Thị Kim Oanh, công chức Phòng Văn hóa - Xã hội", "status": "commended"},
    {"unit": "truong-thcs-ngoc-lien", "slug": "giao-vien-day-gioi", "field": "giao-duc",
     "title": "Giáo viên dạy giỏi, đổi mới phương pháp dạy học môn Toán",
     "person": "Nguyễn Thị Mai", "mentor": "Phan Thị Kim Oanh, công chức Phòng Văn hóa - Xã hội",
     "status": "registered"},
    {"unit": "tram-y-te", "slug": "tiem-chung-luu-dong", "field": "y-te",
     "title": "Tổ tiêm chủng lưu động đến từng thôn, làng",
     "mentor": "Võ Thị Hồng, Phó Trạm trưởng Trạm Y tế xã", "status": "recognised"},
    {"unit": "thon-thong-nhat", "slug": "to-tu-quan-moi-truong", "field": "moi-truong",
     "title": "Tổ tự quản vệ sinh môi trường thôn Thống Nhất",
     "mentor": "Đặng Văn Toàn, công chức Phòng Kinh tế", "status": "cultivated"},
    {"unit": "cong-an-xa", "slug": "to-an-ninh-plei-don", "field": "quoc-phong-an-ninh",
     "title": "Tổ bảo vệ an ninh, trật tự ở cơ sở làng Plei Đôn",
     "mentor": "Đinh Quốc Việt, Phó Trưởng Công an xã", "status": "recognised"},
    {"unit": "ban-chi-huy-quan-su", "slug": "thon-doi-truong-guong-mau",
     "field": "quoc-phong-an-ninh",
     "title": "Thôn đội trưởng gương mẫu trong công tác tuyển quân",
     "person": "A Nhơn", "mentor": "Phạm Văn Lực, Phó Chỉ huy trưởng Ban Chỉ huy Quân sự xã",
     "status": "cultivated"},
    {"unit": "trung-tam-phuc-vu-hanh-chinh-cong", "slug": "to-cong-nghe-so-cong-dong",
     "field": "chuyen-doi-so",
     "title": "Tổ công nghệ số cộng đồng hỗ trợ người dân làm thủ tục trực tuyến",
     "mentor": "Hoàng Thị Ngọc Anh, công chức Văn phòng HĐND và UBND xã",
     "status": "registered"},
    {"unit": "doan-thanh-nien", "slug": "chi-doan-kon-ktu", "field": "xay-dung-he-thong-chinh-tri",
     "title": "Chi đoàn làng Kon Ktu với phong trào «Thanh niên tình nguyện»",
     "mentor": "Bùi Minh Khoa, Phó Bí thư Đoàn xã", "status": "commended"},
]  # fmt: skip
RECOGNISED = date(2026, 6, 16)
DECISION_RECOGNISED = (
    "Quyết định số 118/QĐ-UBND ngày 16/6/2026 của UBND xã về việc công nhận điển hình tiên tiến"
)
DECISION_COMMENDED = (
    "Quyết định số 118/QĐ-UBND ngày 16/6/2026 của UBND xã về việc công nhận điển hình tiên tiến;"
    " Quyết định số 131/QĐ-UBND ngày 25/6/2026 về việc tặng Giấy khen"
)


@dataclass
class Village:
    """The underlying truth of one village, of which its phase-1 report is a part."""

    households: int = 0
    population: int = 0
    poor: int = 0
    ethnic: bool = False
    values: dict[str, Any] = dc_field(default_factory=dict)


class Builder:
    def __init__(self, cat: dict[str, Ind]) -> None:
        self.cat = cat
        self.rng = random.Random(SEED)
        self.units: list[Unit] = []
        self.villages: dict[str, Village] = {}
        self.evidence_files: dict[str, str] = {}
        self.used_names: set[str] = set()
        self.special: dict[str, set[str]] = {}

    # -- small draws ---------------------------------------------------------------------

    def u(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    def day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def person(self, female: bool | None = None) -> str:
        while True:
            if female is None:
                female = self.rng.random() < 0.5
            given = self.rng.choice(KINH_FEMALE if female else KINH_MALE)
            name = f"{self.rng.choice(KINH_SURNAMES)} {given}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def ethnic_person(self) -> str:
        free = [n for n in ETHNIC if n not in self.used_names]
        name = self.rng.choice(free) if free else self.person()
        self.used_names.add(name)
        return name

    def share(self, total: int, weights: dict[int, float], skip: int) -> dict[int, int]:
        """`apportion` over the keys except `skip`, which gets its share on the same scale."""
        keep = {i: w for i, w in weights.items() if i != skip}
        out = dict(zip(keep, apportion(total, list(keep.values())), strict=True))
        if skip in weights:
            out[skip] = max(1, round(weights[skip] * total / sum(keep.values())))
        return dict(sorted(out.items()))

    # -- roster --------------------------------------------------------------------------

    def build(self) -> None:
        self.check_catalogue()
        exemplar_units = {e["unit"] for e in EXEMPLARS}
        village_ids = [slugify(n) for n in VILLAGES]
        school_ids = [slugify(n) for n in SCHOOLS]
        free_v = [v for v in village_ids if v not in exemplar_units]
        free_s = [s for s in school_ids if s not in exemplar_units]
        no_report = self.rng.sample(free_v, 3) + self.rng.sample(free_s, 1)
        free_v = [v for v in free_v if v not in no_report]
        free_s = [s for s in free_s if s not in no_report]
        no_registration = self.rng.sample(free_v, 1)
        free_v = [v for v in free_v if v not in no_registration]
        late_v = self.rng.sample(free_v, 2)
        late = [
            *late_v,
            self.rng.choice(free_s),
            self.rng.choice(["hoi-nong-dan", "hoi-cuu-chien-binh"]),
        ]
        free_v = [v for v in free_v if v not in late_v]
        no_pact = [
            self.rng.choice(free_v),
            self.rng.choice(["trung-tam-cung-ung-dich-vu-cong", "ban-chi-huy-quan-su"]),
        ]
        self.special = {
            "no-report": set(no_report),
            "no-registration": set(no_registration),
            "late": set(late),
            "no-pact": set(no_pact),
        }
        self.make_villages(village_ids)
        self.make_agencies()
        self.make_mass_orgs()
        self.make_schools(school_ids)
        self.attach_exemplars()
        self.check_units()

    def check_catalogue(self) -> None:
        missing = [c for c in VILLAGE_CODES if c not in self.cat]
        owners = {i.owner for i in self.cat.values() if i.owner}
        unknown = owners - {a[0] for a in AGENCIES}
        no_spec = [
            i.code
            for i in self.cat.values()
            if i.aggregation == "owner"
            and i.kind != "boolean"
            and i.code not in (*OWNER_SPECS, "BS04")
        ]
        if missing or unknown or no_spec:
            sys.exit(
                f"danh mục đã đổi: thiếu {missing}, chủ sở hữu lạ {sorted(unknown)}, "
                f"chưa có cách sinh số cho {no_spec}"
            )

    def base_unit(self, uid: str, name: str, kind: str, abbr: str, head: str, title: str) -> Unit:
        bloc = {
            "thon": "khoi-thon",
            "co-quan": "khoi-co-quan",
            "doan-the": "khoi-doan-the",
            "truong-hoc": "khoi-truong-hoc",
        }[kind]
        unit = Unit(uid, name, kind, bloc, abbr, head, title)
        unit.registered = uid not in self.special["no-registration"]
        if unit.registered:
            unit.reg_date = self.day(date(2026, 1, 20), date(2026, 2, 6))
            unit.reg_document = f"Bản đăng ký thi đua số {self.rng.randint(1, 9):02d}/ĐK-{abbr}"
        if uid not in self.special["no-pact"]:
            signed = (unit.reg_date or date(2026, 1, 26)) + timedelta(days=self.rng.randint(0, 6))
            doc = "Giao ước thi đua năm 2026" if self.rng.random() < 0.85 else None
            unit.pact = (signed, doc)
        return unit

    def report_shell(self, unit: Unit, estimate_p: float) -> tuple[date, bool, str, bool]:
        """Submission date, estimate flag, document, and whether to give a self-score."""
        if unit.id in self.special["late"]:
            submitted = self.day(date(2026, 7, 2), date(2026, 7, 10))
        else:
            submitted = self.day(date(2026, 6, 18), PHASE1_DUE)
        estimate = self.rng.random() < estimate_p
        doc = f"Báo cáo số {self.rng.randint(3, 28):02d}/BC-{unit.abbr} ngày {vn_date(submitted)}"
        return submitted, estimate, doc, self.rng.random() < 0.8

    def evidence(
        self,
        unit: Unit,
        code: str,
        doc: str,
        title: str,
        slug: str,
        shown: str,
        when: date,
        url_ok: bool = False,
    ) -> Any:
        """A document reference (most), a sample file (about 15 %), a link, or none (5 %)."""
        r = self.rng.random()
        if r < 0.05:
            return None
        if doc.startswith("https://"):
            return (
                {"url": doc} if url_ok else "Báo cáo thống kê dịch vụ công trực tuyến tháng 6/2026"
            )
        if r < 0.20:
            path = f"data/evidence/{unit.id}/{code.lower().replace('.', '-')}-{slug}.md"
            self.evidence_files[path] = evidence_markdown(unit, self.cat[code], title, shown, when)
            return {"file": path}
        return doc.format(
            n=f"{self.rng.randint(1, 30):02d}",
            abbr=unit.abbr,
            d=vn_date(when - timedelta(days=self.rng.randint(3, 20))),
        )

    def result(self, payload: dict[str, Any], ev: Any) -> dict[str, Any]:
        """A reported value with its evidence; half of those without evidence say why."""
        out = dict(payload)
        if ev is not None:
            out["evidence"] = ev
        elif self.rng.random() < 0.5:
            out["note"] = "Minh chứng đang bổ sung"
        return out

    # -- villages -------------------------------------------------------------------------

    def make_villages(self, ids: list[str]) -> None:
        rng = self.rng
        n = len(VILLAGES)
        ethnic = [name.startswith("Làng") for name in VILLAGES]
        households = apportion(6350, [self.u(80, 220) if e else self.u(110, 290) for e in ethnic])
        # Poverty is concentrated in a third of the ethnic-minority villages.
        hard = set(rng.sample([i for i in range(n) if ethnic[i]], 11))
        rates = [
            self.u(10, 19) if i in hard else self.u(3.5, 7.0) if ethnic[i] else self.u(1.2, 4.5)
            for i in range(n)
        ]
        poor = apportion(470, [households[i] * rates[i] for i in range(n)])
        # Registered targets add up to the campaign's totals (with a small margin); the village
        # that never registered gets figures on the same scale, outside the sum.
        skip = ids.index(min(self.special["no-registration"]))
        grain = self.share(2190, {i: households[i] * self.u(0.6, 1.6) for i in range(n)}, skip)
        herd = self.share(
            6140,
            {i: households[i] * self.u(0.7, 1.3) * (1.2 if ethnic[i] else 1) for i in range(n)},
            skip,
        )
        land = self.share(470, {i: self.u(0.5, 3) for i in sorted(rng.sample(range(n), 34))}, skip)
        big = sorted(i for i in land if land[i] >= 12 and i != skip)  # at least 6 ha
        hitech = self.share(92, {i: land[i] for i in sorted(rng.sample(big, 12))}, skip)
        fish = self.share(
            524, {i: self.u(0.3, 2.5) for i in sorted(rng.sample(range(n), 35))}, skip
        )
        biz_reg = sorted(
            rng.sample([i for i in range(n) if not ethnic[i]], 5)
            + rng.sample([i for i in range(n) if ethnic[i]], 1)
        )
        biz = {i: (2 if k == 0 else 1) for k, i in enumerate(biz_reg)}
        ct23_false = set(
            rng.sample([i for i in range(n) if ids[i] not in self.special["no-report"]], 2)
        )

        for i, (uid, name) in enumerate(zip(ids, VILLAGES, strict=True)):
            head = self.ethnic_person() if ethnic[i] else self.person(female=rng.random() < 0.2)
            title = "Trưởng làng" if ethnic[i] else "Trưởng thôn"
            unit = self.base_unit(uid, name, "thon", abbreviation(name), head, title)
            v = Village(households=households[i], poor=poor[i], ethnic=ethnic[i])
            h = households[i]
            v.population = pop = round(h * (self.u(4.2, 4.9) if ethnic[i] else self.u(3.7, 4.3)))
            self.villages[uid] = v
            targets: dict[str, Any] = {}
            phase: dict[str, Any] = {}
            actual: dict[str, dict[str, Any]] = {}

            def campaign_or(x: Decimal, p_null: float) -> Decimal | None:
                return None if rng.random() < p_null else x

            # Cumulative quantities: annual target, phase-1 checkpoint, phase-1 actual.
            t = Decimal(grain[i] * 5)
            pt = max(Decimal(5), step(float(t) * self.u(0.5, 0.56), 5))
            targets["CT03"], phase["CT03"] = t, pt
            actual["CT03"] = {"value": dec(float(pt) * self.u(0.86, 1.14), 1)}
            if i in land:
                t = Decimal(land[i]) / 2
                pt = max(Decimal("0.5"), step(float(t) * self.u(0.4, 0.55), 0.5))
                targets["CT04"], phase["CT04"] = t, pt
                actual["CT04"] = {"value": dec(float(pt) * self.u(0.8, 1.2), 1)}
            if i in hitech:
                t = min(Decimal(hitech[i]) / 2, targets["CT04"])
                pt = max(Decimal("0.5"), step(float(t) * self.u(0.35, 0.5), 0.5))
                targets["CT04.1"], phase["CT04.1"] = t, pt
                value = min(dec(float(pt) * self.u(0.8, 1.2), 1), actual["CT04"]["value"])
                actual["CT04.1"] = {"value": value}
            t = Decimal(herd[i] * 50)
            targets["CT06"] = t
            actual["CT06"] = {"value": int(float(t) * self.u(0.94, 1.05))}
            if i in fish:
                t = Decimal(fish[i]) / 2
                pt = max(Decimal("0.1"), dec(float(t) * self.u(0.42, 0.52), 1))
                targets["CT07"], phase["CT07"] = t, pt
                actual["CT07"] = {"value": dec(float(pt) * self.u(0.85, 1.15), 1)}
            if i in biz:
                targets["CT10"] = Decimal(biz[i])
                if biz[i] >= 2:
                    phase["CT10"] = Decimal(1)
                got = 1 if rng.random() < 0.45 else 0
                actual["CT10"] = {"value": got}
                if not got:
                    actual["CT10"]["note"] = "Chưa có doanh nghiệp thành lập mới"

            # Rates: numerator and denominator; own targets near the village's own level.
            km = dec(self.u(4, 22), 1)
            hard_km = dec(float(km) * (self.u(0.8, 0.95) if ethnic[i] else self.u(0.86, 0.99)), 1)
            actual["CT11"] = {"numerator": hard_km, "denominator": km}
            targets["CT11"] = campaign_or(
                min(Decimal(100), dec(float(pct(hard_km, km)) + self.u(-1.5, 2.5), 1)), 0.2
            )
            growth = round(pop * self.u(0.0018, 0.0102))
            actual["CT12"] = {"numerator": growth, "denominator": pop}
            targets["CT12"] = campaign_or(
                Decimal(rng.choice(["0.55", "0.6", "0.63", "0.65", "0.7"])), 0.3
            )
            insured = round(pop * (self.u(0.915, 0.99) if ethnic[i] else self.u(0.9, 0.975)))
            actual["CT14"] = {"numerator": insured, "denominator": pop}
            targets["CT14"] = campaign_or(
                min(Decimal("99.5"), dec(float(pct(insured, pop)) + self.u(-1.5, 2), 1)), 0.25
            )
            labour = round(pop * self.u(0.56, 0.64))
            farm = round(labour * (self.u(0.38, 0.6) if ethnic[i] else self.u(0.2, 0.42)))
            actual["CT16"] = {"numerator": farm, "denominator": labour}
            targets["CT16"] = campaign_or(dec(float(pct(farm, labour)) + self.u(-2, 3), 1), 0.15)
            houses = round(h * (self.u(0.88, 0.975) if ethnic[i] else self.u(0.92, 0.995)))
            actual["CT17"] = {"numerator": houses, "denominator": h}
            targets["CT17"] = campaign_or(
                min(Decimal(100), dec(float(pct(houses, h)) + self.u(-1.5, 2), 1)), 0.25
            )
            actual["CT18"] = {"numerator": poor[i], "denominator": h}
            targets["CT18"] = campaign_or(
                max(Decimal("0.5"), dec(float(pct(poor[i], h)) + self.u(-1.2, 0.8), 2)), 0.1
            )
            cultural = round(h * self.u(0.76, 0.92))
            actual["CT19"] = {"numerator": cultural, "denominator": h}
            targets["CT19"] = campaign_or(
                min(Decimal(100), dec(float(pct(cultural, h)) + self.u(-2, 2.5), 1)), 0.25
            )
            hygienic = min(pop, round(pop * self.u(0.96, 1.006)))
            actual["CT22"] = {"numerator": hygienic, "denominator": pop}
            targets["CT22"] = campaign_or(
                min(Decimal(100), dec(float(pct(hygienic, pop)) + self.u(-0.8, 0.8), 1)), 0.3
            )
            clean = min(
                hygienic, round(pop * (self.u(0.45, 0.7) if ethnic[i] else self.u(0.6, 0.85)))
            )
            actual["CT22.1"] = {"numerator": clean, "denominator": pop}
            targets["CT22.1"] = campaign_or(dec(float(pct(clean, pop)) + self.u(-3, 3), 1), 0.3)
            actual["CT23"] = {"value": i not in ct23_false}
            targets["CT23"] = True
            v.values = actual

            order = [c for c in self.cat if c in targets]
            if unit.registered:
                unit.targets = {c: targets[c] for c in order}
                unit.phase_targets = {c: phase[c] for c in order if c in phase}
            if uid not in self.special["no-report"]:
                submitted, estimate, doc, scored = self.report_shell(unit, 0.9)
                values: dict[str, dict[str, Any]] = {}
                for c in order:
                    if c not in ("CT03", "CT23") and rng.random() < 0.015:
                        continue  # a value the village forgot to report
                    payload = actual[c]
                    ev_doc, title, slug = VILLAGE_EVIDENCE[c]
                    ev = self.evidence(
                        unit, c, ev_doc, title, slug, shown(self.cat[c], payload), submitted
                    )
                    values[c] = self.result(payload, ev)
                score = self.self_score(targets, phase, actual) if scored else None
                unit.report = Report(submitted, estimate, doc, score, values)
            self.units.append(unit)

    def self_score(
        self, targets: dict[str, Any], phase: dict[str, Any], actual: dict[str, dict[str, Any]]
    ) -> Decimal:
        """A unit's own rough score: the share of its indicators it believes it met."""
        met = total = 0
        for c, res in actual.items():
            goal = phase.get(c, targets.get(c))
            if goal is None:
                goal = self.cat[c].target
            if goal is None:
                continue
            total += 1
            if isinstance(goal, bool):
                met += res.get("value") is goal
                continue
            v = pct(res["numerator"], res["denominator"]) if "numerator" in res else res["value"]
            met += (v <= goal) if self.cat[c].lower_is_better else (v >= goal)
        frac = met / total if total else 0.8
        return min(Decimal(98), max(Decimal(60), step(58 + 38 * frac + self.u(-4, 4), 0.5)))

    # -- agencies, mass organisations, schools ---------------------------------------------

    def make_agencies(self) -> None:
        for uid, name, title, abbr in AGENCIES:
            unit = self.base_unit(uid, name, "co-quan", abbr, self.person(), title)
            owned = [c for c, i in self.cat.items() if i.owner == uid and i.aggregation == "owner"]
            codes = owned or AGENCY_EXTRA[uid]
            staff = self.rng.randint(8, 22)
            targets: dict[str, Any] = {}
            phase: dict[str, Any] = {}
            actual: dict[str, dict[str, Any]] = {}
            for c in codes:
                ind = self.cat[c]
                if c in owned:
                    targets[c] = True if ind.kind == "boolean" else None
                    if c in OWNER_PHASE1:
                        phase[c] = OWNER_PHASE1[c]
                    actual[c] = {"value": self.owner_value(c)}
                else:
                    targets[c], actual[c] = self.staff_rate(c, staff)
            evidence = OWNER_EVIDENCE if owned else STAFF_EVIDENCE
            self.finish_unit(unit, targets, phase, actual, 0.8, evidence)

    def owner_value(self, code: str) -> Any:
        if self.cat[code].kind == "boolean":
            return True
        if code == "BS04":  # the commune's cadres and civil servants: a count, not a spread
            return pct(COMMUNE_STAFF - self.rng.choice([0, 0, 1, 2, 3]), COMMUNE_STAFF)
        lo, hi, places = OWNER_SPECS[code]
        return dec(self.u(lo, hi), places)

    def staff_rate(self, code: str, staff: int) -> tuple[Decimal, dict[str, Any]]:
        """An own target and the rate among the unit's own staff or members."""
        share = {"BS12": (0.85, 1.0), "BS14": (0.62, 0.95), "BS16": (0.3, 0.65)}.get(code)
        if share is None:  # BS04: almost everyone has been trained
            yes = staff - self.rng.choice([0, 0, 0, 1])
        else:
            yes = min(staff, round(staff * self.u(*share)))
        target = {
            "BS04": Decimal(100),
            "BS12": Decimal(90),
            "BS14": Decimal(70),
            "BS16": Decimal(40),
        }[code]
        return target, {"value": pct(yes, staff)}

    def make_mass_orgs(self) -> None:
        for uid, name, title, abbr, members, codes in MASS_ORGS:
            unit = self.base_unit(uid, name, "doan-the", abbr, self.person(), title)
            targets: dict[str, Any] = {}
            actual: dict[str, dict[str, Any]] = {}
            for c in codes:
                if c == "CT14":
                    yes = round(members * self.u(0.94, 0.995))
                    targets[c] = Decimal(self.rng.choice([95, 96]))
                    actual[c] = {"numerator": yes, "denominator": members}
                elif c == "CT19":
                    yes = round(members * self.u(0.82, 0.93))
                    targets[c] = Decimal(self.rng.choice([85, 86, 88]))
                    actual[c] = {"numerator": yes, "denominator": members}
                else:
                    targets[c], actual[c] = self.staff_rate(c, members)
            self.finish_unit(unit, targets, {}, actual, 0.85, MASS_ORG_EVIDENCE)

    def make_schools(self, ids: list[str]) -> None:
        for uid, name in zip(ids, SCHOOLS, strict=True):
            head = self.person(female=self.rng.random() < 0.7)
            unit = self.base_unit(
                uid, name, "truong-hoc", abbreviation(name, ("Trường",)), head, "Hiệu trưởng"
            )
            staff = self.rng.randint(14, 46)
            trained = staff - self.rng.choice([0, 0, 0, 1, 2, 3, 5, 8])
            targets = {"CT15": True, "BS04": None if self.rng.random() < 0.3 else Decimal(100)}
            actual: dict[str, dict[str, Any]] = {
                "CT15": {"value": True},
                "BS04": {"value": pct(trained, staff)},
            }
            year = self.rng.randint(2019, 2025)
            evidence = {
                "CT15": f"Quyết định số {self.rng.randint(300, 2900)}/QĐ-UBND năm {year} của UBND "
                "tỉnh công nhận trường đạt chuẩn quốc gia",
                "BS04": "Danh sách giáo viên hoàn thành bồi dưỡng kỹ năng số năm học 2025-2026",
            }
            self.finish_unit(unit, targets, {}, actual, 0.0, evidence)

    def finish_unit(
        self,
        unit: Unit,
        targets: dict[str, Any],
        phase: dict[str, Any],
        actual: dict[str, dict[str, Any]],
        estimate_p: float,
        evidence: dict[str, str],
    ) -> None:
        order = [c for c in self.cat if c in targets]
        if unit.registered:
            unit.targets = {c: targets[c] for c in order}
            unit.phase_targets = {c: phase[c] for c in order if c in phase}
        if unit.id not in self.special["no-report"]:
            submitted, estimate, doc, scored = self.report_shell(unit, estimate_p)
            values = {}
            for c in order:
                ev_doc = evidence.get(c, "Báo cáo số {n}/BC-{abbr}")
                title = ev_doc if not ev_doc.startswith("https://") else "Số liệu thống kê"
                title = re.sub(r"\s*(số|ngày) \{.*$", "", title)
                ev = self.evidence(
                    unit,
                    c,
                    ev_doc,
                    title,
                    short_slug(title),
                    shown(self.cat[c], actual[c]),
                    submitted,
                    url_ok=True,
                )
                values[c] = self.result(actual[c], ev)
            score = self.self_score(targets, phase, actual) if scored else None
            unit.report = Report(submitted, estimate, doc, score, values)
        self.units.append(unit)

    # -- exemplars ------------------------------------------------------------------------

    def attach_exemplars(self) -> None:
        by_id = {u.id: u for u in self.units}
        for spec in EXEMPLARS:
            unit = by_id[spec["unit"]]
            registered = self.day(date(2026, 2, 10), date(2026, 3, 20))
            status = spec["status"]
            done = status in ("recognised", "commended")
            n_visits = {
                "registered": self.rng.randint(0, 1),
                "cultivated": self.rng.randint(1, 3),
            }.get(status, self.rng.randint(2, 3))
            last = RECOGNISED - timedelta(days=3) if done else date(2026, 6, 25)
            days = sorted(self.rng.sample(range(20, (last - registered).days, 6), n_visits))
            mentor_name = spec["mentor"].split(",")[0]
            visits = []
            notes = self.rng.sample(VISIT_NOTES, len(days))
            for k, dd in enumerate(days):
                council = done and k == len(days) - 1
                note = "Đoàn kiểm tra đề xuất Hội đồng xét công nhận" if council else notes[k]
                by = "Hội đồng Thi đua - Khen thưởng xã" if council else mentor_name
                visit: dict[str, Any] = {"date": registered + timedelta(days=dd), "by": by}
                if note:
                    visit["note"] = note
                visits.append(visit)
            unit.exemplars.append(
                Exemplar(
                    id=f"{unit.id}-{spec['slug']}",
                    title=spec["title"],
                    field=spec["field"],
                    registered=registered,
                    mentor=spec["mentor"],
                    status=status,
                    collective="person" not in spec,
                    person=spec.get("person"),
                    visits=visits,
                    recognised=RECOGNISED if done else None,
                    decision=(DECISION_COMMENDED if status == "commended" else DECISION_RECOGNISED)
                    if done
                    else None,
                )
            )

    # -- self-check -----------------------------------------------------------------------

    def check_units(self) -> None:
        """The rules of the brief, so that a change to the rosters cannot break them quietly."""
        ids = [u.id for u in self.units]
        assert len(ids) == len(set(ids)), "trùng id đơn vị"
        for unit in self.units:
            for c, t in unit.targets.items():
                ind = self.cat[c]
                assert unit.kind in ind.applies_to, (unit.id, c)
                assert ind.aggregation != "computed", (unit.id, c)
                if ind.aggregation == "count-true" or ind.kind == "boolean":
                    assert isinstance(t, bool), (unit.id, c)
                else:
                    assert t is None or isinstance(t, Decimal), (unit.id, c)
            for c in unit.phase_targets:
                assert self.cat[c].cumulative, (unit.id, c)
            if unit.report is None:
                continue
            for c, res in unit.report.values.items():
                ind = self.cat[c]
                if ind.aggregation == "ratio":
                    assert 0 <= res["numerator"] <= res["denominator"], (unit.id, c)
                elif ind.aggregation == "count-true" or ind.kind == "boolean":
                    assert isinstance(res["value"], bool), (unit.id, c)
                else:
                    assert not isinstance(res["value"], bool), (unit.id, c)


STAFF_EVIDENCE = {
    "BS04": "Danh sách công chức và người lao động đã được bồi dưỡng kỹ năng số",
    "BS12": "Bảng thống kê người lao động có tài khoản ngân hàng",
    "BS16": "Danh sách người lao động có chữ ký số",
}
MASS_ORG_EVIDENCE = {
    "CT14": "Danh sách hội viên tham gia BHYT tháng 6/2026",
    "CT19": "Biên bản bình xét gia đình hội viên đạt chuẩn văn hóa",
    "BS12": "Phiếu thống kê hội viên có tài khoản ngân hàng",
    "BS14": "Phiếu thống kê đoàn viên, hội viên kích hoạt VNeID",
    "BS16": "Danh sách đoàn viên, hội viên có chữ ký số",
}


RATIO_UNITS = {
    "CT11": " km",
    "CT12": " người",
    "CT14": " người",
    "CT16": " lao động",
    "CT17": " hộ",
    "CT18": " hộ",
    "CT19": " gia đình",
    "CT22": " người",
    "CT22.1": " người",
}


def short_slug(title: str, limit: int = 50) -> str:
    slug = slugify(title)
    return slug if len(slug) <= limit else slug[: limit + 1].rsplit("-", 1)[0]


def shown(ind: Ind, res: dict[str, Any]) -> str:
    """The reported figure in Vietnamese prose, for an evidence file."""
    if "numerator" in res:
        rate = vn_num(pct(res["numerator"], res["denominator"]))
        what = RATIO_UNITS.get(ind.code, "")
        return f"{vn_num(res['numerator'])}/{vn_num(res['denominator'])}{what} ({rate}%)"
    v = res["value"]
    if isinstance(v, bool):
        return "Đạt" if v else "Chưa đạt"
    return f"{vn_num(v)}{'' if ind.unit == '%' else ' '}{ind.unit}"


def evidence_markdown(unit: Unit, ind: Ind, title: str, shown_value: str, when: date) -> str:
    made = when - timedelta(days=2)
    return "\n".join(
        [
            f"# {title}",
            "",
            "> DỮ LIỆU MẪU — tệp minh chứng minh họa, không phải tài liệu thật của đơn vị.",
            "",
            f"- Đơn vị: {unit.name}",
            f"- Chỉ tiêu: {ind.code} — {ind.name}",
            "- Đợt: 1 (sơ kết 6 tháng đầu năm 2026)",
            f"- Số liệu: {shown_value}",
            f"- Ngày lập: {vn_date(made)}",
            f"- Người lập: {unit.head_name}, {unit.head_title}",
            "",
            "Số liệu tổng hợp từ sổ sách theo dõi của đơn vị, dùng làm minh chứng cho báo cáo "
            "sơ kết đợt 1. Bản giấy có chữ ký và đóng dấu lưu tại đơn vị.",
            "",
            EVIDENCE_MARK,
            "",
        ]
    )


# --- writing -----------------------------------------------------------------------------------


def render(unit: Unit) -> str:
    out = [
        *HEADER,
        f"id: {unit.id}",
        f"name: {q(unit.name)}",
        f"kind: {unit.kind}",
        f"bloc: {unit.bloc}",
        "sample: true",
        "head:",
        f"  name: {q(unit.head_name)}",
        f"  title: {q(unit.head_title)}",
    ]
    if unit.registered:
        assert unit.reg_date is not None and unit.reg_document is not None
        out += [
            "registration:",
            f"  date: {yv(unit.reg_date)}",
            f"  document: {q(unit.reg_document)}",
            "  targets:          # chỉ tiêu đăng ký cả năm; null = lấy chỉ tiêu chung của xã",
        ]
        out += [f"    {c}: {yv(t)}" for c, t in unit.targets.items()]
        if unit.phase_targets:
            out.append("  phase_targets:    # chỉ tiêu từng đợt cho các chỉ tiêu cộng dồn")
            out.append(f"    1: {yv(unit.phase_targets)}")
    if unit.pact is not None:
        out += ["pact:", f"  signed: {yv(unit.pact[0])}"]
        if unit.pact[1]:
            out.append(f"  document: {q(unit.pact[1])}")
    rep = unit.report
    if rep is None:
        out.append("results: []        # chưa nộp báo cáo sơ kết đợt 1")
    else:
        out += [
            "results:",
            "  - phase: 1",
            f"    submitted: {yv(rep.submitted)}",
            f"    estimate: {yv(rep.estimate)}".ljust(30) + "# ước thực hiện"
            if rep.estimate
            else f"    estimate: {yv(rep.estimate)}",
            f"    document: {q(rep.document)}",
        ]
        if rep.self_score is not None:
            out.append(f"    self_score: {yv(rep.self_score)}")
        out.append("    values:")
        out += [f"      {c}: {yv(res)}" for c, res in rep.values.items()]
    if unit.exemplars:
        out.append("exemplars:")
        for ex in unit.exemplars:
            out += [
                f"  - id: {ex.id}",
                f"    title: {q(ex.title)}",
                f"    collective: {yv(ex.collective)}",
            ]
            if ex.person:
                out.append(f"    person: {q(ex.person)}")
            out += [
                f"    field: {ex.field}",
                f"    registered: {yv(ex.registered)}",
                f"    mentor: {q(ex.mentor)}",
            ]
            if ex.visits:
                out.append("    visits:")
                out += [f"      - {yv(v)}" for v in ex.visits]
            out.append(f"    status: {ex.status}")
            if ex.recognised:
                out.append(f"    recognised: {yv(ex.recognised)}")
            if ex.decision:
                out.append(f"    decision: {q(ex.decision)}")
    return "\n".join(out) + "\n"


def clean_previous() -> None:
    """Delete what an earlier run wrote; leave hand-written files alone."""
    for path in sorted(UNITS_DIR.glob("*.yaml")):
        if GENERATED in path.read_text(encoding="utf-8", errors="replace"):
            path.unlink()
    for path in sorted(EVIDENCE_DIR.rglob("*.md")):
        if EVIDENCE_MARK in path.read_text(encoding="utf-8", errors="replace"):
            path.unlink()
    for d in sorted((p for p in EVIDENCE_DIR.rglob("*") if p.is_dir()), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()


def write(b: Builder) -> None:
    UNITS_DIR.mkdir(parents=True, exist_ok=True)
    clean_previous()
    for unit in sorted(b.units, key=lambda x: x.id):
        (UNITS_DIR / f"{unit.id}.yaml").write_bytes(render(unit).encode("utf-8"))
    for rel, text in sorted(b.evidence_files.items()):
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


# --- the totals, to compare with the catalogue ----------------------------------------------


def summary(b: Builder) -> list[str]:
    units = b.units
    reports = {u.id: u.report for u in units if u.report}
    lines = []
    kinds: dict[str, int] = {}
    for unit in units:
        kinds[unit.kind] = kinds.get(unit.kind, 0) + 1
    lines.append(
        "Đơn vị: "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        + f"; tổng {len(units)}; tệp minh chứng {len(b.evidence_files)}"
    )
    for key in ("no-report", "late", "no-pact", "no-registration"):
        lines.append(f"  {key}: {', '.join(sorted(b.special[key]))}")

    def reg_sum(code: str, phase: bool = False) -> Decimal:
        src = (u.phase_targets if phase else u.targets for u in units if u.kind == "thon")
        return sum((t.get(code) or Decimal(0) for t in src), Decimal(0))

    def rep_sum(code: str) -> Decimal:
        return sum(
            (Decimal(r.values[code]["value"]) for r in reports.values() if code in r.values),
            Decimal(0),
        )

    def rep_ratio(code: str, kinds: tuple[str, ...] = ("thon",)) -> tuple[Decimal, Decimal]:
        n = d = Decimal(0)
        for u in units:
            if u.kind in kinds and u.report and code in u.report.values:
                n += Decimal(u.report.values[code]["numerator"])
                d += Decimal(u.report.values[code]["denominator"])
        return n, d

    def true_count(code: str) -> str:
        vals = [r.values[code]["value"] for r in reports.values() if code in r.values]
        return f"{sum(vals)} đạt / {len(vals)} báo cáo"

    lines.append(
        "Chỉ tiêu cộng dồn (thôn): đăng ký cả năm | chỉ tiêu đợt 1 | báo cáo đợt 1 | kế hoạch xã"
    )
    for code in ("CT03", "CT04", "CT04.1", "CT06", "CT07", "CT10"):
        year, ph, got = reg_sum(code), reg_sum(code, True), rep_sum(code)
        share = f" ({pct(got, year, 1)}% của cả năm)" if year else ""
        lines.append(
            f"  {code}: {fmt_num(year)} | {fmt_num(ph)} | {fmt_num(got)}{share}"
            f" | {fmt_num(b.cat[code].target or 0)}"
        )
    truth_ct06 = sum(v.values["CT06"]["value"] for v in b.villages.values())
    lines.append(f"  CT06 cả 41 thôn (kể cả thôn chưa báo cáo): {truth_ct06}")
    hh = sum(v.households for v in b.villages.values())
    poor = sum(v.poor for v in b.villages.values())
    lines.append(
        f"  CT18 cả 41 thôn: {poor}/{hh} hộ = {pct(poor, hh)}% (kế hoạch <= 7.48, ~475 hộ)"
    )
    above = sum(pct(v.poor, v.households) > Decimal("7.48") for v in b.villages.values())
    lines.append(f"       số thôn trên 7.48%: {above}/41")
    lines.append("Chỉ tiêu tỷ lệ (thôn đã báo cáo): tử số/mẫu số = tỷ lệ | kế hoạch")
    for code in ("CT11", "CT12", "CT14", "CT16", "CT17", "CT18", "CT19", "CT22", "CT22.1"):
        n, d = rep_ratio(code)
        lines.append(f"  {code}: {fmt_num(n)}/{fmt_num(d)} = {pct(n, d)}% | {b.cat[code].target}")
    lines.append(f"  CT23: {true_count('CT23')} (kế hoạch 36/41)")
    lines.append(f"  CT15: {true_count('CT15')} trong 15 trường (kế hoạch 93.3% = 14/15)")
    lines.append("Chỉ tiêu của cơ quan chủ trì: giá trị đợt 1")
    for u in units:
        if u.kind == "co-quan" and u.report:
            vals = ", ".join(f"{c}={yv(r.get('value'))}" for c, r in u.report.values.items())
            lines.append(f"  {u.id}: {vals}")
    exs = [e for u in units for e in u.exemplars]
    done = sorted({e.field for e in exs if e.status in ("recognised", "commended")})
    lines.append(
        f"Điển hình: {len(exs)}; lĩnh vực có điển hình được công nhận: {len(done)}"
        f" ({', '.join(done)})"
    )
    scores = [r.self_score for r in reports.values() if r.self_score is not None]
    lines.append(
        f"Báo cáo đợt 1: {len(reports)}; có điểm tự chấm: {len(scores)}; "
        f"ước thực hiện: {sum(r.estimate for r in reports.values())}"
    )
    results = [v for r in reports.values() for v in r.values.values()]
    no_ev = sum("evidence" not in v for v in results)
    files = sum(isinstance(v.get("evidence"), dict) and "file" in v["evidence"] for v in results)
    lines.append(f"Kết quả: {len(results)}; thiếu minh chứng: {no_ev}; minh chứng là tệp: {files}")
    return lines


def main() -> int:
    if not CATALOGUE.is_file():
        sys.exit(f"không thấy {CATALOGUE}; hãy chạy từ thư mục gốc của kho")
    b = Builder(read_catalogue(CATALOGUE))
    b.build()
    write(b)
    print("\n".join(summary(b)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

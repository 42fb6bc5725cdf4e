"""Every problem code the tool can report: its severity and a short Vietnamese title.

Codes are stable (scripts and CI filter on them); a new rule adds its code here, and
`tests/test_codes.py` checks that the code is used with this severity and that the README's
table names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SeverityName = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    severity: SeverityName
    title: str
    group: str  # the README table's row: tệp, cấu trúc, con số, danh mục, đợt, phê duyệt


def _e(title: str, group: str) -> Code:
    return Code("error", title, group)


def _w(title: str, group: str) -> Code:
    return Code("warning", title, group)


CODES: dict[str, Code] = {
    # --- the file itself (read/) ---------------------------------------------------------
    "not-utf8": _e("tệp không phải UTF-8", "tệp"),
    "tcvn3-mojibake": _e("chữ TCVN3 bị lưu sai thành Unicode", "tệp"),
    "merge-conflict": _e("còn dấu xung đột khi gộp của git", "tệp"),
    "tab-indent": _e("thụt lề bằng Tab", "tệp"),
    "yaml-syntax": _e("lỗi cú pháp YAML", "tệp"),
    "duplicate-key": _e("trường bị lặp lại", "tệp"),
    "bad-key": _e("tên trường không phải chữ hay số", "tệp"),
    "comment-in-value": _w("«#» dính vào giá trị bị coi là chú thích", "tệp"),
    "empty-file": _e("tệp rỗng", "tệp"),
    "file-too-large": _e("tệp quá lớn", "tệp"),
    "file-unreadable": _e("không đọc được tệp", "tệp"),
    "not-a-file": _e("là thư mục, không phải tệp", "tệp"),
    "yaml-too-complex": _e("tệp quá phức tạp (alias nhân bản, quá nhiều nút)", "tệp"),
    "yaml-too-deep": _e("lồng nhau quá sâu", "tệp"),
    "symlink-outside-repo": _e("liên kết trỏ ra ngoài kho", "tệp"),
    "unit-file-symlink": _e("tệp đơn vị là liên kết: git không theo được số liệu", "tệp"),
    "too-many-problems": _w("quá nhiều lỗi cùng loại trong một tệp (chỉ in 50)", "tệp"),
    # --- text (read/textpolicy) ------------------------------------------------------------
    "control-character": _e("ký tự điều khiển trong chữ", "chữ"),
    "invisible-character": _e("ký tự ẩn, đảo chiều chữ (bidi, zero-width)", "chữ"),
    "garbled-text": _e("chữ TCVN3/VNI bị lưu sai trong một trường", "chữ"),
    "text-too-long": _e("chữ dài quá giới hạn", "chữ"),
    "lookalike-names": _w("tên đơn vị trông giống hệt tên khác", "chữ"),
    # --- the shape of a file (read/schema_errors) ------------------------------------------
    "unknown-key": _e("trường lạ", "cấu trúc"),
    "missing-key": _e("thiếu trường bắt buộc", "cấu trúc"),
    "expected-mapping": _e("cần một bảng các trường", "cấu trúc"),
    "expected-list": _e("cần một danh sách", "cấu trúc"),
    "expected-number": _e("cần một số", "cấu trúc"),
    "expected-integer": _e("cần một số nguyên", "cấu trúc"),
    "expected-boolean": _e("cần giá trị đúng/sai", "cấu trúc"),
    "expected-text": _e("cần chữ", "cấu trúc"),
    "invalid-date": _e("ngày không hợp lệ", "cấu trúc"),
    "invalid-id": _e("mã không đúng dạng", "cấu trúc"),
    "invalid-code": _e("mã chỉ tiêu không đúng dạng", "cấu trúc"),
    "invalid-choice": _e("giá trị không nằm trong danh sách cho phép", "cấu trúc"),
    "invalid-value": _e("giá trị không hợp lệ", "cấu trúc"),
    "empty-value": _e("giá trị để trống", "cấu trúc"),
    # --- numbers ---------------------------------------------------------------------------
    "thousands-separator": _e("«10.900»: dấu chấm ngăn cách hàng nghìn", "con số"),
    "decimal-comma": _e("dấu phẩy thập phân", "con số"),
    "unexpected-ratio": _e("tử số/mẫu số cho một chỉ tiêu số lượng", "con số"),
    "non-ascii-digit": _e("chữ số không phải 0–9 (Ả Rập, toàn khổ…)", "con số"),
    "number-out-of-bounds": _e("số quá lớn, hệ 16 hoặc có gạch dưới", "con số"),
    "suspicious-magnitude": _w(
        "số lệch kế hoạch nhiều lần (thừa, thiếu chữ số; mất dấu hàng nghìn)", "con số"
    ),
    "zero-target": _w("kế hoạch bằng 0", "con số"),
    "percent-as-fraction": _e("tỷ lệ viết dạng thập phân (0,96 thay cho 96)", "con số"),
    "cumulative-decreased": _w("số cộng dồn thấp hơn đợt trước", "con số"),
    "percent-out-of-range": _e("tỷ lệ ngoài 0–100", "con số"),
    "out-of-range": _e("giá trị ngoài khoảng cho phép", "con số"),
    "negative-value": _e("số âm", "con số"),
    "not-integer": _e("số đếm không nguyên", "con số"),
    "numerator-exceeds-denominator": _e("tử số lớn hơn mẫu số", "con số"),
    "zero-denominator": _e("mẫu số bằng 0", "con số"),
    "value-mismatch": _e("tỷ lệ ghi không khớp tử/mẫu", "con số"),
    "expected-ratio": _e("thiếu tử số hoặc mẫu số", "con số"),
    "missing-value": _e("chưa có giá trị thực hiện", "con số"),
    "parts-sum": _e("các thành phần không cộng đủ tổng (100% ± sai số)", "con số"),
    "unknown-level": _e("mức xếp loại của chỉ tiêu không có trong «levels»", "con số"),
    # --- the catalogue and the roster -------------------------------------------------------
    "unknown-indicator": _e("mã chỉ tiêu không có trong danh mục", "danh mục"),
    "not-applicable": _e("chỉ tiêu không áp dụng cho loại đơn vị", "danh mục"),
    "computed-indicator": _e("chỉ tiêu tự tính, đơn vị không báo cáo", "danh mục"),
    "not-registered": _w("báo cáo chỉ tiêu chưa đăng ký", "danh mục"),
    "phase-target-unregistered": _e("mốc đợt cho chỉ tiêu chưa đăng ký cả năm", "danh mục"),
    "no-registration": _w("chưa đăng ký chỉ tiêu", "danh mục"),
    "registered-not-reported": _w("chỉ tiêu đã đăng ký nhưng không báo cáo", "danh mục"),
    "duplicate-registration": _e("đăng ký hay giao ước hai lần cho một năm", "danh mục"),
    "unknown-bloc": _e("khối thi đua không có", "danh mục"),
    "unknown-kind": _e("loại đơn vị không có", "danh mục"),
    "unknown-field": _e("lĩnh vực không có", "danh mục"),
    "bloc-kind-mismatch": _e("đơn vị không thuộc khối", "danh mục"),
    "duplicate-unit-id": _e("mã đơn vị trùng", "danh mục"),
    "duplicate-id": _e("mã trùng", "danh mục"),
    "id-filename-mismatch": _w("mã đơn vị khác tên tệp", "danh mục"),
    "owner-missing": _w("đơn vị phụ trách chỉ tiêu chưa có tệp", "danh mục"),
    "unknown-reference": _e("danh mục nhắc tới mã không có", "danh mục"),
    "invalid-window": _e("thời gian đợt không hợp lệ", "danh mục"),
    "calendar-incomplete": _e("lịch thiếu đợt", "danh mục"),
    "invalid-levels": _e("mức xếp loại không hợp lệ", "danh mục"),
    "count-true-kind": _e("đếm đơn vị đạt (count-true) trên chỉ tiêu loại number", "danh mục"),
    "bloc-without-scoring": _e("khối chưa có bảng chấm điểm", "danh mục"),
    "missing-bloc": _e("đơn vị chưa ghi khối thi đua", "danh mục"),
    # --- phases, dates and evidence -----------------------------------------------------------
    "unknown-phase": _e("đợt không có", "đợt và minh chứng"),
    "duplicate-phase": _e("một đợt báo cáo hai lần", "đợt và minh chứng"),
    "late-report": _w("nộp sau hạn", "đợt và minh chứng"),
    "date-outside-campaign": _e("ngày nộp ngoài thời gian phong trào", "đợt và minh chứng"),
    "date-outside-phase": _w("ngày nộp trước khi đợt bắt đầu", "đợt và minh chứng"),
    "date-before-registration": _w(
        "ngày kiểm tra trước ngày đăng ký điển hình", "đợt và minh chứng"
    ),
    "missing-recognition-date": _w("điển hình đã công nhận chưa ghi ngày", "đợt và minh chứng"),
    "missing-evidence": _w("số liệu không có minh chứng", "đợt và minh chứng"),
    "evidence-not-found": _e("không tìm thấy tệp minh chứng", "đợt và minh chứng"),
    "evidence-outside-repo": _e("tệp minh chứng ngoài kho", "đợt và minh chứng"),
    "evidence-in-git-folder": _e("minh chứng trỏ vào thư mục .git", "đợt và minh chứng"),
    "evidence-url-scheme": _e("đường dẫn minh chứng không phải http(s)", "đợt và minh chứng"),
    # --- Excel forms (thidua import) ----------------------------------------------------------
    "form-unreadable": _e("không mở được tệp Excel", "phiếu Excel"),
    "form-foreign-sheet": _e("không phải phiếu của thidua, hoặc có trang lạ", "phiếu Excel"),
    "form-moved": _e("phiếu bị sửa bố cục: ô gộp, cột hay dòng bị di chuyển", "phiếu Excel"),
    "form-wrong-unit": _e("phiếu của đơn vị khác", "phiếu Excel"),
    "form-wrong-phase": _e("ô đợt của phiếu bị sửa sang đợt khác", "phiếu Excel"),
    "form-formula": _e("ô chứa công thức", "phiếu Excel"),
    "form-bad-cell": _e("ô không đọc được (chữ ở chỗ cần số, ngày sai…)", "phiếu Excel"),
    # --- approval locks ------------------------------------------------------------------------
    "locked-phase-changed": _e("sửa số liệu đợt đã phê duyệt mà không đính chính", "phê duyệt"),
    "correction-mismatch": _e("đính chính không ghi đúng số hiện có", "phê duyệt"),
    "target-changed-without-decision": _e(
        "sửa kế hoạch sau phê duyệt mà không có quyết định", "phê duyệt"
    ),
    "scoring-changed-without-decision": _e(
        "sửa cách chấm điểm sau phê duyệt mà không có quyết định", "phê duyệt"
    ),
    "approval-unverifiable": _e("không kiểm tra được phê duyệt", "phê duyệt"),
    "approval-removed": _e("bản ghi phê duyệt đã commit bị xóa hoặc sửa", "phê duyệt"),
    "approval-invalid": _e("bản ghi phê duyệt không hợp lệ (đợt, ngày, commit)", "phê duyệt"),
    "locked-input-changed": _e(
        "sửa báo cáo, ngày nộp, đăng ký sau phê duyệt mà không có quyết định", "phê duyệt"
    ),
    "catalogue-changed-without-decision": _e(
        "sửa đợt, hạn, khối sau phê duyệt mà không có quyết định", "phê duyệt"
    ),
    "approved-outcome-changed": _e(
        "điểm, hạng, số liệu chung đã duyệt thay đổi không rõ lý do", "phê duyệt"
    ),
    "approved-outcome-knock-on": _w(
        "kết quả đã duyệt của đơn vị khác đổi theo một đính chính", "phê duyệt"
    ),
    "correction-date-invalid": _e(
        "ngày đính chính, quyết định ở tương lai hoặc trước phê duyệt", "phê duyệt"
    ),
    "submitted-before-commit": _w("ngày nộp sớm hơn nhiều so với lúc số liệu vào kho", "phê duyệt"),
}


def severity(code: str) -> SeverityName:
    return CODES[code].severity

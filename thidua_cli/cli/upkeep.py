"""`thidua cache`: where the cache lives, how much it holds, and clearing it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from thidua_cli.cli.app import UserError, command, os_reason, say

_WHAT = {
    "units": "tệp đơn vị đã kiểm tra",
    "results": "kết quả lệnh đã chạy",
    "revisions": "dữ liệu các commit đã phê duyệt",
}


def _megabytes(size: int) -> str:
    """1.572.864 -> "1,5 MB"; below a megabyte in KB ("36 KB")."""
    from thidua_cli.numfmt import number

    if size < 1024 * 1024:
        return number(-(-size // 1024)) + " KB"
    return number(Decimal(size) / (1024 * 1024), 1) + " MB"


@command
def cache(
    clear: Annotated[
        bool,
        typer.Option(
            "--clear", help="Xóa bộ nhớ đệm (không bao giờ cần để có kết quả đúng; để lấy lại chỗ)."
        ),
    ] = False,
) -> None:
    """Bộ nhớ đệm nằm ở đâu, chiếm bao nhiêu chỗ; xóa bằng --clear."""
    from thidua_cli.numfmt import day, number
    from thidua_cli.read import cache as store

    folder = store.default_folder()
    if clear:
        deleted, failed = store.clear(folder)
        if failed:
            import errno

            path, exc = failed[0]
            busy = exc.errno not in (errno.EROFS, errno.ENOENT, errno.ENOTDIR)
            raise UserError(
                f"Không xóa được {path}: {os_reason(exc)}.",
                code=1,
                detail=("Đóng các lệnh thidua đang chạy rồi thử lại." if busy else "")
                + (f" Đã xóa: {', '.join(s.path.name for s in deleted)}." if deleted else ""),
            )
        freed = sum(s.size for s in deleted)
        say(
            f"Đã xóa bộ nhớ đệm ở {folder} ({len(deleted)} tệp, {_megabytes(freed)}). "
            "Lần chạy sau đọc và kiểm tra lại mọi tệp."
            if deleted
            else f"Bộ nhớ đệm ở {folder} đang trống; không có gì để xóa."
        )
        return
    say(f"Bộ nhớ đệm: {folder}", style="bold")
    if not store.enabled():
        say("Đang tắt (THIDUA_NO_CACHE hoặc --no-cache): các lệnh đọc và tính lại mọi thứ.")
    found = store.survey(folder)
    for s in found:
        held = (
            f"{number(s.entries)} mục"
            if s.entries is not None
            else "của phiên bản thidua trước, được bỏ ở lần chạy sau"
            if s.earlier
            else "không đọc được (hỏng: lần chạy sau tạo lại)"
        )
        last = f", dùng gần nhất {day(s.last_used)}" if s.last_used else ""
        say(f"  {s.path.name}: {_WHAT[s.kind]}, {held}, {_megabytes(s.size)}{last}")
    if not found:
        say("  (trống: chưa có lệnh nào ghi vào)")
    else:
        say(f"Tổng {_megabytes(sum(s.size for s in found))}.")
    say(
        f"Mục không được dùng trong {store.KEEP_DAYS} ngày tự bị bỏ; xóa hết: thidua cache --clear. "
        "Đổi chỗ bằng biến môi trường THIDUA_CACHE_DIR."
    )

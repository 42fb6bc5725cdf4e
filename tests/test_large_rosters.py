"""Large blocs: the report and the terminal table show the first and last units and a summary,
and the full ranking goes with the report as CSV."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from .conftest import DATA

Run = Callable[..., tuple[int, str]]


def _data(tmp_path: Path, rule: str) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(DATA, repo / "data", ignore=shutil.ignore_patterns("reports"))
    catalogue = repo / "data" / "indicators.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + rule, encoding="utf-8")
    return repo


def test_a_large_bloc_is_summarised_in_the_report_with_the_full_ranking_beside(
    tmp_path: Path, cli: Run
) -> None:
    repo = _data(tmp_path, "large_rosters:\n  from_units: 20\n  show: 3\n")
    out = tmp_path / "out"
    code, text = cli("report", "--phase", "1", "--out", str(out), cwd=repo)
    assert code == 0, text
    md = (out / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "| … | (35 đơn vị khác) |" in md  # 41 villages: 3 first, 3 last
    assert "Khối có 41 đơn vị: bảng trên ghi 3 đơn vị đứng đầu và 3 đơn vị cuối" in md
    villages = md.split("Khối các thôn, làng (41 đơn vị)")[1].split("Khối cơ quan")[0]
    assert "| 41 | " in villages and "| 4 | " not in villages
    assert "- Hoàn thành tốt nhiệm vụ:" in md  # the bloc's summary counts every unit
    # the roster is summarised: a bloc below from_units but longer than twice show is too
    assert "Khối có 15 đơn vị: bảng trên ghi 3 đơn vị đứng đầu và 3 đơn vị cuối" in md
    fronts = md.split("Khối Mặt trận và đoàn thể (5 đơn vị)")[1].split("Khối trường học")[0]
    assert "đơn vị khác)" not in fronts  # 5 units: shorter than twice show, listed whole
    rows = list(
        csv.reader(
            io.StringIO((out / "bang-xep-hang-dot-1.csv").read_text("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) == 1 + 69  # every unit of every bloc
    assert (out / "bao-cao-dot-1.docx").is_file()


def test_small_blocs_are_listed_whole_and_no_csv_is_written(tmp_path: Path, cli: Run) -> None:
    repo = _data(tmp_path, "")
    out = tmp_path / "out"
    code, _ = cli("report", "--phase", "1", "--format", "md", "--out", str(out), cwd=repo)
    assert code == 0
    md = (out / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    villages = md.split("Khối các thôn, làng (41 đơn vị)")[1].split("Khối cơ quan")[0]
    assert "đơn vị khác)" not in md and "| 41 | " in villages
    assert not (out / "bang-xep-hang-dot-1.csv").exists()


def test_the_terminal_table_prints_a_summary_and_a_hint(tmp_path: Path, cli: Run) -> None:
    repo = _data(tmp_path, "large_rosters:\n  from_units: 20\n  show: 2\n")
    code, text = cli("score", "--phase", "1", cwd=repo)
    assert code == 0, text
    assert "(37 đơn vị khác)" in text
    assert "Khối có 41 đơn vị: chỉ in 2 đơn vị đầu và 2 đơn vị cuối" in text
    # one file per bloc, so following the hints one after another overwrites nothing
    assert "--bloc khoi-thon --format csv > xep-hang-khoi-thon.csv" in text
    assert "--bloc khoi-truong-hoc --format csv > xep-hang-khoi-truong-hoc.csv" in text
    code, csv_text = cli("score", "--phase", "1", "--format", "csv", cwd=repo)
    assert code == 0 and csv_text.count("\n") == 1 + 69


def test_once_the_roster_is_summarised_long_lists_are_cut_too(tmp_path: Path, cli: Run) -> None:
    """At 2.000 units the late reports, the units that have not reported and the exemplars
    filled dozens of pages although no list was longer than a large bloc: once the report is a
    summary, a list longer than twice `show` is cut, saying how many more and where they are."""
    repo = _data(tmp_path, "large_rosters:\n  from_units: 20\n  show: 1\n")
    out = tmp_path / "out"
    code, text = cli("report", "--phase", "1", "--format", "md", "--out", str(out), cwd=repo)
    assert code == 0, text
    md = (out / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "| … và 3 đơn vị khác (cột Ghi chú của tệp bang-xep-hang-dot-1.csv) |" in md
    assert (
        "Khối các thôn, làng (3): Làng Đăk Kơ Đem và 2 đơn vị khác (cột Ghi chú của tệp "
        "bang-xep-hang-dot-1.csv)" in md
    )
    assert "Thôn Tân Hương | Khối các thôn" not in md  # the fourth late unit: in the CSV
    assert (out / "bang-xep-hang-dot-1.csv").is_file()

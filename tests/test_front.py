"""The front door and the CLI's seams: the real entry point, format registries, parallel reading,
table output of every listing command."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from thidua_cli.cli import audit, check, compute
from thidua_cli.formats import diff as diff_formats
from thidua_cli.formats import exemplars as exemplars_formats
from thidua_cli.formats import history as history_formats
from thidua_cli.formats import indicators as indicators_formats
from thidua_cli.formats import problems as problem_formats
from thidua_cli.formats import score as score_formats
from thidua_cli.formats import status as status_formats
from thidua_cli.workspace import check_document, load

from .conftest import DATA, ROOT

Run = Callable[..., tuple[int, str]]


def _main(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The installed entry point, as a person runs it (not typer's test runner)."""
    code = "import sys; from thidua_cli.cli import main; sys.argv[0] = 'thidua'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_main_says_a_wrong_option_in_vietnamese_with_exit_2() -> None:
    done = _main("score", "--phse", "1")
    assert done.returncode == 2
    assert "Không có tùy chọn «--phse». Có phải ý bạn là «--phase»?" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    done = _main("scroe")
    assert done.returncode == 2 and "Có phải ý bạn là «score»?" in done.stderr
    done = _main("score", "--format", "pdf")
    assert done.returncode == 2 and "không hợp lệ" in done.stderr
    done = _main("validate", "--no-cache")  # an option of thidua itself, after the command
    assert done.returncode == 2
    assert "«--no-cache» đặt ngay sau thidua, trước tên lệnh" in " ".join(done.stderr.split())


def test_main_user_errors_are_one_red_line(tmp_path: Path) -> None:
    done = _main("score", "--phase", "9", cwd=ROOT)
    assert done.returncode == 2 and done.stderr.strip() == "Không có đợt 9. Các đợt: 1, 2."
    done = _main("validate", cwd=tmp_path)
    assert done.returncode == 2 and "Không tìm thấy data/indicators.yaml." in done.stderr


def test_version() -> None:
    done = _main("--version")
    assert done.returncode == 0 and done.stdout.startswith("thidua 0.")


@pytest.mark.parametrize(
    ("literal", "formats"),
    [
        (check.CheckFormat, {"auto", *problem_formats.FORMATS}),
        (compute.ScoreFormat, set(score_formats.FORMATS)),
        (audit.DiffFormat, set(diff_formats.FORMATS)),
    ],
)
def test_format_options_name_exactly_the_registered_formats(
    literal: object, formats: set[str]
) -> None:
    assert set(typing.get_args(literal)) == formats


def test_table_formats_are_registered_for_every_listing() -> None:
    table = set(typing.get_args(check.TableFormat))
    for module in (
        indicators_formats,
        status_formats,
        exemplars_formats,
        history_formats,
    ):
        assert set(module.FORMATS) == table, module.__name__


def test_indicators_table(cli: Run) -> None:
    code, out = cli("indicators")
    assert code == 0
    assert "Danh mục chỉ tiêu" in out
    assert "CT03" in out and "Tổng sản lượng lương thực có hạt" in out and "10.900" in out
    assert "≤ 7,48%" in out  # the poverty rate is a ceiling
    assert "trong đó:" in out  # CT04.1 under CT04


def test_indicators_table_has_one_header_per_group(cli: Run, tmp_path: Path) -> None:
    """Codes that interleave groups (CT01 economy, CT02 society, CT03 economy) still list
    each group once, in the catalogue's group order."""
    text = (ROOT / "tests/cases/catalogue/valid/indicators.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - {id: kinh-te, name: Kinh tế}\n",
        "  - {id: kinh-te, name: Kinh tế}\n  - {id: xa-hoi, name: Văn hóa - Xã hội}\n",
    ).replace("name: Tỷ lệ BHYT, group: kinh-te", "name: Tỷ lệ BHYT, group: xa-hoi")
    text = text.replace(
        "\nscoring:",
        '\n  - {code: CT03, name: Diện tích lúa, group: kinh-te, source: "(3)", unit: ha,'
        " kind: number, target: 10, aggregation: sum, applies_to: [thon]}\nscoring:",
    )
    (tmp_path / "data" / "units").mkdir(parents=True)
    (tmp_path / "data" / "indicators.yaml").write_text(text, encoding="utf-8")
    code, out = cli("indicators", cwd=tmp_path)
    assert code == 0, out
    assert out.count("Kinh tế") == 1 and out.count("Văn hóa - Xã hội") == 1
    order = [out.index(s) for s in ("Kinh tế", "CT01", "CT03", "Văn hóa - Xã hội", "CT02")]
    assert order == sorted(order)


def test_exemplars_table(cli: Run) -> None:
    code, out = cli("exemplars")
    assert code == 0
    assert "Sổ theo dõi điển hình tiên tiến" in out
    assert "Lĩnh vực có điển hình được công nhận: 7/9" in out
    assert "Lĩnh vực chưa có điển hình được công nhận:" in out


def test_parallel_reading_gives_identical_output(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    data = generate(450, tmp_path)  # above PARALLEL_FROM, so two processes really run
    broken = data / "units" / "zz-hong.yaml"
    broken.write_text("id: zz-hong\nname: [\n", encoding="utf-8")
    one = load(data, jobs=1)
    two = load(data, jobs=2)
    assert one.problems == two.problems and len(one.problems) > 0
    assert [u.id for u in one.units] == [u.id for u in two.units]
    assert one.units == two.units
    assert problem_formats.as_json(
        one.problems, (one.unit_files, one.files - one.unit_files)
    ) == problem_formats.as_json(two.problems, (two.unit_files, two.files - two.unit_files))


def test_check_document_checks_one_unit_in_context(scratch: Callable[..., Path]) -> None:
    data = scratch(units=True)
    ws = load(data)
    doc = {
        "id": "lang-kon-ktu",
        "name": "Làng Kon Ktu",
        "kind": "thon",
        "bloc": "khoi-thon",
        # plain values as the YAML reader gives them: dates and exact numbers
        "results": [{"phase": 1, "submitted": date(2026, 6, 20), "values": {"CT99": Decimal(5)}}],
    }
    unit, problems = check_document(ws, doc, "data/units/ban-sao.yaml")
    assert unit is not None
    codes = {p.code for p in problems}
    assert {"unknown-indicator", "duplicate-unit-id"} <= codes
    _, problems = check_document(ws, {"id": "x"}, "data/units/x.yaml")
    assert {p.code for p in problems} >= {"missing-key"}


def test_front_door_reports_lock_problems_without_the_cli(
    tmp_path: Path, scratch: Callable[..., Path]
) -> None:
    """workspace.load() applies the approval locks itself: any caller gets them."""
    data = scratch(units=True)
    (data / "approvals.yaml").write_text(
        "approvals:\n  - {phase: 1, commit: 'abcdef1', by: Hội đồng, decision: BB 1, "
        "date: 2026-07-10}\n",
        encoding="utf-8",
    )
    ws = load(data)
    assert [p.code for p in ws.problems if p.is_error] == ["approval-unverifiable"]


def test_json_of_score_is_the_same_from_the_registry(cli: Run) -> None:
    code, out = cli("score", "--phase", "1", "--format", "json")
    assert code == 0 and json.loads(out)["phase"] == 1
    assert DATA.is_dir()


def test_main_says_every_usage_slip_in_vietnamese() -> None:
    for args, said in (
        (("score", "--phase"), "Tùy chọn «--phase» cần một giá trị đi kèm."),
        (("score", "thua"), "Thừa tham số: «thua»."),
        (("history",), "Thiếu tham số bắt buộc «unit». (Mã đơn vị"),
        (("score", "--format", "pdf"), "Giá trị «pdf» của --format không hợp lệ"),
    ):
        done = _main(*args)
        assert done.returncode == 2 and said in done.stderr, (args, done.stderr)
        assert "Got " not in done.stderr and "requires" not in done.stderr


def test_help_names_option_types_in_vietnamese() -> None:
    done = _main("score", "--help")
    assert done.returncode == 0, done.stderr
    assert "<số>" in done.stdout and "<đường dẫn>" in done.stdout and "[≥ 0]" in done.stdout
    assert "Cách gọi: thidua score [TÙY CHỌN]" in done.stdout
    for english in ("<int", "<str>", "<path>", "<bool>", "x>=", "Usage", "[OPTIONS]"):
        assert english not in done.stdout, english


def test_the_catalogue_takes_the_words_a_person_writes_first(tmp_path: Path) -> None:
    """`locality: phường`, `comparator: trên`, `target: true` on a yes/no indicator: accepted
    as the plan writes them, with the full meaning."""
    base = (ROOT / "tests/cases/catalogue/valid/indicators.yaml").read_text(encoding="utf-8")
    text = base.replace(
        "    signer: {title: CHỦ TỊCH, name: Nguyễn Văn A}\n",
        ("    signer: {title: CHỦ TỊCH, name: Nguyễn Văn A}\n  locality: phường\n"),
    ).replace(
        "kind: percent, target: 95, aggregation: ratio",
        "kind: percent, comparator: trên, target: 95, aggregation: ratio",
    )
    text = text.replace(
        "\nscoring:",
        '\n  - {code: CT03, name: Không ma túy, group: kinh-te, source: "(3)", unit: đạt/không,'
        " kind: boolean, target: true, aggregation: count-true, applies_to: [thon]}\nscoring:",
    )
    data = tmp_path / "data"
    (data / "units").mkdir(parents=True)
    (data / "indicators.yaml").write_text(text, encoding="utf-8")
    ws = load(data)
    assert [p.code for p in ws.problems if p.is_error] == []
    assert ws.catalogue is not None
    assert ws.catalogue.campaign.locality.body == "UBND phường"
    by_code = {i.code: i for i in ws.catalogue.indicators}
    assert by_code["CT02"].comparator == ">"
    assert (by_code["CT03"].target_bool, by_code["CT03"].comparator) == (True, "=")


def test_the_readme_minimal_catalogue_works_as_written(tmp_path: Path, cli: Run) -> None:
    """The catalogue the README offers to a locality starting from scratch validates, scores
    and reports (the documentation cannot drift from the tool)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Một danh mục tối thiểu, viết từ đầu")[1]
    catalogue = section.split("```yaml\n")[1].split("```")[0]
    data = tmp_path / "data"
    (data / "units").mkdir(parents=True)
    (data / "indicators.yaml").write_text(catalogue, encoding="utf-8")
    (data / "units" / "to-dan-pho-1.yaml").write_text(
        "id: to-dan-pho-1\nname: Tổ dân phố 1\nkind: to-dan-pho\nbloc: khoi-tdp\n"
        "registration: {date: 2026-01-15, targets: {P01: 800, P02: 95}}\n"
        "pact: {signed: 2026-01-20}\n"
        "results:\n  - phase: 1\n    submitted: 2026-07-08\n    values:\n"
        "      P01: {value: 450, evidence: Báo cáo số 1/BC}\n"
        "      P02: {numerator: 930, denominator: 1000}\n",
        encoding="utf-8",
    )
    (data / "units" / "van-phong.yaml").write_text(
        "id: van-phong\nname: Văn phòng HĐND-UBND phường\nkind: co-quan\nbloc: khoi-co-quan\n"
        "registration: {date: 2026-01-15, targets: {P03: null, P04: null}}\n"
        "pact: {signed: 2026-01-20}\n"
        "results:\n  - phase: 1\n    submitted: 2026-07-01\n    values:\n"
        "      P03: {value: true, evidence: Quyết định số 5/QĐ}\n"
        "      P04: {value: 5, evidence: Báo cáo số 2/BC}\n",
        encoding="utf-8",
    )
    code, out = cli("validate", "--format", "json", cwd=tmp_path)
    assert code == 0, out
    codes = {p["code"] for p in json.loads(out)["problems"]}
    assert codes <= {"late-report", "missing-evidence"}, codes
    code, out = cli("score", "--phase", "1", "--unit", "to-dan-pho-1", "--explain", cwd=tmp_path)
    assert code == 0 and "Nộp báo cáo sau hạn" in out and "Tổ dân phố 1" in out
    code, out = cli("score", "--phase", "1", cwd=tmp_path)
    assert "toàn phường" in out and "toàn xã" not in out
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "bc", cwd=tmp_path)
    assert code == 0, out
    md = (tmp_path / "bc" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "PHƯỜNG HÒA KHÁNH" in md and "Thực hiện Kế hoạch số 12/KH-UBND" in md
    # the plan's issuer, unless report.plan names one: the agency in running text
    assert "ngày 10/01/2026 của Ủy ban nhân dân phường Hòa Khánh về" in md
    assert "trên 5%" in md  # «trên», as the plan writes it
    code, out = cli("report", "--phase", "2", "--format", "md", "--out", "bc", cwd=tmp_path)
    assert code == 0 and "awards" not in out, out
    md = (tmp_path / "bc" / "bao-cao-dot-2.md").read_text(encoding="utf-8")
    assert "ĐỀ NGHỊ KHEN THƯỞNG" in md and "chưa quy định hình thức" not in md
    # without award rules the report says so, not that nobody qualifies
    (data / "indicators.yaml").write_text(catalogue.split("awards:")[0], encoding="utf-8")
    code, out = cli("report", "--phase", "2", "--format", "md", "--out", "bc", cwd=tmp_path)
    assert code == 0 and "danh mục chưa có mục «awards»" in out, out
    md = (tmp_path / "bc" / "bao-cao-dot-2.md").read_text(encoding="utf-8")
    assert "Chưa lập danh sách đề nghị khen thưởng: kế hoạch thi đua chưa quy định" in md
    assert "đủ điều kiện đề nghị khen thưởng" not in md
    # an editor using the shipped schema accepts the shorthands too (locality, trên, true)
    schemafile = ROOT / "schemas" / "indicators.schema.json"
    checker = Path(sys.executable).parent / "check-jsonschema"
    done = subprocess.run(
        [str(checker), "--schemafile", str(schemafile), str(data / "indicators.yaml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_option_ranges_read_as_words() -> None:
    from thidua_cli.cli.usage import _range_words

    said = [_range_words(t) for t in ("x>=0", "0<=x<=100", "x<5", "1<x<5")]
    assert said == ["≥ 0", "từ 0 đến 100", "< 5", "1<x<5"]


def test_json_text_reads_back_as_json_dumps_would_write_it() -> None:
    import json

    from thidua_cli.formats import json_text

    doc = {
        "b": [{"z": 1, "a": [1, 2, {"x": None}]}, [], {}, "chữ «có dấu»", 1.5, True],
        "a": {2: "hai", 1: {"y": []}},
        "c": [],
        "d": {},
        "e": "",
    }
    text = json_text(doc)
    assert json.loads(text) == json.loads(json.dumps(doc, sort_keys=True))
    assert "chữ «có dấu»" in text  # not \\u-escaped
    assert text.splitlines()[:3] == ["{", '  "a": {', '    "1": {"y": []},']


def test_write_json_writes_json_texts_bytes_in_bounded_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from thidua_cli import formats

    doc = {"units": [{"id": f"don-vi-{n}", "tên": "Thôn «Đông»" * n} for n in range(300)]}

    sizes: list[int] = []

    class Writes(io.StringIO):
        def write(self, s: str) -> int:
            sizes.append(len(s))
            return super().write(s)

    monkeypatch.setattr(formats, "BATCH", 1000)
    out = Writes()
    formats.write_json(doc, out)
    assert out.getvalue() == formats.json_text(doc)
    assert len(sizes) > 100
    # a batch ends with the chunk that crossed the limit: never much more than it
    assert max(sizes) < 1000 + 300 * len("Thôn «Đông»") + 100

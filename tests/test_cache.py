"""The cache of checked files: a hit skips parsing, anything that could change a result misses,
a broken or unwritable cache is never a wrong answer, and every command prints the same bytes
with the cache on or off and with one or two processes."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from thidua_cli import workspace
from thidua_cli.read import cache, compact, yamlload
from thidua_cli.read.models import Catalogue, Unit

from .conftest import DATA, HOA_BINH
from .test_audit import git

Run = Callable[..., tuple[int, str]]
KTU = "lang-kon-ktu.yaml"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually parsed (not answered from the cache), in order."""
    seen: list[str] = []
    original = yamlload.load_bytes

    def counting(raw: bytes, rel: str) -> yamlload.Loaded:
        seen.append(rel)
        return original(raw, rel)

    monkeypatch.setattr(yamlload, "load_bytes", counting)
    return seen


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "repo" / "data", ignore=shutil.ignore_patterns("reports"))
    return tmp_path / "repo" / "data"


def _summary(ws: workspace.Workspace) -> tuple[object, ...]:
    return (
        [(p.path, p.line, p.column, p.code, p.message, p.hint, p.yaml_path) for p in ws.problems],
        [u.model_dump() for u in ws.units],
        ws.paths,
    )


def test_second_read_parses_nothing_and_gives_the_same_workspace(
    own_cache: Path, parses: list[str], data: Path
) -> None:
    first = workspace.load(data)
    assert len(parses) == 69
    second = workspace.load(data)
    assert len(parses) == 69  # every unit file came from the cache
    assert _summary(first) == _summary(second)
    assert second.units == first.units
    assert any(own_cache.rglob("*"))


def test_a_changed_file_is_read_again(own_cache: Path, parses: list[str], data: Path) -> None:
    before = [p for p in workspace.load(data).problems if p.path.endswith(KTU)]
    parses.clear()
    path = data / "units" / KTU
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: 113.9", "value: 10.900", 1), encoding="utf-8")
    ws = workspace.load(data)
    assert parses == [f"data/units/{KTU}"]
    assert "thousands-separator" in {p.code for p in ws.problems if p.path.endswith(KTU)}
    path.write_text(text, encoding="utf-8")  # back as it was: the old entry answers again
    parses.clear()
    assert [p for p in workspace.load(data).problems if p.path.endswith(KTU)] == before
    assert parses == []


def test_a_renamed_file_misses(own_cache: Path, parses: list[str], data: Path) -> None:
    """Problems carry the file's path: the same bytes under another name are another entry."""
    workspace.load(data)
    parses.clear()
    (data / "units" / KTU).rename(data / "units" / "zz.yaml")
    ws = workspace.load(data)
    assert parses == ["data/units/zz.yaml"]
    assert ws.paths["lang-kon-ktu"] == "data/units/zz.yaml"


def test_a_catalogue_change_misses_everything(
    own_cache: Path, parses: list[str], data: Path
) -> None:
    workspace.load(data)
    parses.clear()
    catalogue = data / "indicators.yaml"
    catalogue.write_bytes(catalogue.read_bytes() + b"\n# only a comment\n")
    workspace.load(data)
    assert len(parses) == 69


def test_another_size_limit_misses(own_cache: Path, parses: list[str], data: Path) -> None:
    workspace.load(data)
    parses.clear()
    workspace.load(data, max_bytes=yamlload.MAX_BYTES - 1)
    assert len(parses) == 69


def test_another_tool_version_misses(
    own_cache: Path, parses: list[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.load(data)
    parses.clear()
    monkeypatch.setattr(cache, "_FINGERPRINT", [b"another version of thidua"])
    workspace.load(data)
    assert len(parses) == 69


def test_the_fingerprint_covers_the_version_and_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import thidua_cli

    first = cache.fingerprint()
    monkeypatch.setattr(cache, "_FINGERPRINT", [])
    monkeypatch.setattr(thidua_cli, "__version__", "99.0")
    assert cache.fingerprint() != first


def test_a_removed_evidence_file_is_noticed(own_cache: Path, parses: list[str], data: Path) -> None:
    """The checks look at evidence files: an entry is used only while they are found the same."""
    first = workspace.load(data)
    assert not first.has_errors
    unit = next(u for u in first.units if any(ev.file for ev in _evidence(u)))
    target = next(ev.file for ev in _evidence(unit) if ev.file)
    assert target is not None
    (data.parent / target).unlink()
    parses.clear()
    ws = workspace.load(data)
    assert first.paths[unit.id] in parses
    assert "evidence-not-found" in {p.code for p in ws.problems}


def _evidence(unit: Unit) -> list[object]:
    return [ev for r in unit.results for v in r.values.values() for ev in v.evidence]


def _rows(folder: Path) -> list[tuple[bytes, bytes]]:
    with sqlite3.connect(folder / "units.sqlite") as db:
        return list(db.execute("SELECT key, value FROM items ORDER BY key"))


def _set_rows(folder: Path, rows: list[tuple[bytes, bytes]]) -> None:
    with sqlite3.connect(folder / "units.sqlite") as db:
        db.executemany("UPDATE items SET value = ? WHERE key = ?", [(v, k) for k, v in rows])


def test_corrupted_and_foreign_entries_are_misses(
    own_cache: Path, parses: list[str], data: Path
) -> None:
    first = workspace.load(data)
    rows = _rows(own_cache)
    assert len(rows) == 69
    spoiled = []
    for n, (key, raw) in enumerate(rows):
        if n % 4 == 0:
            raw = raw[: len(raw) // 2]  # truncated
        elif n % 4 == 1:
            raw = raw[:-1] + bytes([raw[-1] ^ 1])  # one bit flipped
        elif n % 4 == 2:
            raw = rows[(n + 1) % len(rows)][1]  # another file's entry
        else:
            raw = b"not a cache entry at all"
        spoiled.append((key, raw))
    _set_rows(own_cache, spoiled)
    parses.clear()
    second = workspace.load(data)
    assert len(parses) == 69
    assert _summary(first) == _summary(second)
    parses.clear()
    workspace.load(data)  # the misses were written again
    assert parses == []


def test_a_cache_file_that_is_not_a_database_is_replaced(
    own_cache: Path, parses: list[str], data: Path
) -> None:
    first = workspace.load(data)
    (own_cache / "units.sqlite").write_bytes(b"\x00garbage" * 1000)
    parses.clear()
    assert _summary(workspace.load(data)) == _summary(first)
    assert len(parses) == 69
    parses.clear()
    workspace.load(data)
    assert parses == []


def _used(folder: Path) -> list[int]:
    with sqlite3.connect(folder / "units.sqlite") as db:
        return sorted(day for (day,) in db.execute("SELECT used FROM items"))


def test_entries_nobody_uses_are_dropped_and_entries_in_use_never(
    own_cache: Path, parses: list[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = [739_000]
    monkeypatch.setattr(cache, "_today", lambda: day[0])
    workspace.load(data)
    path = data / "units" / KTU
    path.write_bytes(path.read_bytes() + b"\n# changed\n")
    day[0] += 10
    workspace.load(data)  # 68 entries used again, one new; the old one of KTU not used
    assert _used(own_cache) == [739_000] + [739_010] * 69
    day[0] += cache.KEEP_DAYS
    parses.clear()
    workspace.load(data)
    assert parses == []
    assert _used(own_cache) == [day[0]] * 69  # the past version of KTU is gone
    day[0] += 10 * cache.KEEP_DAYS  # a long pause: what is read is used, so it is kept
    workspace.load(data)
    assert parses == []
    assert _used(own_cache) == [day[0]] * 69
    with sqlite3.connect(own_cache / "units.sqlite") as db:
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0  # space given back


def test_pruning_gives_the_space_back_to_the_disk(
    own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = [739_000]
    monkeypatch.setattr(cache, "_today", lambda: day[0])
    store = cache.Cache.open("units")
    for n in range(300):
        store.put(store.key(b"%d" % n), (os.urandom(50_000),))
    store.flush()
    full = (own_cache / "units.sqlite").stat().st_size
    assert full > 15_000_000
    day[0] += cache.KEEP_DAYS + 1
    later = cache.Cache.open("units")
    later.put(later.key(b"new"), ("x",))
    later.flush()
    assert (own_cache / "units.sqlite").stat().st_size < full / 20


def test_a_cache_file_damaged_inside_is_replaced(
    own_cache: Path, parses: list[str], data: Path
) -> None:
    """Its first page whole (it opens), other pages garbage: writing fails as «malformed»."""
    first = workspace.load(data)
    file = own_cache / "units.sqlite"
    body = bytearray(file.read_bytes())
    body[20_000:23_000] = os.urandom(3_000)
    file.write_bytes(bytes(body))
    parses.clear()
    assert _summary(workspace.load(data)) == _summary(first)
    parses.clear()
    workspace.load(data)
    assert parses == []  # written again to a new file


def test_the_survey_reads_a_cache_folder_named_with_uri_characters(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "đệm #1 ?x %41"
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(folder))
    workspace.load(data)
    (units,) = cache.survey(folder)
    assert units.entries == 69 and not units.earlier


def test_a_file_not_yet_giving_space_back_is_rebuilt_once_it_can_be(
    own_cache: Path, data: Path
) -> None:
    """The rebuild (VACUUM) may fail while another run reads the file: it is tried again."""
    own_cache.mkdir()
    with sqlite3.connect(own_cache / "units.sqlite") as db:
        db.execute("CREATE TABLE items (key BLOB PRIMARY KEY, used INTEGER, value BLOB)")
    workspace.load(data)
    with sqlite3.connect(own_cache / "units.sqlite") as db:
        assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2


def test_a_cache_of_the_earlier_layout_is_dropped_with_its_space(
    own_cache: Path, parses: list[str], data: Path
) -> None:
    own_cache.mkdir()
    with sqlite3.connect(own_cache / "units.sqlite") as db:
        db.execute("CREATE TABLE entries (key BLOB PRIMARY KEY, value BLOB)")
        db.executemany(
            "INSERT INTO entries VALUES (?, ?)",
            [(bytes([n]) * 32, b"x" * 100_000) for n in range(50)],
        )
    before = (own_cache / "units.sqlite").stat().st_size
    (earlier,) = cache.survey(own_cache)
    assert earlier.earlier and earlier.entries is None and earlier.size == before
    first = workspace.load(data)
    assert len(parses) == 69
    with sqlite3.connect(own_cache / "units.sqlite") as db:
        assert [n for (n,) in db.execute("SELECT name FROM sqlite_master")] == [
            "items",
            "sqlite_autoindex_items_1",
        ]
    assert (own_cache / "units.sqlite").stat().st_size < before / 5
    parses.clear()
    assert _summary(workspace.load(data)) == _summary(first)
    assert parses == []


def test_a_pickle_naming_code_is_refused(own_cache: Path) -> None:
    """An entry is unpickled with data types only: a planted pickle cannot run anything."""
    store = cache.Cache.open("units")
    key = store.key(b"x")
    store.put(key, ("harmless",))
    store.flush()
    assert cache.Cache.open("units").get(key) == ("harmless",)
    body = pickle.dumps(os.system)
    planted = key + hashlib.blake2b(body, digest_size=32).digest() + body
    _set_rows(own_cache, [(key, planted)])
    assert cache.Cache.open("units").get(key) is None


def test_an_unwritable_cache_folder_is_tolerated(
    tmp_path: Path, parses: list[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    first = workspace.load(data)
    second = workspace.load(data)
    assert len(parses) == 2 * 69
    assert _summary(first) == _summary(second)


def test_a_read_only_cache_still_answers(
    own_cache: Path, parses: list[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries written earlier are read; writing fails quietly (the database opens read-only,
    as in a read-only folder; chmod cannot show it when the tests run as root)."""
    first = workspace.load(data)
    path = data / "units" / KTU
    path.write_bytes(path.read_bytes() + b"\n# changed\n")
    connect = sqlite3.connect

    def read_only(file: object, **kwargs: object) -> sqlite3.Connection:
        return connect(f"file:{file}?mode=ro", uri=True, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.sqlite3, "connect", read_only)
    parses.clear()
    second = workspace.load(data)
    assert parses == [f"data/units/{KTU}"]
    assert _summary(first)[1] == _summary(second)[1]
    parses.clear()
    workspace.load(data)
    assert parses == [f"data/units/{KTU}"]  # could not be stored: read again, still right


def test_no_cache_reads_everything(
    own_cache: Path, parses: list[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.load(data)
    monkeypatch.setenv("THIDUA_NO_CACHE", "1")
    parses.clear()
    workspace.load(data)
    assert len(parses) == 69


@pytest.mark.parametrize("source", [DATA, HOA_BINH])
def test_rebuilt_models_equal_validated_ones(source: Path) -> None:
    ws = workspace.load(source)
    assert ws.catalogue is not None and ws.units
    for unit in ws.units:
        again = compact.build(Unit, cache.loads(cache.dumps(compact.plain(unit))))
        assert again == unit
        assert again.model_dump() == unit.model_dump()
        assert again.model_fields_set == unit.model_fields_set
        assert list(again.__dict__) == list(unit.__dict__)  # the fields, in the same order
    catalogue = compact.build(Catalogue, compact.plain(ws.catalogue))
    assert catalogue == ws.catalogue and catalogue.model_dump() == ws.catalogue.model_dump()


def test_an_approved_revision_is_read_once(
    own_cache: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = data.parent
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Số liệu")
    sha = git(repo, "rev-parse", "HEAD").strip()
    exports: list[str] = []
    original = workspace.git.export

    def counting(root: Path, rev: str, folder: str, dest: Path) -> Path:
        exports.append(rev)
        return original(root, rev, folder, dest)

    monkeypatch.setattr(workspace.git, "export", counting)
    first = workspace.load_revision(repo, sha[:10], "data")
    second = workspace.load_revision(repo, sha, "data")
    assert exports == [sha]
    assert second.units == first.units and second.catalogue == first.catalogue
    assert second.paths == first.paths
    today = workspace.load(data, locks=False)
    third = workspace.load_revision(repo, sha, "data", today.by_digest)
    assert exports == [sha]
    assert third.units == first.units
    assert all(a is b for a, b in zip(third.units, today.units, strict=True))  # reused


# --- the same bytes from every command, cache on or off, one process or two ---------------


@pytest.fixture
def history_repo(tmp_path: Path) -> Iterator[Path]:
    repo = tmp_path / "hist"
    shutil.copytree(DATA, repo / "data", ignore=shutil.ignore_patterns("reports"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Số liệu đợt 1")
    path = repo / "data" / "units" / KTU
    path.write_text(
        path.read_text(encoding="utf-8").replace("value: 113.9", "value: 120", 1),
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-am", "Sửa CT03")
    path.write_text(
        path.read_text(encoding="utf-8").replace("value: 120", "value: 125", 1), encoding="utf-8"
    )
    yield repo


COMMANDS = [
    ("validate", "-f", "json"),
    ("score", "--phase", "1", "-f", "json"),
    ("score", "--phase", "2", "-f", "csv"),
    ("score", "--phase", "1", "-u", "lang-kon-ktu", "--explain", "-f", "json"),
    ("status", "--phase", "1", "--as-of", "2026-06-20", "-f", "json"),
    ("exemplars", "-f", "json"),
    ("diff", "HEAD~1", "-f", "json"),
    ("history", "lang-kon-ktu", "-f", "json"),
    ("report", "--phase", "1", "--format", "md", "--out", "OUT", "--as-of", "2026-06-30"),
]


def _outputs(cli: Run, repo: Path, tag: str, *front: str, jobs: str = "1") -> list[str]:
    out = []
    for command in COMMANDS:
        args = [a.replace("OUT", str(repo.parent / f"out-{tag}")) for a in command]
        if command[0] not in ("diff", "history"):
            args[1:1] = ["--jobs", jobs]
        code, text = cli(*front, *args, cwd=repo)
        assert code == 0, (command, text)
        out.append(text.replace(str(repo.parent / f"out-{tag}"), "OUT"))
        os.environ.pop("THIDUA_NO_CACHE", None)  # `--no-cache` sets it for the process
    report = repo.parent / f"out-{tag}" / "bao-cao-dot-1.md"
    out.append(report.read_text(encoding="utf-8"))
    return out


def test_every_command_prints_the_same_bytes_with_cache_or_not_one_process_or_two(
    cli: Run, history_repo: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _outputs(cli, history_repo, "cold")  # fills the cache
    assert any(own_cache.rglob("*"))
    warm = _outputs(cli, history_repo, "warm")
    off = _outputs(cli, history_repo, "off", "--no-cache")
    monkeypatch.setattr(workspace, "PARALLEL_FROM", 1)  # 69 files are enough for two processes
    two = _outputs(cli, history_repo, "two", jobs="2")
    two_off = _outputs(cli, history_repo, "two-off", "--no-cache", jobs="2")
    for name, other in (("warm", warm), ("off", off), ("two", two), ("two-off", two_off)):
        for command, a, b in zip([*COMMANDS, ("report.md",)], cold, other, strict=True):
            assert a == b, (name, command)
    assert json.loads(cold[0])["files"] == 70


def test_the_cache_command_shows_and_clears_only_its_own_files(
    own_cache: Path, cli: Run, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = cli("cache")
    assert code == 0 and str(own_cache) in out and "trống" in out
    assert cli("validate", "--data", str(data))[0] == 0
    code, out = cli("cache")
    assert "units.sqlite: tệp đơn vị đã kiểm tra, 69 mục" in out
    assert "results.sqlite: kết quả lệnh đã chạy, 1 mục" in out
    mine = own_cache / "notes.txt"  # THIDUA_CACHE_DIR may name a folder that holds other things
    mine.write_text("giữ lại")
    blocked = own_cache / "revisions.sqlite"
    shutil.copy(own_cache / "results.sqlite", blocked)
    unlink = Path.unlink

    def in_use(path: Path, missing_ok: bool = False) -> None:
        if path == blocked:
            raise PermissionError(13, "Permission denied")
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", in_use)
    code, out = cli("cache", "--clear")
    assert code == 1
    assert f"Không xóa được {blocked}: không có quyền ghi." in out
    assert "Đã xóa: units.sqlite, results.sqlite." in out
    monkeypatch.setattr(Path, "unlink", unlink)
    code, out = cli("cache", "--clear")
    assert code == 0 and "Đã xóa bộ nhớ đệm" in out and "(1 tệp," in out
    assert sorted(p.name for p in own_cache.iterdir()) == ["notes.txt"]
    assert cli("cache", "--clear")[1].startswith(f"Bộ nhớ đệm ở {own_cache} đang trống")


def test_the_tests_never_touch_the_users_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = cache.default_folder().resolve()
    assert folder.is_relative_to(tmp_path_factory.getbasetemp().resolve())


def test_default_folder_follows_the_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THIDUA_CACHE_DIR")
    monkeypatch.setattr(cache.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/cache")
    assert cache.default_folder() == Path("/x/cache/thidua")
    monkeypatch.setattr(cache.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", "C:/Users/an/AppData/Local")
    assert cache.default_folder() == Path("C:/Users/an/AppData/Local/thidua/Cache")

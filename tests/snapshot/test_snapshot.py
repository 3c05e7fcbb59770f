"""The snapshot: atomic writes, checksums, verify, import."""

from __future__ import annotations

import json
import os

import pytest

from punos_lib.errors import InputError, ParseError, SnapshotError
from punos_lib.snapshot.importing import import_file
from punos_lib.snapshot.store import Snapshot, sha256_bytes

COMMON = dict(source="demo", licence="CC BY 4.0", attribution="Lähde: testi", synthetic=True)


def _write(snap: Snapshot, entry_id: str, payload: bytes, media_type: str = "application/json"):
    dataset, kind = entry_id.split("/")
    return snap.write(entry_id, payload, dataset=dataset, kind=kind, media_type=media_type, **COMMON)


def test_write_read_roundtrip_records_checksum(tmp_path):
    snap = Snapshot(tmp_path)
    payload = b'{"x": [1, 2, 3]}'
    entry = _write(snap, "pop/data-1", payload)
    assert entry.sha256 == sha256_bytes(payload)
    assert entry.bytes == len(payload)
    assert (tmp_path / "demo" / "pop" / "data-1.json").read_bytes() == payload
    # A fresh object reads the manifest from disk.
    again = Snapshot(tmp_path)
    assert again.read_json("pop/data-1") == {"x": [1, 2, 3]}
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["entries"]["pop/data-1"]["synthetic"] is True
    assert again.synthetic("pop") is True


def test_missing_entry_names_dataset_and_what_to_run(tmp_path):
    with pytest.raises(SnapshotError, match=r"'population'.*punos fetch.*punos demo"):
        Snapshot(tmp_path).entry("population/data-1")


def test_changed_payload_is_refused(tmp_path):
    snap = Snapshot(tmp_path)
    _write(snap, "pop/data", b'{"a": 1}')
    (tmp_path / "demo" / "pop" / "data.json").write_bytes(b'{"a": 2}')
    with pytest.raises(SnapshotError, match="checksum"):
        Snapshot(tmp_path).read_bytes("pop/data")
    assert Snapshot(tmp_path).is_valid("pop/data") is False


def test_failed_write_leaves_nothing_half_written(tmp_path, monkeypatch):
    snap = Snapshot(tmp_path)
    _write(snap, "pop/data", b'{"a": 1}')
    before = (tmp_path / "manifest.json").read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        _write(Snapshot(tmp_path), "pop/other", b'{"b": 2}')
    monkeypatch.undo()
    assert (tmp_path / "manifest.json").read_bytes() == before
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert not (tmp_path / "demo" / "pop" / "other.json").exists()


def test_verify_lists_missing_changed_unreadable_untracked(tmp_path):
    snap = Snapshot(tmp_path)
    _write(snap, "a/data", b'{"ok": true}')
    _write(snap, "b/data", b'{"ok": true}')
    _write(snap, "c/data", b'{"ok": true}')
    _write(snap, "d/data", b"not json at all")
    (tmp_path / "demo" / "b" / "data.json").unlink()
    (tmp_path / "demo" / "c" / "data.json").write_bytes(b'{"ok": false}')
    (tmp_path / "stray.txt").write_text("x")
    report = Snapshot(tmp_path).verify()
    assert report.ok == ["a/data"]
    assert report.missing == ["b/data"]
    assert report.changed == ["c/data"]
    assert report.unreadable == ["d/data"]
    assert report.untracked == ["stray.txt"]
    assert len(report.problems) == 3


def test_corrupt_manifest_is_a_clear_error(tmp_path):
    (tmp_path / "manifest.json").write_text("{ truncated", encoding="utf-8")
    with pytest.raises(SnapshotError, match="manifest"):
        Snapshot(tmp_path).entries()


def test_bad_entry_id_is_refused(tmp_path):
    with pytest.raises(InputError):
        _write(Snapshot(tmp_path), "../escape", b"{}")


def test_import_csv_checks_columns_and_replaces_synthetic(tmp_path):
    columns = "region,year,level,field,measure,value"
    snap = Snapshot(tmp_path / "snap")
    snap.write("education_supply/import", b"x", dataset="education_supply", kind="import",
               media_type="text/csv", **COMMON)
    good = tmp_path / "edu.csv"
    good.write_text(f"{columns}\nMK10,2024,amk,0913,tutkinnot,5\n", encoding="utf-8")
    entry = import_file(snap, good, dataset="education_supply", source="Vipunen", licence="CC BY 4.0",
                        attribution="Lähde: Vipunen")
    assert entry.synthetic is False
    assert [e.id for e in Snapshot(tmp_path / "snap").entries(dataset="education_supply")] == [
        "education_supply/import"]
    bad = tmp_path / "bad.csv"
    bad.write_text("region,value\nMK10,5\n", encoding="utf-8")
    before = (tmp_path / "snap" / "manifest.json").read_bytes()
    with pytest.raises(InputError, match="missing: year"):
        import_file(snap, bad, dataset="education_supply", source="x", licence="x", attribution="x")
    assert (tmp_path / "snap" / "manifest.json").read_bytes() == before


def test_import_refuses_unknown_extension_and_broken_json(tmp_path):
    snap = Snapshot(tmp_path / "snap")
    odd = tmp_path / "table.xls"
    odd.write_bytes(b"x")
    with pytest.raises(InputError, match=r"\.xls"):
        import_file(snap, odd, dataset="population", source="x", licence="x", attribution="x")
    broken = tmp_path / "t.json"
    broken.write_text('{"version": "2.0", "class": "dataset", "id": ["a"]', encoding="utf-8")
    with pytest.raises(ParseError):
        import_file(snap, broken, dataset="population", source="x", licence="x", attribution="x")
    assert not (tmp_path / "snap" / "manifest.json").exists()


# -- the manifest is not trusted (issue 13, item 5) ---------------------------------------------


def _manifest_with(tmp_path, entry_id, raw):
    """A snapshot with one good entry 'ok/data' and one hand-edited entry."""
    snap = Snapshot(tmp_path)
    _write(snap, "ok/data", b'{"ok": true}')
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    manifest["entries"][entry_id] = raw
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return Snapshot(tmp_path)


def _good_raw(tmp_path, entry_id, path):
    payload = (tmp_path / "demo" / "ok" / "data.json").read_bytes()
    dataset, kind = entry_id.split("/")
    return dict(id=entry_id, dataset=dataset, kind=kind, path=path, media_type="application/json",
                sha256=sha256_bytes(payload), bytes=len(payload), **COMMON)


@pytest.mark.parametrize("path", ["../../../etc/hostname", "/etc/hostname", "demo/../../outside.json"])
def test_entry_path_leaving_the_folder_is_refused(tmp_path, path):
    outside = tmp_path / "outside.json"
    outside.write_bytes(b'{"ok": true}')
    _manifest_with(tmp_path / "snap", "evil/data", {})
    raw = _good_raw(tmp_path / "snap", "evil/data", path)
    snap = _manifest_with(tmp_path / "snap", "evil/data", raw)
    with pytest.raises(SnapshotError, match=r"'evil/data'.*leaves the snapshot folder|'evil/data'.*relative"):
        snap.read_bytes("evil/data")
    with pytest.raises(SnapshotError, match="'evil/data'"):
        snap.remove(["evil/data"])
    assert outside.exists()  # remove() never deletes outside the folder
    report = Snapshot(tmp_path / "snap").verify()
    assert report.ok == ["ok/data"]
    assert len(report.malformed) == 1 and "'evil/data'" in report.malformed[0]
    assert any("evil/data" in p for p in report.problems)


def test_symlink_leading_out_of_the_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_bytes(b'{"ok": true}')
    snap = Snapshot(tmp_path / "snap")
    _write(snap, "ok/data", b'{"ok": true}')
    (tmp_path / "snap" / "demo" / "link").mkdir()
    (tmp_path / "snap" / "demo" / "link" / "data.json").symlink_to(secret)
    raw = _good_raw(tmp_path / "snap", "link/data", "demo/link/data.json")
    snap = _manifest_with(tmp_path / "snap", "link/data", raw)
    with pytest.raises(SnapshotError, match=r"'link/data'.*symlink"):
        snap.read_bytes("link/data")
    with pytest.raises(SnapshotError, match=r"'link/data'.*symlink"):
        snap.is_valid("link/data")
    assert "'link/data'" in Snapshot(tmp_path / "snap").verify().malformed[0]
    # a symlink that stays inside the folder is fine
    inside = tmp_path / "snap" / "demo" / "ok" / "data.json"
    (tmp_path / "snap" / "demo" / "link" / "data.json").unlink()
    (tmp_path / "snap" / "demo" / "link" / "data.json").symlink_to(inside)
    assert Snapshot(tmp_path / "snap").read_json("link/data") == {"ok": True}


@pytest.mark.parametrize("raw, why", [
    ("not an object", "is not an object"),
    (["a", "list"], "is not an object"),
    ({"id": "bad/data"}, "lacks the field"),
    ("PATH_NULL", "lacks the field.*path"),
    ("BYTES_TEXT", "has the field 'bytes' = '12'"),
])
def test_malformed_entry_is_one_error_naming_it(tmp_path, raw, why):
    if raw == "PATH_NULL":
        snap = _manifest_with(tmp_path, "bad/data", {})
        raw = dict(_good_raw(tmp_path, "bad/data", "demo/ok/data.json"), path=None)
    elif raw == "BYTES_TEXT":
        snap = _manifest_with(tmp_path, "bad/data", {})
        raw = dict(_good_raw(tmp_path, "bad/data", "demo/ok/data.json"), bytes="12")
    snap = _manifest_with(tmp_path, "bad/data", raw)
    for call in (snap.entries, lambda: snap.read_bytes("bad/data"), lambda: snap.is_valid("bad/data"),
                 snap.provenance):
        with pytest.raises(SnapshotError, match=rf"entry 'bad/data' {why}"):
            call()
    report = Snapshot(tmp_path).verify()
    assert report.ok == ["ok/data"]
    assert len(report.malformed) == 1 and report.malformed[0].startswith("'bad/data'")


def _cli(*args, env_extra=None):
    import subprocess
    import sys

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "punos_lib", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_verify_and_list_report_a_malformed_entry_in_one_line(tmp_path):
    _manifest_with(tmp_path, "bad/data", {})
    _manifest_with(tmp_path, "bad/data", dict(_good_raw(tmp_path, "bad/data", "demo/ok/data.json"), path=None))
    listing = _cli("snapshot", "list", "--snapshot", str(tmp_path))
    assert listing.returncode == 2
    assert "Traceback" not in listing.stderr
    assert len(listing.stderr.strip().splitlines()) == 1 and "'bad/data'" in listing.stderr
    verify = _cli("snapshot", "verify", "--snapshot", str(tmp_path))
    assert verify.returncode == 1 and "Traceback" not in verify.stderr
    assert "malformed entry 'bad/data' lacks the field(s) path" in verify.stdout


def test_snapshot_that_is_a_file_is_a_clear_error(tmp_path):
    file = tmp_path / "snapshot.txt"
    file.write_text("x")
    with pytest.raises(SnapshotError, match="must be a folder"):
        Snapshot(file)
    csv = tmp_path / "edu.csv"
    csv.write_text("region,year,level,field,measure,value\nMK10,2024,amk,0913,tutkinnot,5\n", encoding="utf-8")
    result = _cli("snapshot", "import", str(csv), "--dataset", "education_supply", "--source", "Vipunen",
                  "--snapshot", str(file))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "must be a folder" in result.stderr


# -- interrupted writes (issue 13, item 7) ------------------------------------------------------


def test_interrupted_demo_is_not_ok_until_a_complete_one(tmp_path, monkeypatch):
    from punos_lib.snapshot import demo

    calls = {"n": 0}
    original = Snapshot.write

    def dies_on_the_fifth(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C half-way
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Snapshot, "write", dies_on_the_fifth)
    with pytest.raises(KeyboardInterrupt):
        demo.build_demo(tmp_path, progress=False)
    monkeypatch.undo()
    report = Snapshot(tmp_path).verify()
    assert report.ok and not report.missing and not report.changed  # each entry is consistent ...
    assert report.interrupted and "punos demo" in report.interrupted  # ... but the whole is not
    assert report.problems[0].startswith("interrupted write: punos demo")
    # A single import does not redo the demo: the warning stays.
    _write(Snapshot(tmp_path), "extra/data", b"{}")
    assert Snapshot(tmp_path).verify().interrupted
    demo.build_demo(tmp_path, progress=False)
    assert Snapshot(tmp_path).verify().problems == []


def test_killed_demo_process_leaves_a_snapshot_that_does_not_verify(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "snap"
    proc = subprocess.Popen([sys.executable, "-m", "punos_lib", "demo", "--snapshot", str(target), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (target / "manifest.json").exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # the first entry is written: the demo is half-way
        assert proc.poll() is None, "the demo finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    result = _cli("snapshot", "verify", "--snapshot", str(target))
    assert result.returncode == 1, result.stdout
    assert "interrupted write: punos demo" in result.stdout and "did not finish" in result.stdout


def test_stray_temporary_files_are_reported_and_cleaned_by_the_next_write(tmp_path):
    snap = Snapshot(tmp_path)
    _write(snap, "a/data", b'{"ok": true}')
    stray = tmp_path / "demo" / "a" / ".data.json.x1y2.tmp"
    stray.write_bytes(b'{"o')
    cache_tmp = tmp_path / ".cache" / ".frame.parquet.abc.tmp"  # another process's cache write
    cache_tmp.parent.mkdir()
    cache_tmp.write_bytes(b"x")
    report = Snapshot(tmp_path).verify()
    assert report.temporary == ["demo/a/.data.json.x1y2.tmp"]
    assert report.untracked == []  # neither the stray file nor the cache is 'untracked'
    assert any("temporary file" in p for p in report.problems)
    _write(Snapshot(tmp_path), "b/data", b"{}")
    assert not stray.exists() and cache_tmp.exists()
    assert Snapshot(tmp_path).verify().problems == []


def test_a_live_writer_blocks_a_second_one(tmp_path):
    import subprocess
    import sys

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tmp_path.mkdir(exist_ok=True)
        (tmp_path / ".write-in-progress.json").write_text(
            json.dumps({"what": "punos fetch", "pid": sleeper.pid, "started": "2026-01-01T00:00:00Z"}))
        with pytest.raises(SnapshotError, match=rf"punos fetch \(pid {sleeper.pid}"):
            _write(Snapshot(tmp_path), "a/data", b"{}")
        assert "is still running" in Snapshot(tmp_path).verify().interrupted
    finally:
        sleeper.kill()
        sleeper.wait()

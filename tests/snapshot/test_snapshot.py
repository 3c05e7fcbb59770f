"""The snapshot: atomic writes, checksums, verify, import."""

from __future__ import annotations

import json
import os

import pytest

from punos_lib.errors import InputError, ParseError, SnapshotError
from punos_lib.snapshot.store import Snapshot, import_file, sha256_bytes

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
    snap = Snapshot(tmp_path / "snap")
    _write(snap, "edu/data", b'{"synthetic": true}')
    good = tmp_path / "edu.csv"
    good.write_text("region,year,value\nMK10,2024,5\n", encoding="utf-8")
    entry = import_file(snap, good, dataset="edu", source="Vipunen", licence="CC BY 4.0",
                        attribution="Lähde: Vipunen", columns=["region", "year", "value"])
    assert entry.synthetic is False
    assert [e.id for e in Snapshot(tmp_path / "snap").entries(dataset="edu")] == ["edu/import"]
    bad = tmp_path / "bad.csv"
    bad.write_text("region,value\nMK10,5\n", encoding="utf-8")
    before = (tmp_path / "snap" / "manifest.json").read_bytes()
    with pytest.raises(InputError, match="missing: year"):
        import_file(snap, bad, dataset="edu", source="x", licence="x", attribution="x",
                    columns=["region", "year", "value"])
    assert (tmp_path / "snap" / "manifest.json").read_bytes() == before


def test_import_refuses_unknown_extension_and_broken_json(tmp_path):
    snap = Snapshot(tmp_path / "snap")
    odd = tmp_path / "table.xls"
    odd.write_bytes(b"x")
    with pytest.raises(InputError, match=r"\.xls"):
        import_file(snap, odd, dataset="t", source="x", licence="x", attribution="x")
    broken = tmp_path / "t.json"
    broken.write_text('{"version": "2.0", "class": "dataset", "id": ["a"]', encoding="utf-8")
    with pytest.raises(ParseError):
        import_file(snap, broken, dataset="t", source="x", licence="x", attribution="x")
    assert not (tmp_path / "snap" / "manifest.json").exists()
